// Pure numbers for the benchmark: medians, monitored/baseline ratios and drift. Unit-tested in test/unit/bench.

/** Median of finite values; NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function max(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.max(...finite) : Number.NaN;
}

/** monitored / baseline; NaN when the baseline is not a positive number. */
export function ratio(monitored: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(monitored) ? monitored / baseline : Number.NaN;
}

/**
 * How much slower the monitored case is, in percent of the baseline, for a throughput (higher is better):
 * 1.5 means 1.5 % fewer operations per second. Negative when the monitored run happened to be faster.
 */
export function slowdownPercent(monitoredThroughput: number, baselineThroughput: number): number {
  return (1 - ratio(monitoredThroughput, baselineThroughput)) * 100;
}

/** Seeded generator (mulberry32), so a report's intervals can be recomputed from its numbers. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile-bootstrap interval of the median: resamples the values with replacement and takes the middle `level`
 * of the resampled medians. [NaN, NaN] for fewer than 3 values, where it says nothing.
 */
export function bootstrapMedianInterval(values: readonly number[], level = 0.95, iterations = 4000): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 3) return [Number.NaN, Number.NaN];
  const random = seededRandom(finite.length * 7919);
  const medians = Array.from({ length: iterations }, () =>
    median(Array.from({ length: finite.length }, () => finite[Math.floor(random() * finite.length)]!)),
  ).sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return [medians[Math.floor(tail * (iterations - 1))]!, medians[Math.ceil((1 - tail) * (iterations - 1))]!];
}

export interface Comparison {
  /** One value per round, in round order. */
  baseline: number[];
  monitored: number[];
  baselineMedian: number;
  monitoredMedian: number;
  /** monitoredMedian / baselineMedian. */
  ratio: number;
  slowdownPercent: number;
  /** monitored / baseline of each round: their spread shows how noisy the machine was. */
  roundRatios: number[];
  /**
   * From the median of the per-round ratios: each round's two runs sit side by side, so slow drift of the machine
   * cancels out of a round's ratio where it does not out of the two medians.
   */
  pairedSlowdownPercent: number;
  /** 95 % bootstrap interval of pairedSlowdownPercent, [low, high]; NaN with fewer than 3 rounds. */
  pairedSlowdownIntervalPercent: [number, number];
}

/** Compares per-round throughputs of the two cases (higher is better). */
export function compareThroughput(baseline: readonly number[], monitored: readonly number[]): Comparison {
  const baselineMedian = median(baseline);
  const monitoredMedian = median(monitored);
  const rounds = Math.min(baseline.length, monitored.length);
  const roundRatios = Array.from({ length: rounds }, (_, i) => ratio(monitored[i]!, baseline[i]!));
  const [lowRatio, highRatio] = bootstrapMedianInterval(roundRatios);
  return {
    baseline: [...baseline],
    monitored: [...monitored],
    baselineMedian,
    monitoredMedian,
    ratio: ratio(monitoredMedian, baselineMedian),
    slowdownPercent: slowdownPercent(monitoredMedian, baselineMedian),
    roundRatios,
    pairedSlowdownPercent: (1 - median(roundRatios)) * 100,
    pairedSlowdownIntervalPercent: [(1 - highRatio) * 100, (1 - lowRatio) * 100],
  };
}

export interface TimedValue {
  tMs: number;
  value: number;
}

export interface Drift {
  /** Length of each compared window. */
  windowMs: number;
  firstMedian: number;
  lastMedian: number;
  /** (last - first) / first, in percent. */
  driftPercent: number;
}

/**
 * Median of the first `windowMs` of a series against the median of its last `windowMs` (the soak's leak check).
 * A series shorter than two windows compares thirds instead, so a short soak still gives a number.
 */
export function windowDrift(series: readonly TimedValue[], windowMs: number): Drift {
  if (series.length < 2) return { windowMs, firstMedian: Number.NaN, lastMedian: Number.NaN, driftPercent: Number.NaN };
  const start = series[0]!.tMs;
  const end = series.at(-1)!.tMs;
  const span = end - start;
  const window = span >= 2 * windowMs ? windowMs : span / 3;
  const firstMedian = median(series.filter((s) => s.tMs <= start + window).map((s) => s.value));
  const lastMedian = median(series.filter((s) => s.tMs >= end - window).map((s) => s.value));
  return { windowMs: window, firstMedian, lastMedian, driftPercent: (ratio(lastMedian, firstMedian) - 1) * 100 };
}

/** Per-second rate between two readings of a counter. */
export function ratePerSecond(before: number, after: number, elapsedMs: number): number {
  return elapsedMs > 0 ? ((after - before) * 1000) / elapsedMs : 0;
}
