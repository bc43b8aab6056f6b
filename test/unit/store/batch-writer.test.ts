import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  StoreError,
  StoreWriteError,
  openStore,
  type Store,
  type StoredKernelEvent,
} from '../../../src/helper/store/index.js';
import { T0, connect, diskIo, exec, exit, fsOpen, memory, tempDir } from './fixtures.js';

let dir: string;
let cleanup: () => void;
let clockMs: number;
const stores: Store[] = [];
const open = (options: Parameters<typeof openStore>[1] = {}) => {
  const store = openStore(path.join(dir, 'dots.db'), { now: () => clockMs, ...options });
  stores.push(store);
  return store;
};
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  clockMs = T0;
});
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  cleanup();
});

const count = (store: Store, table: string) =>
  (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

function mixedEvent(i: number, profileId: number): StoredKernelEvent {
  const o = { profileId, pid: 1000 + (i % 50), timeMs: T0 + i };
  switch (i % 5) {
    case 0:
      return exec(o);
    case 1:
      return exit(o);
    case 2:
      return fsOpen(o);
    case 3:
      return connect(o);
    default:
      return diskIo(o);
  }
}

describe('batch writer', () => {
  it('writes 100 000 events in a few transactions, one per 5000 rows', () => {
    const store = open();
    const { id } = store.profiles.create({ name: 'Alice' });
    for (let i = 0; i < 100_000; i++) store.writer.append(mixedEvent(i, id));
    store.writer.flush();

    expect(count(store, 'process_events')).toBe(40_000);
    expect(count(store, 'file_events')).toBe(20_000);
    expect(count(store, 'network_events')).toBe(20_000);
    expect(count(store, 'disk_io_events')).toBe(20_000);
    const stats = store.writer.stats;
    expect(stats.rowsWritten).toBe(100_000);
    expect(stats.flushes).toBeLessThanOrEqual(21);
    expect(stats.flushes).toBeGreaterThanOrEqual(20);
    expect(stats.pendingRows).toBe(0);
  });

  it('waits for the flush interval, then writes everything in one transaction', () => {
    const store = open({ batch: { flushIntervalMs: 1000, maxPendingRows: 1_000_000 } });
    const { id } = store.profiles.create({ name: 'Alice' });
    for (let i = 0; i < 300; i++) store.writer.append(mixedEvent(i, id));
    expect(store.writer.flushIfDue(T0 + 999)).toBeNull();
    expect(count(store, 'process_events')).toBe(0);
    expect(store.writer.flushIfDue(T0 + 1000)).toEqual({ rowsWritten: 300, rowsDropped: 0 });
    expect(store.writer.stats.flushes).toBe(1);
  });

  it('flushes idempotently: a second flush writes nothing and opens no transaction', () => {
    const store = open();
    const { id } = store.profiles.create({ name: 'Alice' });
    store.writer.append(exec({ profileId: id }));
    expect(store.writer.flush().rowsWritten).toBe(1);
    expect(store.writer.flush().rowsWritten).toBe(0);
    expect(store.writer.flush().rowsWritten).toBe(0);
    expect(count(store, 'process_events')).toBe(1);
    expect(store.writer.stats.flushes).toBe(1);
  });

  it('writes what is pending, open memory intervals included, when the store closes', () => {
    const store = open();
    const { id } = store.profiles.create({ name: 'Alice' });
    store.writer.append(exec({ profileId: id }));
    store.writer.appendMemorySample(memory({ profileId: id, timeMs: T0 + 10 }));
    store.close();
    expect(() => store.writer.append(exec({ profileId: id }))).toThrow(StoreError);

    const reopened = open();
    expect(count(reopened, 'process_events')).toBe(1);
    expect(count(reopened, 'memory_events')).toBe(1);
  });

  it('ignores unwatched events (profile 0) and drops rows of profiles deleted in flight without losing the batch', () => {
    const store = open();
    const alice = store.profiles.create({ name: 'Alice' });
    const bob = store.profiles.create({ name: 'Bob' });
    store.writer.append(exec({ profileId: 0 }));
    store.writer.appendMemorySample(memory({ profileId: 0 }));
    store.writer.addUsage(0, 'x', T0, { netTxBytes: 1 });
    store.writer.append(exec({ profileId: alice.id }));
    store.writer.append(exec({ profileId: bob.id }));
    store.profiles.remove(bob.id);

    expect(store.writer.flush()).toEqual({ rowsWritten: 1, rowsDropped: 1 });
    expect(store.writer.stats).toMatchObject({ ignoredUnwatched: 3, droppedUnknownProfile: 1 });
    expect(count(store, 'process_events')).toBe(1);
  });

  it('keeps a batch that failed to write and writes it on the next flush', () => {
    const store = open();
    const { id } = store.profiles.create({ name: 'Alice' });
    store.db.exec(`CREATE TRIGGER disk_full BEFORE INSERT ON process_events BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    store.writer.append(exec({ profileId: id }));
    store.writer.append(fsOpen({ profileId: id }));

    expect(() => store.writer.flush()).toThrow(StoreWriteError);
    expect(() => store.writer.flush()).toThrow(/kept and retried/);
    expect(count(store, 'file_events')).toBe(0); // all or nothing
    expect(store.writer.stats).toMatchObject({ failedFlushes: 2, pendingRows: 2 });

    store.db.exec('DROP TRIGGER disk_full');
    expect(store.writer.flush().rowsWritten).toBe(2);
    expect(count(store, 'process_events')).toBe(1);
    expect(count(store, 'file_events')).toBe(1);
  });

  it('drops a failed batch past the retention bound and reports it through onError on the hot path', () => {
    const errors: StoreWriteError[] = [];
    const store = open({ batch: { maxPendingRows: 10, maxRetainedRows: 5, onError: (e) => errors.push(e) } });
    const { id } = store.profiles.create({ name: 'Alice' });
    store.db.exec(`CREATE TRIGGER disk_full BEFORE INSERT ON process_events BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    for (let i = 0; i < 11; i++) store.writer.append(exec({ profileId: id, timeMs: T0 + i }));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/writing 10 rows .* failed: .*disk full.*dropped them/);
    // the 11th append does not retry at once: a failing disk must not be hammered on every event
    expect(store.writer.stats).toMatchObject({ failedFlushes: 1, droppedAfterFailure: 10, pendingRows: 1 });
    store.db.exec('DROP TRIGGER disk_full');
  });
});

describe('memory samples', () => {
  it('become at most one row per process per interval: latest values, interval peak, summed deltas', () => {
    const store = open({ batch: { memoryIntervalMs: 60_000 } });
    const { id } = store.profiles.create({ name: 'Alice' });
    // 3 processes sampled every second for 150 s: three intervals (0-60, 60-120, 120-150).
    for (let second = 0; second < 150; second++) {
      for (const pid of [11, 12, 13]) {
        const rssBytes = pid * 1_000_000 + (second === 30 ? 50_000_000 : second * 1000);
        const timeMs = T0 + second * 1000;
        store.writer.appendMemorySample(memory({ profileId: id, pid, timeMs, rssBytes, kmallocBytes: 100 }));
      }
      clockMs = T0 + second * 1000 + 500;
      store.writer.flushIfDue(clockMs);
    }
    store.writer.flush(clockMs);
    const rowsPerPid = () =>
      store.db.prepare('SELECT pid, COUNT(*) AS n FROM memory_events GROUP BY pid ORDER BY pid').all();
    // the third interval is still open until the interval ends or the store closes
    expect(rowsPerPid()).toEqual([
      { pid: 11, n: 2 },
      { pid: 12, n: 2 },
      { pid: 13, n: 2 },
    ]);

    const first = store.events
      .list({ profileId: id, table: 'memory', fromMs: T0, toMs: T0 + 60_000 })
      .find((row) => row.pid === 11);
    expect(first).toMatchObject({
      timeMs: T0 + 59_000,
      rssBytes: 11_000_000 + 59_000,
      peakRssBytes: 11_000_000 + 50_000_000,
      kmallocBytes: 60 * 100,
    });

    store.close();
    const reopened = open();
    expect(
      reopened.db.prepare('SELECT pid, COUNT(*) AS n FROM memory_events GROUP BY pid ORDER BY pid').all(),
    ).toEqual([
      { pid: 11, n: 3 },
      { pid: 12, n: 3 },
      { pid: 13, n: 3 },
    ]);
  });

  it("closes a process's interval on its final sample", () => {
    const store = open();
    const { id } = store.profiles.create({ name: 'Alice' });
    store.writer.appendMemorySample(memory({ profileId: id, pid: 5, timeMs: T0 + 1000 }));
    store.writer.appendMemorySample(memory({ profileId: id, pid: 5, timeMs: T0 + 2000, final: true }));
    expect(store.writer.flush(T0 + 2500).rowsWritten).toBe(1);
  });
});

describe('usage rollups', () => {
  it('fold high-rate samples into one row per profile, application and minute', () => {
    const store = open({ batch: { maxPendingRows: 1_000_000 } });
    const { id } = store.profiles.create({ name: 'Alice' });
    for (let i = 0; i < 12_000; i++) {
      const timeMs = T0 + (i % 120) * 1000; // two minutes, 100 samples a second
      store.writer.addUsage(id, 'firefox', timeMs, { netTxBytes: 10, netRxBytes: 20, peakRssBytes: i });
      store.writer.addUsage(id, '', timeMs, { netTxBytes: 10, netRxBytes: 20 });
    }
    store.writer.addActiveTime(id, 'firefox', T0 + 30_000, T0 + 90_000);
    store.writer.flush();
    store.writer.addUsage(id, 'firefox', T0, { netTxBytes: 5, peakRssBytes: 1 }); // a second flush adds on
    store.writer.flush();

    expect(count(store, 'usage_rollups')).toBe(4);
    expect(store.rollups.listByApp({ profileId: id, fromMs: T0, toMs: T0 + 120_000 })).toMatchObject([
      { startMs: T0, intervalMs: 60_000, comm: 'firefox', netTxBytes: 60_005, netRxBytes: 120_000, activeSeconds: 30 },
      { startMs: T0 + 60_000, comm: 'firefox', netTxBytes: 60_000, activeSeconds: 30, peakRssBytes: 11_999 },
    ]);
    expect(store.rollups.list({ profileId: id, fromMs: T0, toMs: T0 + 120_000 })).toMatchObject([
      { comm: null, netTxBytes: 60_000 },
      { comm: null, netTxBytes: 60_000 },
    ]);
  });
});
