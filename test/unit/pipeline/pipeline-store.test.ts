// The pipeline writing through a real store file: what a parent's report reads afterwards.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from '../../../src/helper/pipeline/index.js';
import { openStore, type Store } from '../../../src/helper/store/index.js';
import { T0, exec, exit, memory, netIo, tempDir } from '../store/fixtures.js';

let file: string;
let cleanup: () => void;
let store: Store;
let pipeline: Pipeline;
let alice: number;
beforeEach(() => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  file = path.join(temp.dir, 'dots.db');
  store = openStore(file, { now: () => T0, batch: { memoryIntervalMs: 60_000 } });
  alice = store.profiles.create({ name: 'Alice' }).id;
  pipeline = createPipeline({ writer: store.writer, now: () => T0 });
});
afterEach(() => {
  store.close();
  cleanup();
});

describe('pipeline with a real store', () => {
  it('stores at most one memory row per process per interval while sampling every second', () => {
    for (let second = 1; second <= 150; second++) {
      for (const pid of [101, 102, 103]) {
        const timeMs = T0 + second * 1000 - 100;
        pipeline.handleEvent(memory({ profileId: alice, pid, timeMs, rssBytes: pid * 1000 + second }));
      }
      pipeline.tick(T0 + second * 1000);
    }
    expect(pipeline.liveMetrics(alice)?.memory.rssBytes).toBe((101 + 102 + 103) * 1000 + 3 * 150);
    store.close();

    const reopened = openStore(file);
    try {
      const perPid = reopened.db
        .prepare('SELECT pid, COUNT(*) AS n FROM memory_events GROUP BY pid ORDER BY pid')
        .all() as { pid: number; n: number }[];
      // 150 s touch three 60 s intervals: 0-60, 60-120, 120-180
      expect(perPid).toEqual([
        { pid: 101, n: 3 },
        { pid: 102, n: 3 },
        { pid: 103, n: 3 },
      ]);
      expect(reopened.writer.stats.flushes).toBe(0);
    } finally {
      reopened.close();
    }
  });

  it("reports each application's screen time, processes started and bytes from exec, exit and samples", () => {
    pipeline.handleEvent(exec({ profileId: alice, pid: 1, comm: 'firefox', timeMs: T0 + 30_000 }));
    pipeline.handleEvent(exec({ profileId: alice, pid: 2, comm: 'minecraft', timeMs: T0 + 60_000 }));
    for (let second = 1; second <= 240; second++) {
      if (second === 150) pipeline.handleEvent(exit({ profileId: alice, pid: 1, comm: 'firefox', timeMs: T0 + 150_000 }));
      if (second < 150) {
        const timeMs = T0 + second * 1000 - 1;
        pipeline.handleEvent(netIo({ profileId: alice, pid: 1, comm: 'firefox', timeMs, rxBytes: 1000 }));
      }
      pipeline.tick(T0 + second * 1000);
    }
    pipeline.handleEvent(exit({ profileId: 0, pid: 99, timeMs: T0 + 240_000 })); // unwatched: nowhere in the report
    store.writer.flush(T0 + 240_000);

    const range = { profileId: alice, fromMs: T0, toMs: T0 + 3_600_000 };
    const byTime = store.rollups.topApps({ ...range, by: 'activeSeconds' });
    expect(byTime.map((a) => [a.comm, a.activeSeconds, a.processesStarted])).toEqual([
      ['minecraft', 180, 1], // still running at the last tick
      ['firefox', 120, 1],
    ]);
    expect(store.rollups.topApps({ ...range, by: 'networkBytes', limit: 1 })).toMatchObject([
      { comm: 'firefox', netRxBytes: 149_000 },
    ]);
    const total = store.rollups.list({ ...range, bucket: 'hour' });
    expect(total).toMatchObject([{ comm: null, activeSeconds: 210, processesStarted: 2, netRxBytes: 149_000 }]);
    expect(store.events.list({ ...range, table: 'process' }).map((e) => [e.kind, e.comm])).toEqual([
      ['exit', 'firefox'],
      ['exec', 'minecraft'],
      ['exec', 'firefox'],
    ]);
  });
});
