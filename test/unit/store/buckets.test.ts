import { describe, expect, it } from 'vitest';
import { MemoryIntervals } from '../../../src/helper/store/memory-intervals.js';
import { RollupAccumulator, splitIntoBuckets } from '../../../src/helper/store/rollup-buckets.js';
import { T0, memory } from './fixtures.js';

describe('splitIntoBuckets', () => {
  it('cuts a span at bucket boundaries', () => {
    expect(splitIntoBuckets(T0 + 50_000, T0 + 130_000, 60_000)).toEqual([
      { startMs: T0, durationMs: 10_000 },
      { startMs: T0 + 60_000, durationMs: 60_000 },
      { startMs: T0 + 120_000, durationMs: 10_000 },
    ]);
    expect(splitIntoBuckets(T0, T0, 60_000)).toEqual([]);
  });
});

describe('RollupAccumulator', () => {
  it('adds counters, keeps the largest peak, and hands everything over once', () => {
    const rollups = new RollupAccumulator(60_000);
    rollups.add(1, 'vlc', T0 + 1, { diskReadBytes: 5, peakRssBytes: 10 });
    rollups.add(1, 'vlc', T0 + 59_999, { diskReadBytes: 7, peakRssBytes: 3 });
    rollups.add(1, 'vlc', T0 + 60_000, { diskReadBytes: 1 });
    rollups.add(2, 'vlc', T0, { diskReadBytes: 1 });
    expect(rollups.size).toBe(3);
    const taken = rollups.take();
    expect(taken[0]).toMatchObject({ profileId: 1, startMs: T0, comm: 'vlc', diskReadBytes: 12, peakRssBytes: 10 });
    expect(rollups.size).toBe(0);
    rollups.restore(taken);
    expect(rollups.take()).toEqual(taken);
  });
});

describe('MemoryIntervals', () => {
  it('holds a late sample in the open interval and never writes two rows for one interval', () => {
    const intervals = new MemoryIntervals(10_000);
    intervals.add(memory({ pid: 1, timeMs: T0 + 1000, rssBytes: 1 }));
    intervals.add(memory({ pid: 1, timeMs: T0 + 9000, rssBytes: 2 }));
    intervals.closeEnded(T0 + 10_000);
    expect(intervals.takeReady().map((row) => row.rssBytes)).toEqual([2]);
    // a sample stamped in the interval already written goes into the next one
    intervals.add(memory({ pid: 1, timeMs: T0 + 9500, rssBytes: 3 }));
    intervals.add(memory({ pid: 1, timeMs: T0 + 12_000, rssBytes: 4 }));
    intervals.closeAll();
    expect(intervals.takeReady().map((row) => row.rssBytes)).toEqual([4]);
  });

  it('forgets processes that stopped sending samples', () => {
    const intervals = new MemoryIntervals(10_000);
    intervals.add(memory({ pid: 1, timeMs: T0 }));
    intervals.closeEnded(T0 + 10_000);
    expect(intervals.openCount).toBe(0);
    intervals.closeEnded(T0 + 30_000);
    intervals.add(memory({ pid: 1, timeMs: T0 + 30_000 }));
    expect(intervals.openCount).toBe(1);
  });
});
