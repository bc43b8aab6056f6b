// Wire framing: newline-delimited JSON, one message per line, UTF-8. Node-free (Uint8Array, TextDecoder) so the
// same decoder serves the helper's server and every client.

/**
 * Largest frame the helper accepts from a client, newline excluded. The helper buffers at most this much of an
 * unfinished line per connection, so it bounds what one client can make a root process hold.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Largest frame a client accepts from the helper. Larger than MAX_FRAME_BYTES because results can legitimately
 * be big (events.query may return 10,000 rows, a few MB); the helper refuses to send anything larger and answers
 * `internal` ("narrow the query") instead.
 */
export const MAX_SERVER_FRAME_BYTES = 32 * 1024 * 1024;

const NEWLINE = 0x0a;
const textEncoder = new TextEncoder();

/** One message as it goes on the wire: JSON plus the terminating newline. */
export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/** Whether a string's UTF-8 encoding is longer than `limitBytes`, encoding it only when the answer is unclear. */
export function exceedsUtf8Bytes(text: string, limitBytes: number): boolean {
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes (a surrogate pair, two units, is 4).
  if (text.length * 3 <= limitBytes) return false;
  if (text.length > limitBytes) return true;
  return textEncoder.encode(text).length > limitBytes;
}

export type DecodedFrame =
  | { kind: 'frame'; text: string }
  | { kind: 'invalid'; reason: 'not_utf8' }
  /** The line exceeded the limit; the decoder is finished and the connection should be closed. */
  | { kind: 'too_large'; limitBytes: number };

/**
 * Splits a byte stream into lines. Bytes of an unfinished line are kept until its newline arrives, but never more
 * than `maxFrameBytes`: past that it reports `too_large` once and ignores everything after. Empty lines (and a lone
 * "\r", for people typing into socat) are skipped.
 */
export class FrameDecoder {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private overflowed = false;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly maxFrameBytes: number = MAX_FRAME_BYTES) {}

  /** Bytes of an unfinished line held right now. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    if (this.overflowed) return [];
    const frames: DecodedFrame[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.pending.push(chunk.subarray(start));
        this.pendingBytes += chunk.length - start;
        if (this.pendingBytes > this.maxFrameBytes) return this.overflow(frames);
        break;
      }
      const lineBytes = this.pendingBytes + (newline - start);
      if (lineBytes > this.maxFrameBytes) return this.overflow(frames);
      const line = this.takeLine(chunk.subarray(start, newline));
      start = newline + 1;
      const decoded = this.decode(line);
      if (decoded) frames.push(decoded);
    }
    return frames;
  }

  private overflow(frames: DecodedFrame[]): DecodedFrame[] {
    this.overflowed = true;
    this.pending = [];
    this.pendingBytes = 0;
    frames.push({ kind: 'too_large', limitBytes: this.maxFrameBytes });
    return frames;
  }

  private takeLine(tail: Uint8Array): Uint8Array {
    if (this.pending.length === 0) return tail;
    const line = new Uint8Array(this.pendingBytes + tail.length);
    let offset = 0;
    for (const part of this.pending) {
      line.set(part, offset);
      offset += part.length;
    }
    line.set(tail, offset);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }

  private decode(line: Uint8Array): DecodedFrame | null {
    const length = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (length === 0) return null;
    try {
      return { kind: 'frame', text: this.utf8.decode(line.subarray(0, length)) };
    } catch {
      return { kind: 'invalid', reason: 'not_utf8' };
    }
  }
}
