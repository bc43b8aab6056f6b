import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/exit-codes.js';
import {
  absoluteApp,
  parseAccount,
  parseBucket,
  parseEventTable,
  parseMonitorName,
  parseProfileRef,
  parseQueryLimit,
  parseSince,
  parseTimeout,
} from '../../../src/cli/query-args.js';

const NOW = new Date(2025, 5, 15, 12, 30, 0).getTime(); // local time

describe('arguments that name things', () => {
  it('reads digits as a profile id and anything else as a name', () => {
    expect(parseProfileRef('7')).toBe(7);
    expect(parseProfileRef('child')).toBe('child');
    expect(parseProfileRef('Kid 2')).toBe('Kid 2');
  });

  it('reads an account as a uid or a login name', () => {
    expect(parseAccount('1001')).toEqual({ uid: 1001 });
    expect(parseAccount('alice')).toEqual({ username: 'alice' });
    expect(() => parseAccount('70000')).toThrow(UsageError);
  });

  it('accepts monitor names with or without -monitor', () => {
    expect(parseMonitorName('process')).toBe('process-monitor');
    expect(parseMonitorName('disk-io-monitor')).toBe('disk-io-monitor');
    expect(() => parseMonitorName('gpu')).toThrow(/no monitor named 'gpu'/);
  });

  it('accepts event tables, buckets and limits it knows', () => {
    expect(parseEventTable('disk-io')).toBe('disk_io');
    expect(() => parseEventTable('sockets')).toThrow(UsageError);
    expect(parseBucket('hour')).toBe('hour');
    expect(() => parseBucket('week')).toThrow(/--bucket must be minute, hour, day/);
    expect(parseQueryLimit('50')).toBe(50);
    expect(() => parseQueryLimit('0')).toThrow(UsageError);
    expect(() => parseQueryLimit('20000')).toThrow(/1 to 10000/);
  });

  it('makes a relative app path absolute, leaves command names and absolute paths alone', () => {
    expect(absoluteApp('steam', '/home/p')).toBe('steam');
    expect(absoluteApp('/usr/games/steam', '/home/p')).toBe('/usr/games/steam');
    expect(absoluteApp('./bin/../game', '/home/p')).toBe('/home/p/game');
  });
});

describe('parseSince', () => {
  it('goes back a duration from now', () => {
    expect(parseSince('2h', NOW)).toBe(NOW - 2 * 3_600_000);
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseSince('1h 30m', NOW)).toBe(NOW - 5_400_000);
  });

  it('reads today and a plain date as local midnight', () => {
    expect(parseSince('today', NOW)).toBe(new Date(2025, 5, 15).getTime());
    expect(parseSince('2025-06-01', NOW)).toBe(new Date(2025, 5, 1).getTime());
  });

  it('reads ISO date-times (local without a zone)', () => {
    expect(parseSince('2025-06-01T14:00', NOW)).toBe(new Date(2025, 5, 1, 14, 0).getTime());
    expect(parseSince('2025-06-01T14:00:00Z', NOW)).toBe(Date.UTC(2025, 5, 1, 14, 0));
  });

  it('rejects what is neither', () => {
    expect(() => parseSince('yesterday', NOW)).toThrow(/neither a duration nor a date/);
    expect(() => parseSince('2025-13-45T99:00', NOW)).toThrow(UsageError);
  });
});

describe('parseTimeout', () => {
  it('takes milliseconds or a duration', () => {
    expect(parseTimeout('5000')).toBe(5000);
    expect(parseTimeout('30s')).toBe(30_000);
    expect(() => parseTimeout('5x')).toThrow(/--timeout: unknown unit 'x'/);
    expect(() => parseTimeout('0')).toThrow(UsageError);
  });
});
