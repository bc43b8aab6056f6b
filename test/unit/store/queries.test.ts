import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, openStore, type NewAlert, type Store } from '../../../src/helper/store/index.js';
import { T0, connect, diskIo, exec, exit, fsOpen, tempDir } from './fixtures.js';

const HOUR = 3_600_000;
let store: Store;
let alice: number;
let bob: number;
let cleanup: () => void;
beforeEach(() => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  store = openStore(path.join(temp.dir, 'dots.db'), { now: () => T0 });
  alice = store.profiles.create({ name: 'Alice' }).id;
  bob = store.profiles.create({ name: 'Bob' }).id;
});
afterEach(() => {
  store.close();
  cleanup();
});

describe('events', () => {
  it('lists one profile and kind in a time range, newest first, up to the limit', () => {
    for (let i = 0; i < 10; i++) store.writer.append(exec({ profileId: alice, pid: 100 + i, timeMs: T0 + i * 1000 }));
    store.writer.append(exec({ profileId: bob, timeMs: T0 + 5000 }));
    store.writer.append(fsOpen({ profileId: alice, timeMs: T0 + 5000 }));
    store.writer.flush();

    const rows = store.events.list({ profileId: alice, table: 'process', fromMs: T0 + 2000, toMs: T0 + 8000, limit: 3 });
    expect(rows.map((row) => row.pid)).toEqual([107, 106, 105]);
    expect(rows[0]).toMatchObject({
      profileId: alice,
      timeMs: T0 + 7000,
      kind: 'exec',
      filename: '/usr/bin/firefox',
      args: ['firefox', '--new-window'],
      argsTruncated: false,
      enforcement: 'none',
      exitCode: null,
    });
    expect(store.events.list({ profileId: alice, table: 'process', fromMs: T0, toMs: T0 + 2000 })).toHaveLength(2);
    expect(store.events.count('process', alice)).toBe(10);
    const backwards = { profileId: alice, table: 'process', fromMs: 5, toMs: 1 } as const;
    expect(() => store.events.list(backwards)).toThrow(InvalidArgumentError);
  });

  it('reads back every stored kind with its own columns', () => {
    store.writer.append(exit({ profileId: alice, lifetimeNs: 5e9 }));
    store.writer.append(connect({ profileId: alice }));
    store.writer.append(diskIo({ profileId: alice, operation: 'write', bytes: 8192, latencyNs: 3e6 }));
    store.writer.flush();
    const range = { profileId: alice, fromMs: T0, toMs: T0 + 1 };
    expect(store.events.list({ ...range, table: 'process' })[0]).toMatchObject({
      kind: 'exit',
      lifetimeNs: 5e9,
      exitCode: 0,
    });
    expect(store.events.list({ ...range, table: 'network' })[0]).toMatchObject({
      destinationAddress: '93.184.216.34',
      destinationPort: 443,
      established: true,
    });
    expect(store.events.list({ ...range, table: 'disk_io' })[0]).toMatchObject({
      operation: 'write',
      bytes: 8192,
      latencyNs: 3e6,
      sectors: 16,
    });
  });
});

