import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, InvalidArgumentError, openStore, type Store } from '../../../src/helper/store/index.js';
import { T0, diskIo, exec, fsOpen, memory, tempDir } from './fixtures.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = T0 + 500 * DAY;
let store: Store;
let alice: number;
let cleanup: () => void;
beforeEach(() => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  store = openStore(path.join(temp.dir, 'dots.db'), { now: () => NOW });
  alice = store.profiles.create({ name: 'Alice' }).id;
});
afterEach(() => {
  store.close();
  cleanup();
});

const count = (table: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('retention settings', () => {
  it('defaults to 14 days of raw events and 400 days of rollups, and validates changes', () => {
    expect(store.settings.retention()).toEqual({ rawEventsDays: 14, rollupsDays: 400 });
    expect(DEFAULT_RETENTION).toEqual({ rawEventsDays: 14, rollupsDays: 400 });
    expect(store.settings.setRetention({ rawEventsDays: 7 })).toEqual({ rawEventsDays: 7, rollupsDays: 400 });
    expect(store.settings.retention()).toEqual({ rawEventsDays: 7, rollupsDays: 400 });
    expect(() => store.settings.setRetention({ rawEventsDays: 0 })).toThrow(InvalidArgumentError);
    expect(() => store.settings.setRetention({ rollupsDays: 2.5 })).toThrow(/whole number of days/);
    expect(() => store.settings.setRetention({ rollupsDays: 3 })).toThrow(/at least as long as raw events/);
    store.settings.set('ui.theme', { dark: true });
    expect(store.settings.get('ui.theme')).toEqual({ dark: true });
    expect(store.settings.get('missing')).toBeUndefined();
  });
});

describe('prune', () => {
  it('deletes raw rows older than the raw retention and keeps newer rows and rollups', () => {
    const old = NOW - 15 * DAY;
    const recent = NOW - 13 * DAY;
    for (const timeMs of [old, old + 1, recent]) {
      store.writer.append(exec({ profileId: alice, timeMs }));
      store.writer.append(fsOpen({ profileId: alice, timeMs }));
      store.writer.append(diskIo({ profileId: alice, timeMs }));
      store.writer.appendMemorySample(memory({ profileId: alice, pid: timeMs % 1000, timeMs, final: true }));
    }
    store.writer.addUsage(alice, 'firefox', old, { netRxBytes: 100 });
    store.writer.flush();

    const result = store.prune(NOW);
    expect(result.deleted).toEqual({ process: 2, file: 2, network: 0, memory: 2, disk_io: 2, rollups: 0, alerts: 0 });
    expect(result.complete).toBe(true);
    const tables = ['process_events', 'file_events', 'memory_events', 'disk_io_events'];
    expect(tables.map(count)).toEqual([1, 1, 1, 1]);
    expect(store.rollups.topApps({ profileId: alice, fromMs: 0, toMs: NOW, by: 'networkBytes' })).toMatchObject([
      { comm: 'firefox', netRxBytes: 100 },
    ]);
  });

  it('deletes rollups and alerts older than the rollup retention', () => {
    store.writer.addUsage(alice, 'firefox', NOW - 401 * DAY, { netRxBytes: 1 });
    store.writer.addUsage(alice, 'firefox', NOW - 399 * DAY, { netRxBytes: 2 });
    store.writer.flush();
    const alert = {
      profileId: alice,
      kind: 'screen_time',
      severity: 'info',
      message: 'over 2 h today',
      measured: 2.5,
      limit: 2,
      unit: 'h',
    } as const;
    store.alerts.insert({ ...alert, timeMs: NOW - 401 * DAY });
    store.alerts.insert({ ...alert, timeMs: NOW - 2 * DAY });

    const result = store.prune(NOW);
    expect(result.deleted.rollups).toBe(1);
    expect(result.deleted.alerts).toBe(1);
    expect(store.rollups.topApps({ profileId: alice, fromMs: 0, toMs: NOW, by: 'networkBytes' })[0]?.netRxBytes).toBe(2);
    expect(store.alerts.list()).toHaveLength(1);
  });

  it('compacts minute rollups past the raw retention into hourly rows with the same totals', () => {
    const dayStart = Math.floor((NOW - 30 * DAY) / DAY) * DAY;
    for (let minute = 0; minute < 3 * 60; minute++) {
      const timeMs = dayStart + minute * 60_000;
      store.writer.addUsage(alice, 'firefox', timeMs, { netRxBytes: 10, peakRssBytes: minute });
      store.writer.addActiveTime(alice, 'firefox', timeMs, timeMs + 30_000);
    }
    store.writer.addUsage(alice, 'firefox', NOW - DAY, { netRxBytes: 7 }); // recent: stays a minute row
    store.writer.flush();
    const before = store.rollups.list({ profileId: alice, comm: 'firefox', fromMs: 0, toMs: NOW, bucket: 'day' });

    const result = store.prune(NOW);
    expect(result.rollupsCompacted).toBe(180);
    const rows = store.db.prepare('SELECT start_ms, interval_ms FROM usage_rollups ORDER BY start_ms').all();
    expect(rows).toEqual([
      { start_ms: dayStart, interval_ms: HOUR },
      { start_ms: dayStart + HOUR, interval_ms: HOUR },
      { start_ms: dayStart + 2 * HOUR, interval_ms: HOUR },
      { start_ms: expect.any(Number), interval_ms: 60_000 },
    ]);
    expect(store.rollups.list({ profileId: alice, comm: 'firefox', fromMs: 0, toMs: NOW, bucket: 'day' })).toEqual(before);
    const firstHour = { profileId: alice, comm: 'firefox', fromMs: dayStart, toMs: dayStart + HOUR };
    expect(store.rollups.list(firstHour)).toMatchObject([
      { intervalMs: HOUR, activeSeconds: 1800, netRxBytes: 600, peakRssBytes: 59 },
    ]);
    expect(store.prune(NOW).rollupsCompacted).toBe(0);
  });

  it('works in bounded batches and reports when it stopped early', () => {
    for (let i = 0; i < 95; i++) store.writer.append(exec({ profileId: alice, pid: i, timeMs: NOW - 20 * DAY + i }));
    store.writer.flush();

    const first = store.prune(NOW, { batchRows: 10, maxBatches: 3 });
    expect(first).toMatchObject({ complete: false, deleted: { process: 30 } });
    expect(count('process_events')).toBe(65);
    let runs = 1;
    while (!store.prune(NOW, { batchRows: 10, maxBatches: 3 }).complete) runs++;
    expect(count('process_events')).toBe(0);
    expect(runs).toBeGreaterThanOrEqual(3);
  });
});
