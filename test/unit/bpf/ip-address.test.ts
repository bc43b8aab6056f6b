import { describe, expect, it } from 'vitest';
import { formatIpAddress } from '../../../src/helper/bpf/ip-address.js';

const v6 = (...groups: number[]) => new Uint8Array(groups.flatMap((g) => [g >> 8, g & 0xff]));

describe('formatIpAddress', () => {
  it.each([
    [v6(0, 0, 0, 0, 0, 0, 0, 1), '::1'],
    [v6(0, 0, 0, 0, 0, 0, 0, 0), '::'],
    [v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), '2001:db8::1:0:0:1'],
    [v6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1), '2001:db8:0:1::1'],
    [v6(0xfe80, 1, 2, 3, 4, 5, 6, 7), 'fe80:1:2:3:4:5:6:7'],
    [v6(0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001), '::ffff:127.0.0.1'],
  ])('formats IPv6 %#', (bytes, text) => {
    expect(formatIpAddress(bytes, true)).toBe(text);
  });

  it('formats IPv4 from the first four bytes', () => {
    expect(formatIpAddress(new Uint8Array([127, 0, 0, 1, 9, 9]), false)).toBe('127.0.0.1');
  });
});
