// Today's usage per profile, from the stored per-application rollups (the pipeline credits active time every tick and
// the batch writer stores it every flush interval, about a second; that is how far the numbers trail). Buckets older
// than a few minutes no longer change, so they are read once and kept; each read only asks for the recent ones.
import type { RollupQueries } from '../store/index.js';
import { emptyTally, mergeTallies, tallyRollups, type UsageTally } from './screen-time.js';
import { dayBounds, MINUTE_MS, type TimeZone } from './zone.js';

/** Late events (up to a sample interval) and the writer's flush (a second) settle well within this. */
const SETTLED_AFTER_MS = 3 * MINUTE_MS;

interface DayCache {
  dayStartMs: number;
  /** Buckets before this are in `settled`. Always a bucket boundary. */
  settledToMs: number;
  settled: UsageTally;
}

export interface TodayUsageOptions {
  rollups: Pick<RollupQueries, 'listByApp'>;
  zone: TimeZone;
  /** The rollup bucket length (the writer's); settled ranges end on its multiples. Default 60 000. */
  bucketMs?: number;
}

export class TodayUsage {
  private readonly days = new Map<number, DayCache>();
  private readonly bucketMs: number;

  constructor(private readonly options: TodayUsageOptions) {
    this.bucketMs = options.bucketMs ?? MINUTE_MS;
  }

  /** Usage of `profileId` from local midnight to `nowMs`. */
  read(profileId: number, nowMs: number): UsageTally {
    const { rollups, zone } = this.options;
    const { fromMs: dayStartMs } = dayBounds(nowMs, zone);
    let cache = this.days.get(profileId);
    // A new day, or a clock set back before what was settled: start over.
    if (!cache || cache.dayStartMs !== dayStartMs || nowMs < cache.settledToMs) {
      cache = { dayStartMs, settledToMs: dayStartMs, settled: emptyTally() };
      this.days.set(profileId, cache);
    }
    const settleTo = Math.floor((nowMs - SETTLED_AFTER_MS) / this.bucketMs) * this.bucketMs;
    if (settleTo > cache.settledToMs) {
      const rows = rollups.listByApp({ profileId, fromMs: cache.settledToMs, toMs: settleTo, bucket: 'stored' });
      tallyRollups(rows, cache.settled);
      cache.settledToMs = settleTo;
    }
    const recent = rollups.listByApp({ profileId, fromMs: cache.settledToMs, toMs: nowMs + 1, bucket: 'stored' });
    return mergeTallies(cache.settled, tallyRollups(recent));
  }

  forget(profileId: number): void {
    this.days.delete(profileId);
  }
}
