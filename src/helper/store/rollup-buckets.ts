// Folds usage deltas into fixed wall-clock buckets (per profile and per application) in memory, so high-rate
// samples cost one upsert per bucket per flush rather than one row each. Pure: no clock, no I/O.

import { addUsageCounters, zeroUsageCounters, type UsageCounters } from '../../shared/model.js';

export const DEFAULT_ROLLUP_INTERVAL_MS = 60_000;

/** The comm under which whole-profile totals are kept. */
export const PROFILE_TOTAL_COMM = '';

export type { UsageCounters } from '../../shared/model.js';

export type UsageDelta = Partial<UsageCounters>;

export interface RollupBucket extends UsageCounters {
  profileId: number;
  startMs: number;
  intervalMs: number;
  /** PROFILE_TOTAL_COMM ('') for the whole profile. */
  comm: string;
}

/** Splits [fromMs, toMs) at bucket boundaries: the milliseconds that fall into each bucket. */
export function splitIntoBuckets(
  fromMs: number,
  toMs: number,
  intervalMs: number,
): Array<{ startMs: number; durationMs: number }> {
  const pieces: Array<{ startMs: number; durationMs: number }> = [];
  let cursor = fromMs;
  while (cursor < toMs) {
    const startMs = Math.floor(cursor / intervalMs) * intervalMs;
    const end = Math.min(startMs + intervalMs, toMs);
    pieces.push({ startMs, durationMs: end - cursor });
    cursor = end;
  }
  return pieces;
}

export class RollupAccumulator {
  private buckets = new Map<string, RollupBucket>();

  constructor(readonly intervalMs: number = DEFAULT_ROLLUP_INTERVAL_MS) {
    if (!(intervalMs > 0)) throw new RangeError(`rollup interval must be > 0 ms, got ${intervalMs}`);
  }

  get size(): number {
    return this.buckets.size;
  }

  add(profileId: number, comm: string, timeMs: number, delta: UsageDelta): void {
    const startMs = Math.floor(timeMs / this.intervalMs) * this.intervalMs;
    addUsageCounters(this.bucket(profileId, comm, startMs), delta);
  }

  /** Credits the time between `fromMs` and `toMs` as active seconds, split across the buckets it spans. */
  addActiveTime(profileId: number, comm: string, fromMs: number, toMs: number): void {
    for (const piece of splitIntoBuckets(fromMs, toMs, this.intervalMs)) {
      this.bucket(profileId, comm, piece.startMs).activeSeconds += piece.durationMs / 1000;
    }
  }

  /** Hands over every bucket and starts empty. */
  take(): RollupBucket[] {
    const taken = [...this.buckets.values()];
    this.buckets = new Map();
    return taken;
  }

  /** Puts back buckets a failed write took, merging with anything added since. */
  restore(buckets: RollupBucket[]): void {
    for (const bucket of buckets) addUsageCounters(this.bucket(bucket.profileId, bucket.comm, bucket.startMs), bucket);
  }

  private bucket(profileId: number, comm: string, startMs: number): RollupBucket {
    const key = `${profileId}:${startMs}:${comm}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { profileId, startMs, intervalMs: this.intervalMs, comm, ...zeroUsageCounters() };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}


