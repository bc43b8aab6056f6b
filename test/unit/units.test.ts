import { describe, expect, it } from 'vitest';
import {
  UnitParseError,
  bitsPerSecondToMbps,
  bytesToMB,
  formatBytes,
  formatDuration,
  formatRate,
  parseBytes,
  parseDuration,
  parseRate,
  type UnitParseFailure,
} from '../../src/shared/units.js';

function failure(parse: (input: string | number) => number, input: string | number): UnitParseError {
  try {
    parse(input);
  } catch (error) {
    expect(error).toBeInstanceOf(UnitParseError);
    return error as UnitParseError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseBytes', () => {
  it.each<[string | number, number]>([
    ['500MB', 500_000_000],
    ['500 MB', 500_000_000],
    ['  500MB  ', 500_000_000],
    ['500mb', 500_000_000],
    ['1.5GiB', 1_610_612_736],
    ['1.5 GiB', 1_610_612_736],
    ['512k', 512_000],
    ['512K', 512_000],
    ['512kB', 512_000],
    ['512KiB', 524_288],
    ['512Ki', 524_288],
    ['1MiB', 1_048_576],
    ['2G', 2_000_000_000],
    ['1TB', 1e12],
    ['1TiB', 1024 ** 4],
    ['42', 42],
    ['42B', 42],
    ['42 bytes', 42],
    ['0', 0],
    ['-0', 0],
    ['.5kB', 500],
    ['1e3MB', 1e9],
    ['1.0000001kB', 1000],
    [1234, 1234],
  ])('%j → %d bytes', (input, bytes) => {
    expect(parseBytes(input)).toBe(bytes);
  });

  it.each<[string | number, UnitParseFailure]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['MB', 'not_a_number'],
    ['abc', 'not_a_number'],
    ['NaN', 'not_a_number'],
    ['Infinity', 'not_a_number'],
    ['1,5MB', 'unknown_unit'],
    [Number.NaN, 'not_a_number'],
    [Number.POSITIVE_INFINITY, 'not_a_number'],
    ['-5MB', 'negative'],
    [-1, 'negative'],
    ['500XB', 'unknown_unit'],
    ['5Mb/s', 'unknown_unit'],
    ['1e300TB', 'too_large'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(failure(parseBytes, input).reason).toBe(reason);
  });

  it('names the unit and the accepted ones when the unit is unknown', () => {
    const error = failure(parseBytes, '500XB');
    expect(error.message).toBe("unknown unit 'XB' in '500XB'; use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB");
    expect(error.kind).toBe('size');
    expect(error.input).toBe('500XB');
  });
});

describe('parseDuration', () => {
  it.each<[string | number, number]>([
    ['100ms', 100],
    ['100 ms', 100],
    ['2s', 2000],
    ['1.5m', 90_000],
    ['1.5min', 90_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1500ns', 0.0015],
    ['1.1s', 1100],
    ['100MS', 100],
    ['75', 75],
    [75, 75],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each<[string, UnitParseFailure]>([
    ['', 'empty'],
    ['soon', 'not_a_number'],
    ['-2s', 'negative'],
    ['1h-30m', 'negative'],
    ['2 fortnights', 'unknown_unit'],
    ['5y', 'unknown_unit'],
    ['1h30', 'unknown_unit'],
    ['2s later', 'not_a_number'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(failure(parseDuration, input).reason).toBe(reason);
  });

  it('says which unit it did not know', () => {
    expect(failure(parseDuration, '5y').message).toBe("unknown unit 'y' in '5y'; use ms, s, m, h, d (or ns, us)");
  });
});

describe('parseRate', () => {
  it.each<[string | number, number]>([
    ['10Mbps', 10_000_000],
    ['10 Mbps', 10_000_000],
    ['10mbps', 10_000_000],
    ['10Mbit/s', 10_000_000],
    ['10Mb/s', 10_000_000],
    ['800kbit/s', 800_000],
    ['800kbps', 800_000],
    ['1Gbps', 1e9],
    ['5MB/s', 40_000_000],
    ['5MBps', 40_000_000],
    ['1.5kB/s', 12_000],
    ['1MiB/s', 8 * 1_048_576],
    ['1Kibit/s', 1024],
    ['100bps', 100],
    ['100B/s', 800],
    ['100', 100],
    [2500, 2500],
  ])('%j → %d bits/s', (input, bitsPerSecond) => {
    expect(parseRate(input)).toBe(bitsPerSecond);
  });

  it.each<[string, UnitParseFailure]>([
    ['', 'empty'],
    ['fast', 'not_a_number'],
    ['-10Mbps', 'negative'],
    ['10MB', 'unknown_unit'],
    ['10 Mbit', 'unknown_unit'],
    ['10Xbps', 'unknown_unit'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(failure(parseRate, input).reason).toBe(reason);
  });
});

describe('conversions to the units of model.Limits', () => {
  it('turns bytes into MB and bits per second into Mbps', () => {
    expect(bytesToMB(parseBytes('1GiB'))).toBe(1073.741824);
    expect(bitsPerSecondToMbps(parseRate('5MB/s'))).toBe(40);
  });
});

describe('formatBytes', () => {
  it.each<[number, boolean, string]>([
    [0, false, '0 B'],
    [999, false, '999 B'],
    [1500, false, '1.5 kB'],
    [12_345_678, false, '12.3 MB'],
    [123_456_789, false, '123 MB'],
    [999_700, false, '1 MB'],
    [1_610_612_736, false, '1.61 GB'],
    [1_610_612_736, true, '1.5 GiB'],
    [1024, true, '1 KiB'],
    [5e12, false, '5 TB'],
    [-1500, false, '-1.5 kB'],
  ])('%d (binary %s) → %s', (bytes, binary, text) => {
    expect(formatBytes(bytes, { binary })).toBe(text);
  });

  it('prints what parseBytes reads back', () => {
    for (const bytes of [0, 1, 999, 1000, 1500, 2_000_000, 3.5e9]) {
      expect(parseBytes(formatBytes(bytes))).toBe(bytes);
    }
  });
});

describe('formatRate', () => {
  it.each<[number, 'bits' | 'bytes' | undefined, string]>([
    [0, undefined, '0 bps'],
    [800_000, undefined, '800 kbps'],
    [10_000_000, undefined, '10 Mbps'],
    [10_000_000, 'bytes', '1.25 MB/s'],
    [2.5e9, 'bits', '2.5 Gbps'],
  ])('%d (%s) → %s', (bitsPerSecond, as, text) => {
    expect(formatRate(bitsPerSecond, as ? { as } : {})).toBe(text);
  });

  it('prints what parseRate reads back (for values shown exactly in three digits)', () => {
    for (const rate of [0, 800_000, 10_000_000, 2.4e9]) {
      expect(parseRate(formatRate(rate))).toBe(rate);
      expect(parseRate(formatRate(rate, { as: 'bytes' }))).toBe(rate);
    }
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0 ms'],
    [0.25, '0.25 ms'],
    [250, '250 ms'],
    [2500, '2.5 s'],
    [59_999, '1m'],
    [90_000, '1m 30s'],
    [3_600_000, '1h'],
    [7_500_000, '2h 5m'],
    [86_400_000 * 3 + 3_600_000 * 4, '3d 4h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints what parseDuration reads back', () => {
    for (const ms of [0, 250, 2500, 90_000, 3_600_000, 7_500_000, 86_400_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
