import { describe, expect, it } from 'vitest';
import { appInputError, parseAccountInput, parseAccountList, profileNameError } from '../../../src/renderer/lib/accounts.js';
import { fillBuckets, topApplications } from '../../../src/renderer/lib/usage.js';
import type { UsageRollup } from '../../../src/shared/model.js';

const DAY = 86_400_000;

function rollup(startMs: number, overrides: Partial<UsageRollup> = {}): UsageRollup {
  return {
    profileId: 1,
    startMs,
    intervalMs: DAY,
    comm: null,
    activeSeconds: 0,
    processesStarted: 0,
    netTxBytes: 0,
    netRxBytes: 0,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    fileReadBytes: 0,
    fileWriteBytes: 0,
    peakRssBytes: 0,
    ...overrides,
  };
}

describe('fillBuckets', () => {
  it('gives one bucket per day of the period on the helper grid, zeros where nothing was recorded', () => {
    const since = 10 * DAY + 5000;
    const until = 17 * DAY + 5000;
    const buckets = fillBuckets(
      [rollup(12 * DAY, { activeSeconds: 60 }), rollup(15 * DAY, { activeSeconds: 30, peakRssBytes: 5 })],
      since,
      until,
      DAY,
    );
    expect(buckets.map((b) => b.startMs / DAY)).toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(buckets.map((b) => b.activeSeconds)).toEqual([0, 60, 0, 0, 30, 0, 0]);
  });

  it('leaves per-application rows out of the totals', () => {
    const buckets = fillBuckets([rollup(DAY, { comm: 'steam', activeSeconds: 99 })], DAY, DAY, DAY);
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.activeSeconds).toBe(0);
  });
});

describe('topApplications', () => {
  const rows = [
    rollup(0, { comm: 'firefox', activeSeconds: 100, netRxBytes: 5e6 }),
    rollup(DAY, { comm: 'firefox', activeSeconds: 50, netRxBytes: 1e6 }),
    rollup(0, { comm: 'steam', activeSeconds: 20, diskReadBytes: 9e9 }),
    rollup(0, { comm: 'bash', activeSeconds: 0 }),
    rollup(0, { comm: null, activeSeconds: 1000 }),
  ];

  it('sums each application over the period and sorts by time', () => {
    expect(topApplications(rows, 'activeSeconds').map((a) => [a.comm, a.activeSeconds])).toEqual([
      ['firefox', 150],
      ['steam', 20],
    ]);
  });

  it('sorts by network + disk bytes', () => {
    expect(topApplications(rows, 'totalBytes').map((a) => [a.comm, a.totalBytes])).toEqual([
      ['steam', 9e9],
      ['firefox', 6e6],
    ]);
  });
});

describe('account and name inputs', () => {
  it('reads a number as a uid and anything else as a login name', () => {
    expect(parseAccountInput(' 1001 ')).toEqual({ ok: true, account: { uid: 1001 } });
    expect(parseAccountInput('lily')).toEqual({ ok: true, account: { username: 'lily' } });
    expect(parseAccountInput('70000').ok).toBe(false);
    expect(parseAccountInput('bad name').ok).toBe(false);
    expect(parseAccountInput('').ok).toBe(false);
  });

  it('splits a list on commas and spaces, without repeats', () => {
    expect(parseAccountList('lily, 1002 lily')).toEqual({ uids: [1002], usernames: ['lily'] });
    expect(parseAccountList('lily, no way!')).toHaveProperty('error');
    expect(parseAccountList('')).toEqual({ uids: [], usernames: [] });
  });

  it('checks profile names and apps with the protocol rules', () => {
    expect(profileNameError('Lily')).toBeNull();
    expect(profileNameError('')).toContain('name');
    expect(profileNameError('42')).toContain('only digits');
    expect(appInputError('steam')).toBeNull();
    expect(appInputError('/usr/games/steam')).toBeNull();
    expect(appInputError('games/steam')).toContain('relative');
  });
});
