import { describe, expect, it } from 'vitest';
import { bootstrapMedianInterval, compareThroughput, median, ratePerSecond, slowdownPercent, windowDrift } from '../../bench/stats.js';
import { evaluateTargets } from '../../bench/targets.js';
import { geometricMean, parseStressYaml } from '../../bench/workloads/stress.js';
import { niceCeiling, renderSvgChart } from '../../bench/svg-chart.js';

describe('bench statistics', () => {
  it('takes the median of odd and even counts, ignoring non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN, 1])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('reports a slower monitored throughput as a positive slowdown', () => {
    expect(slowdownPercent(99, 100)).toBeCloseTo(1);
    expect(slowdownPercent(101, 100)).toBeCloseTo(-1);
    expect(slowdownPercent(1, 0)).toBeNaN();
  });

  it('compares medians and keeps each round’s ratio', () => {
    const c = compareThroughput([100, 102, 98], [99, 97, 101]);
    expect(c.baselineMedian).toBe(100);
    expect(c.monitoredMedian).toBe(99);
    expect(c.ratio).toBeCloseTo(0.99);
    expect(c.roundRatios.map((r) => +r.toFixed(3))).toEqual([0.99, 0.951, 1.031]);
    expect(c.pairedSlowdownPercent).toBeCloseTo(1, 5); // median ratio 0.99
    const [low, high] = c.pairedSlowdownIntervalPercent;
    expect(low).toBeLessThanOrEqual(c.pairedSlowdownPercent);
    expect(high).toBeGreaterThanOrEqual(c.pairedSlowdownPercent);
  });

  it('bootstraps an interval of the median that narrows with agreeing rounds and is reproducible', () => {
    const noisy = bootstrapMedianInterval([0.8, 0.9, 1.0, 1.1, 1.2, 0.85, 1.15]);
    const quiet = bootstrapMedianInterval([0.99, 0.991, 0.992, 0.993, 0.994, 0.995, 0.996]);
    expect(noisy[1]! - noisy[0]!).toBeGreaterThan(0.1);
    expect(quiet[0]).toBeGreaterThanOrEqual(0.99);
    expect(quiet[1]).toBeLessThanOrEqual(0.996);
    expect(bootstrapMedianInterval([0.8, 0.9, 1.0, 1.1, 1.2, 0.85, 1.15])).toEqual(noisy);
    expect(bootstrapMedianInterval([1, 2])).toEqual([Number.NaN, Number.NaN]);
  });

  it('measures drift between the first and last windows, thirds of a short series', () => {
    const flat = Array.from({ length: 61 }, (_, i) => ({ tMs: i * 60_000, value: 100 }));
    expect(windowDrift(flat, 5 * 60_000).driftPercent).toBe(0);
    const growing = Array.from({ length: 61 }, (_, i) => ({ tMs: i * 60_000, value: 100 + i }));
    const drift = windowDrift(growing, 5 * 60_000);
    expect(drift.firstMedian).toBe(102.5);
    expect(drift.lastMedian).toBe(157.5);
    const short = Array.from({ length: 7 }, (_, i) => ({ tMs: i * 1000, value: i < 3 ? 10 : 20 }));
    expect(windowDrift(short, 5 * 60_000)).toMatchObject({ windowMs: 2000, firstMedian: 10, lastMedian: 20, driftPercent: 100 });
  });

  it('turns counter readings into a per-second rate', () => {
    expect(ratePerSecond(100, 400, 2000)).toBe(150);
    expect(ratePerSecond(100, 400, 0)).toBe(0);
  });
});

describe('bench targets', () => {
  it('passes and fails each target on its own limit and leaves unmeasured ones open', () => {
    const results = evaluateTargets({
      cpu: { slowdownPercent: 0.5, roundRatios: [0.995, 0.996] },
      io: { slowdownPercent: 3.5, roundRatios: [0.96, 0.97] },
      netWatched: { slowdownPercent: -1, roundRatios: [1.01] },
      stressDrops: 0,
      stressRecordsPerSecond: 5000,
      pendingIoPeak: 2000,
    });
    expect(Object.fromEntries(results.map((r) => [r.id, r.status]))).toEqual({
      cpu: 'pass',
      io: 'fail',
      'net-watched': 'pass',
      'net-unwatched': 'not measured',
      drops: 'pass',
      'pending-io': 'fail',
      'rss-flat': 'not measured',
    });
  });

  it('judges a paired slowdown on its interval: inside the target, beyond it, or spanning it', () => {
    const judged = (interval: [number, number]) =>
      evaluateTargets({ io: { slowdownPercent: 1, roundRatios: [1, 1, 1], pairedSlowdownPercent: 1, pairedSlowdownIntervalPercent: interval } })[1]!;
    expect(judged([-2, 2.5]).status).toBe('pass');
    expect(judged([3.5, 8]).status).toBe('fail');
    expect(judged([-1, 6])).toMatchObject({ status: 'within noise', measured: '1.00 % slower (95 % interval -1.0 … 6.0 %)' });
  });

  it('calls a comparison noisy when its rounds disagree by more than the target', () => {
    const [cpu] = evaluateTargets({ cpu: { slowdownPercent: 0.8, roundRatios: [0.66, 1.08, 1.21] } });
    expect(cpu).toMatchObject({ status: 'pass', note: expect.stringMatching(/^noisy: the rounds' ratios span 55\.0 %/) });
    const [quiet] = evaluateTargets({ cpu: { slowdownPercent: 0.8, roundRatios: [0.99, 0.995] } });
    expect(quiet!.note).toBeUndefined();
  });

  it('marks an RSS result from a soak shorter than 30 minutes as indicative', () => {
    const rss = evaluateTargets({ rssDriftPercent: 4, soakMinutes: 5 }).find((r) => r.id === 'rss-flat')!;
    expect(rss.status).toBe('pass');
    expect(rss.note).toMatch(/indicative/);
  });
});

describe('stress-ng output', () => {
  it('reads each stressor’s real-time bogo-ops rate from --yaml output', () => {
    const yaml = [
      'metrics:',
      '    - stressor: fork',
      '      bogo-ops: 257',
      '      bogo-ops-per-second-usr-sys-time: 1587.370215',
      '      bogo-ops-per-second-real-time: 128.524392',
      '',
      '    - stressor: open',
      '      bogo-ops-per-second-real-time: 4270.14',
    ].join('\n');
    expect(parseStressYaml(yaml)).toEqual({ fork: 128.524392, open: 4270.14 });
    expect(geometricMean([4, 9])).toBeCloseTo(6);
  });
});

describe('svg chart', () => {
  it('rounds axes up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.7, 3, 240, 4100, 0].map(niceCeiling)).toEqual([1, 5, 250, 5000, 1]);
  });

  it('breaks a series where sampling paused', () => {
    const points = [0, 1000, 2000, 10_000, 11_000].map((tMs) => ({ tMs, value: tMs / 1000 }));
    const svg = renderSvgChart({ title: 'a < b', series: [{ label: 'RSS', unit: 'MB', color: '#000', points }] });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('a &lt; b');
  });
});
