import { describe, expect, it } from 'vitest';
import { TodayUsage } from '../../../src/helper/time/today-usage.js';
import { fixedZone } from '../../../src/helper/time/zone.js';
import type { UsageRollup } from '../../../src/shared/model.js';
import { appRow } from './usage-fixtures.js';

const MIDNIGHT = Date.UTC(2025, 5, 2);
const MIN = 60_000;

/** A rollup store answering listByApp from rows, counting the queries. */
function fakeRollups(rows: UsageRollup[]) {
  const queries: Array<{ fromMs: number; toMs: number }> = [];
  return {
    queries,
    rows,
    listByApp: ({ fromMs, toMs }: { fromMs: number; toMs: number }) => {
      queries.push({ fromMs, toMs });
      return rows.filter((r) => r.startMs >= fromMs && r.startMs < toMs);
    },
  };
}

describe('TodayUsage', () => {
  it('reads today from local midnight and nothing from yesterday', () => {
    const rollups = fakeRollups([appRow('firefox', MIDNIGHT - MIN, 60), appRow('firefox', MIDNIGHT, 30)]);
    const usage = new TodayUsage({ rollups, zone: fixedZone(0) });
    const tally = usage.read(1, MIDNIGHT + 10 * MIN);
    expect(tally.screenTimeSeconds).toBe(30);
  });

  it('keeps settled minutes and asks only for the recent ones afterwards', () => {
    const rollups = fakeRollups(Array.from({ length: 60 }, (_, i) => appRow('firefox', MIDNIGHT + i * MIN, 60)));
    const usage = new TodayUsage({ rollups, zone: fixedZone(0) });
    expect(usage.read(1, MIDNIGHT + 60 * MIN).screenTimeSeconds).toBe(3600);
    rollups.queries.length = 0;
    // a minute later, a new minute of use arrives; the old hour is not read again
    rollups.rows.push(appRow('firefox', MIDNIGHT + 60 * MIN, 60));
    expect(usage.read(1, MIDNIGHT + 61 * MIN + 1000).screenTimeSeconds).toBe(3660);
    expect(rollups.queries.every((q) => q.fromMs >= MIDNIGHT + 56 * MIN)).toBe(true);
  });

  it('sees late additions to a recent bucket (the writer upserts the current minute)', () => {
    const row = appRow('sleep', MIDNIGHT + 5 * MIN, 10);
    const rollups = fakeRollups([row]);
    const usage = new TodayUsage({ rollups, zone: fixedZone(0) });
    expect(usage.read(1, MIDNIGHT + 5 * MIN + 10_000).secondsByComm.get('sleep')).toBe(10);
    row.activeSeconds = 20;
    expect(usage.read(1, MIDNIGHT + 5 * MIN + 20_000).secondsByComm.get('sleep')).toBe(20);
  });

  it('starts over at the next local midnight', () => {
    const rollups = fakeRollups([appRow('firefox', MIDNIGHT + 23 * 60 * MIN, 60)]);
    const usage = new TodayUsage({ rollups, zone: fixedZone(0) });
    expect(usage.read(1, MIDNIGHT + 24 * 60 * MIN - 1).screenTimeSeconds).toBe(60);
    expect(usage.read(1, MIDNIGHT + 24 * 60 * MIN + 1).screenTimeSeconds).toBe(0);
  });
});
