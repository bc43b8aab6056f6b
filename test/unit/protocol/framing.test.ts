import { describe, expect, it } from 'vitest';
import { FrameDecoder, MAX_FRAME_BYTES, encodeFrame, exceedsUtf8Bytes } from '../../../src/shared/protocol.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('FrameDecoder', () => {
  it('splits several frames in one chunk and keeps an unfinished one for later', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(bytes('{"a":1}\n{"b":2}\n{"c"'))).toEqual([
      { kind: 'frame', text: '{"a":1}' },
      { kind: 'frame', text: '{"b":2}' },
    ]);
    expect(decoder.bufferedBytes).toBe(4);
    expect(decoder.push(bytes(':3}\n'))).toEqual([{ kind: 'frame', text: '{"c":3}' }]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reassembles a frame delivered one byte at a time, multi-byte characters included', () => {
    const decoder = new FrameDecoder();
    const frames = [...bytes('{"name":"Zoë 🎮"}\n')].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(frames).toEqual([{ kind: 'frame', text: '{"name":"Zoë 🎮"}' }]);
  });

  it('skips empty lines and strips a trailing carriage return', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(bytes('\n\r\n{"a":1}\r\n\n'))).toEqual([{ kind: 'frame', text: '{"a":1}' }]);
  });

  it('reports invalid UTF-8 per frame and keeps decoding', () => {
    const decoder = new FrameDecoder();
    const chunk = new Uint8Array([0xff, 0xfe, 0x80, 0x0a, ...bytes('{"ok":1}\n')]);
    expect(decoder.push(chunk)).toEqual([
      { kind: 'invalid', reason: 'not_utf8' },
      { kind: 'frame', text: '{"ok":1}' },
    ]);
  });

  it('accepts a frame of exactly the limit and refuses one byte more', () => {
    const atLimit = new FrameDecoder(16);
    expect(atLimit.push(bytes(`${'x'.repeat(16)}\n`))).toEqual([{ kind: 'frame', text: 'x'.repeat(16) }]);
    const overLimit = new FrameDecoder(16);
    expect(overLimit.push(bytes(`${'x'.repeat(17)}\n`))).toEqual([{ kind: 'too_large', limitBytes: 16 }]);
  });

  it('gives up on a line that grows past the limit without a newline, and ignores everything after', () => {
    const decoder = new FrameDecoder(1024);
    expect(decoder.push(new Uint8Array(1000).fill(0x61))).toEqual([]);
    expect(decoder.push(new Uint8Array(100).fill(0x61))).toEqual([{ kind: 'too_large', limitBytes: 1024 }]);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.push(bytes('{"a":1}\n'))).toEqual([]);
  });

  it('defaults to a 1 MiB limit', () => {
    expect(MAX_FRAME_BYTES).toBe(1024 * 1024);
    const decoder = new FrameDecoder();
    expect(decoder.push(new Uint8Array(MAX_FRAME_BYTES).fill(0x61))).toEqual([]);
    expect(decoder.push(Uint8Array.of(0x61))).toEqual([{ kind: 'too_large', limitBytes: MAX_FRAME_BYTES }]);
  });
});

describe('encodeFrame and exceedsUtf8Bytes', () => {
  it('writes one JSON line', () => {
    expect(encodeFrame({ id: 1, ok: true, result: null })).toBe('{"id":1,"ok":true,"result":null}\n');
  });

  it('escapes newlines inside strings so a frame stays one line', () => {
    expect(encodeFrame({ message: 'a\nb' }).split('\n')).toHaveLength(2);
  });

  it('measures UTF-8 bytes, not characters', () => {
    expect(exceedsUtf8Bytes('ë'.repeat(10), 19)).toBe(true);
    expect(exceedsUtf8Bytes('ë'.repeat(10), 20)).toBe(false);
    expect(exceedsUtf8Bytes('x'.repeat(100), 99)).toBe(true);
  });
});
