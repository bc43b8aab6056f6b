import { describe, expect, it } from 'vitest';
import { defineStruct, readCString, readStruct, writeStruct } from '../../../src/helper/bpf/struct-layout.js';

describe('defineStruct', () => {
  it('aligns fields naturally and pads the end to the largest alignment', () => {
    const inner = defineStruct('inner', [
      ['a', 'u8'],
      ['b', 'u64'],
    ]);
    expect(inner.offsetOf('b')).toBe(8);
    expect(inner.size).toBe(16);
    const outer = defineStruct('outer', [
      ['x', 'u16'],
      ['in', inner],
      ['name', { chars: 3 }],
    ]);
    expect(outer.offsetOf('in')).toBe(8);
    expect(outer.offsetOf('name')).toBe(24);
    expect(outer.size).toBe(32);
  });

  it('rejects unknown fields by name', () => {
    const s = defineStruct('s', [['a', 'u32']]);
    expect(() => s.offsetOf('b')).toThrow(/struct s has no field b/);
  });
});

describe('readStruct / writeStruct', () => {
  const layout = defineStruct('sample', [
    ['u', 'u32'],
    ['s', 's32'],
    ['big', 'u64'],
    ['word', 'u16'],
    ['name', { chars: 8 }],
  ]);

  it('round-trips scalars, little-endian', () => {
    const buffer = writeStruct(layout, { u: 0xdeadbeef, s: -5, big: 2n ** 40n, word: 513 });
    expect(buffer.length).toBe(layout.size);
    expect(buffer.readUInt32LE(0)).toBe(0xdeadbeef);
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
    expect(readStruct(view, layout)).toMatchObject({ u: 0xdeadbeef, s: -5, big: 2 ** 40, word: 513, name: '' });
  });

  it('reads C strings up to the NUL or the array end', () => {
    const bytes = new Uint8Array([104, 105, 0, 120, 121, 122, 97, 98, 99, 100]);
    expect(readCString(bytes, 0, 8)).toBe('hi');
    expect(readCString(bytes, 3, 4)).toBe('xyza');
  });

  it('refuses to write a non-scalar field', () => {
    expect(() => writeStruct(layout, { name: 1 })).toThrow(/not a scalar/);
  });
});