describe('rollups', () => {
  beforeEach(() => {
    // Two days of firefox and minecraft minutes, and totals for the profile.
    for (let minute = 0; minute < 48 * 60; minute += 30) {
      const timeMs = T0 + minute * 60_000;
      store.writer.addUsage(alice, 'firefox', timeMs, { netRxBytes: 1000, diskReadBytes: 1, peakRssBytes: minute });
      store.writer.addActiveTime(alice, 'firefox', timeMs, timeMs + 60_000);
      store.writer.addUsage(alice, 'minecraft', timeMs, { netRxBytes: 10, diskWriteBytes: 500 });
      store.writer.addActiveTime(alice, 'minecraft', timeMs, timeMs + 30_000);
      store.writer.addUsage(alice, '', timeMs, { netRxBytes: 1010, processesStarted: 2 });
    }
    store.writer.addUsage(bob, 'firefox', T0, { netRxBytes: 1 });
    store.writer.flush();
  });

  it('returns stored minute rows for the profile or one application', () => {
    const rows = store.rollups.list({ profileId: alice, fromMs: T0, toMs: T0 + HOUR });
    expect(rows).toEqual([
      expect.objectContaining({ startMs: T0, intervalMs: 60_000, comm: null, netRxBytes: 1010, processesStarted: 2 }),
      expect.objectContaining({ startMs: T0 + 30 * 60_000, comm: null }),
    ]);
    expect(store.rollups.list({ profileId: alice, comm: 'minecraft', fromMs: T0, toMs: T0 + HOUR })).toEqual([
      expect.objectContaining({ comm: 'minecraft', activeSeconds: 30, diskWriteBytes: 500 }),
      expect.objectContaining({ comm: 'minecraft', activeSeconds: 30 }),
    ]);
  });

  it('re-buckets to hours and to local days', () => {
    const hours = store.rollups.list({ profileId: alice, comm: 'firefox', fromMs: T0, toMs: T0 + 3 * HOUR, bucket: 'hour' });
    expect(hours.map((row) => [row.startMs - T0, row.intervalMs, row.activeSeconds, row.netRxBytes])).toEqual([
      [0, HOUR, 120, 2000],
      [HOUR, HOUR, 120, 2000],
      [2 * HOUR, HOUR, 120, 2000],
    ]);
    expect(hours[1]?.peakRssBytes).toBe(90);

    // T0 is 10:00 UTC; in UTC+10 it is 20:00, so the first local day holds only 4 hours (8 rows).
    const days = store.rollups.list({
      profileId: alice,
      fromMs: T0,
      toMs: T0 + 48 * HOUR,
      bucket: 'day',
      utcOffsetMs: 10 * HOUR,
    });
    expect(days.map((row) => [row.startMs, row.processesStarted])).toEqual([
      [T0 - 20 * HOUR, 16],
      [T0 + 4 * HOUR, 96],
      [T0 + 28 * HOUR, 80],
    ]);
    const byApp = store.rollups.listByApp({ profileId: alice, fromMs: T0, toMs: T0 + 48 * HOUR, bucket: 'day' });
    expect(byApp.map((row) => [row.startMs, row.comm])).toEqual([
      [T0 - 10 * HOUR, 'firefox'],
      [T0 - 10 * HOUR, 'minecraft'],
      [T0 + 14 * HOUR, 'firefox'],
      [T0 + 14 * HOUR, 'minecraft'],
      [T0 + 38 * HOUR, 'firefox'],
      [T0 + 38 * HOUR, 'minecraft'],
    ]);
  });

  it('ranks applications by active time and by bytes', () => {
    const range = { profileId: alice, fromMs: T0, toMs: T0 + 48 * HOUR };
    expect(store.rollups.topApps({ ...range, by: 'activeSeconds' }).map((app) => [app.comm, app.activeSeconds])).toEqual([
      ['firefox', 96 * 60],
      ['minecraft', 96 * 30],
    ]);
    expect(store.rollups.topApps({ ...range, by: 'diskBytes' }).map((app) => app.comm)).toEqual(['minecraft', 'firefox']);
    expect(store.rollups.topApps({ ...range, by: 'networkBytes', limit: 1 }).map((app) => app.comm)).toEqual(['firefox']);
    expect(() => store.rollups.topApps({ ...range, by: 'activeSeconds', limit: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('alerts', () => {
  const alert = (o: Partial<NewAlert> = {}): NewAlert => ({
    profileId: alice,
    kind: 'disk_latency',
    severity: 'warning',
    message: 'disk latency p95 80 ms is over 50 ms',
    measured: 80,
    limit: 50,
    unit: 'ms',
    timeMs: T0,
    ...o,
  });

  it('inserts, lists with filters newest first, and acknowledges one, many or all of a profile', () => {
    const a = store.alerts.insert(alert({ timeMs: T0 }));
    const b = store.alerts.insert(alert({ timeMs: T0 + 1000, kind: 'screen_time', pid: 42, comm: 'minecraft' }));
    const c = store.alerts.insert(alert({ timeMs: T0 + 2000, kind: 'excessive_io' }));
    const d = store.alerts.insert(alert({ profileId: bob, timeMs: T0 + 3000 }));
    expect(b).toMatchObject({ pid: 42, comm: 'minecraft', occurrences: 1, acknowledged: false });

    expect(store.alerts.list().map((x) => x.id)).toEqual([d.id, c.id, b.id, a.id]);
    expect(store.alerts.list({ profileId: alice, sinceMs: T0 + 1000 }).map((x) => x.id)).toEqual([c.id, b.id]);
    expect(store.alerts.acknowledge(b.id)).toBe(true);
    expect(store.alerts.acknowledge(b.id)).toBe(false);
    expect(store.alerts.list({ profileId: alice, unacknowledgedOnly: true }).map((x) => x.id)).toEqual([c.id, a.id]);
    expect(store.alerts.acknowledgeMany([a.id, b.id, 9999])).toBe(1);
    expect(store.alerts.acknowledgeAll(alice)).toBe(1);
    expect(store.alerts.list({ unacknowledgedOnly: true }).map((x) => x.id)).toEqual([d.id]);
    expect(store.alerts.get(c.id)?.acknowledged).toBe(true);
  });

  it('folds a repeat with the same key into the open alert, within the window only', () => {
    const first = store.alerts.upsert('disk_latency:/dev/nvme0', alert({ timeMs: T0 }), 60_000);
    expect(first.created).toBe(true);
    const repeat = store.alerts.upsert('disk_latency:/dev/nvme0', alert({ timeMs: T0 + 50_000, measured: 95 }), 60_000);
    expect(repeat).toMatchObject({
      created: false,
      alert: { id: first.alert.id, occurrences: 2, measured: 95, timeMs: T0, lastTimeMs: T0 + 50_000 },
    });
    // the window runs from the latest occurrence
    expect(store.alerts.upsert('disk_latency:/dev/nvme0', alert({ timeMs: T0 + 100_000 }), 60_000).created).toBe(false);
    // another key, another profile: separate alerts
    expect(store.alerts.upsert('disk_latency:/dev/sda', alert({ timeMs: T0 + 100_000 }), 60_000).created).toBe(true);
    const bobs = alert({ profileId: bob, timeMs: T0 + 100_000 });
    expect(store.alerts.upsert('disk_latency:/dev/nvme0', bobs, 60_000).created).toBe(true);
    // too long after the last occurrence
    expect(store.alerts.upsert('disk_latency:/dev/nvme0', alert({ timeMs: T0 + 200_000 }), 60_000).created).toBe(true);
  });

  it('starts a new alert once the parent acknowledged the previous one', () => {
    const first = store.alerts.upsert('k', alert(), 60_000);
    store.alerts.acknowledge(first.alert.id);
    const next = store.alerts.upsert('k', alert({ timeMs: T0 + 1000 }), 60_000);
    expect(next.created).toBe(true);
    expect(next.alert.id).not.toBe(first.alert.id);
  });
});
