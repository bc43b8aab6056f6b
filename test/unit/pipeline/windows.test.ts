import { describe, expect, it } from 'vitest';
import { ActiveTime } from '../../../src/helper/pipeline/active-time.js';
import { SustainedRateDetector } from '../../../src/helper/pipeline/excessive-io.js';
import { LatencyWindow, nearestRank } from '../../../src/helper/pipeline/latency-window.js';
import { T0 } from '../store/fixtures.js';

describe('nearestRank', () => {
  it('is the smallest value with at least p% of values at or below it', () => {
    const sorted = [10, 20, 30, 40];
    expect([50, 75, 76, 95, 99, 100].map((p) => nearestRank(sorted, p))).toEqual([20, 30, 40, 40, 40, 40]);
    expect(nearestRank([], 50)).toBe(0);
    expect(nearestRank([7], 1)).toBe(7);
  });
});

describe('LatencyWindow', () => {
  it('counts every request but computes percentiles from the newest it holds', () => {
    const window = new LatencyWindow({ maxSamples: 10, horizonMs: 60_000 });
    for (let i = 1; i <= 100; i++) window.add(T0 + i, i * 1e6); // 1..100 ms
    const stats = window.stats(T0 + 1000, 10_000);
    expect(stats).toMatchObject({ requests: 100, sampled: 10, meanMs: 50.5, p50Ms: 95, p99Ms: 100 });
  });

  it('forgets requests past its horizon', () => {
    const window = new LatencyWindow({ horizonMs: 60_000 });
    window.add(T0, 5e6);
    window.prune(T0 + 61_000);
    expect(window.stats(T0 + 61_000, 60_000).requests).toBe(0);
  });
});

describe('SustainedRateDetector', () => {
  it('fires once when the rate has stayed above the threshold for the sustained time', () => {
    const detector = new SustainedRateDetector();
    const fired = [1, 2, 3, 4, 5, 6, 7].map((s) => detector.update(T0 + s * 1000, 1000, 500, 100, 3000)?.fired);
    expect(fired).toEqual([false, false, true, false, false, false, false]);
    expect(detector.update(T0 + 8000, 1000, 50, 100, 3000)).toBeNull();
    expect(detector.update(T0 + 9000, 1000, 500, null, 3000)).toBeNull();
  });
});

describe('ActiveTime', () => {
  it('credits the union of overlapping processes once, and never backwards', () => {
    const credits: Array<[string, number, number]> = [];
    const active = new ActiveTime((_p, comm, from, to) => credits.push([comm, from - T0, to - T0]));
    active.start(1, 'bash', T0);
    active.start(1, 'bash', T0 + 1000);
    active.creditAll(T0 + 2000);
    active.stop(1, 'bash', T0 + 1500); // stamped before the tick: already credited
    active.stop(1, 'bash', T0 + 3000);
    active.start(1, 'bash', T0 + 2500); // a late start after the stop is not credited twice
    active.creditAll(T0 + 4000);
    expect(credits.filter(([comm]) => comm === 'bash')).toEqual([
      ['bash', 0, 2000],
      ['bash', 2000, 3000],
      ['bash', 3000, 4000],
    ]);
    expect(active.isActive(1, 'bash')).toBe(true);
  });
});
