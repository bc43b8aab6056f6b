// Disk latencies of one profile over a sliding window. Counts and sums are exact (per-second bins); percentiles
// are exact over the latencies held, which are the most recent `maxSamples` (a ring buffer): under very heavy I/O
// they describe the newest requests of the window, and `sampled` < `requests` says so.

export interface LatencyStats {
  /** Completed requests in the window. */
  requests: number;
  /** Of those, how many the percentiles are computed from. */
  sampled: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export const EMPTY_LATENCY_STATS: Readonly<LatencyStats> = Object.freeze({
  requests: 0,
  sampled: 0,
  meanMs: 0,
  p50Ms: 0,
  p95Ms: 0,
  p99Ms: 0,
});

export interface LatencyWindowOptions {
  /** Longest window `stats` is asked for; older data is dropped. Default 60 000. */
  horizonMs?: number;
  /** Latencies kept for percentiles. Default 8192. */
  maxSamples?: number;
}

const NS_PER_MS = 1e6;

/** Nearest-rank percentile of ascending `sorted`: the smallest value with at least p% of values at or below it. */
export function nearestRank(sorted: ArrayLike<number>, percent: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

export class LatencyWindow {
  readonly horizonMs: number;
  readonly maxSamples: number;
  private readonly timesMs: Float64Array;
  private readonly latenciesNs: Float64Array;
  private next = 0;
  private held = 0;
  /** second (epoch s) → count and sum of latencies completed in it */
  private readonly bins = new Map<number, { count: number; sumNs: number }>();

  constructor(options: LatencyWindowOptions = {}) {
    this.horizonMs = options.horizonMs ?? 60_000;
    this.maxSamples = options.maxSamples ?? 8192;
    if (!(this.maxSamples >= 1)) throw new RangeError(`latency window needs maxSamples ≥ 1, got ${this.maxSamples}`);
    this.timesMs = new Float64Array(this.maxSamples);
    this.latenciesNs = new Float64Array(this.maxSamples);
  }

  add(timeMs: number, latencyNs: number): void {
    this.timesMs[this.next] = timeMs;
    this.latenciesNs[this.next] = latencyNs;
    this.next = (this.next + 1) % this.maxSamples;
    this.held = Math.min(this.held + 1, this.maxSamples);
    const second = Math.floor(timeMs / 1000);
    const bin = this.bins.get(second);
    if (bin) {
      bin.count++;
      bin.sumNs += latencyNs;
    } else {
      this.bins.set(second, { count: 1, sumNs: latencyNs });
    }
  }

  /** Forgets bins outside [now − horizon, now + horizon] (the future side guards against a clock jump). */
  prune(nowMs: number): void {
    const oldest = Math.floor((nowMs - this.horizonMs) / 1000);
    const newest = Math.floor((nowMs + this.horizonMs) / 1000);
    for (const second of this.bins.keys()) if (second < oldest || second > newest) this.bins.delete(second);
  }

  /** Requests completed in the last `windowMs` before `nowMs` (bins are whole seconds). */
  stats(nowMs: number, windowMs: number): LatencyStats {
    const fromMs = nowMs - windowMs;
    const fromSecond = Math.floor(fromMs / 1000);
    let requests = 0;
    let sumNs = 0;
    for (const [second, bin] of this.bins) {
      if (second >= fromSecond) {
        requests += bin.count;
        sumNs += bin.sumNs;
      }
    }
    if (requests === 0) return { ...EMPTY_LATENCY_STATS };

    const inWindow: number[] = [];
    for (let i = 0; i < this.held; i++) {
      if ((this.timesMs[i] ?? 0) >= fromSecond * 1000) inWindow.push(this.latenciesNs[i] ?? 0);
    }
    const sorted = Float64Array.from(inWindow).sort();
    return {
      requests,
      sampled: sorted.length,
      meanMs: sumNs / requests / NS_PER_MS,
      p50Ms: nearestRank(sorted, 50) / NS_PER_MS,
      p95Ms: nearestRank(sorted, 95) / NS_PER_MS,
      p99Ms: nearestRank(sorted, 99) / NS_PER_MS,
    };
  }
}
