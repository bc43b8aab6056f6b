// Usage rollups: the upsert the batch writer runs, and the report queries (totals per profile or per application,
// re-bucketed to hours or days, top applications).
import type BetterSqlite3 from 'better-sqlite3';
import type { UsageRollup } from '../../shared/model.js';
import { InvalidArgumentError } from './errors.js';
import { PROFILE_TOTAL_COMM, type RollupBucket, type UsageCounters } from './rollup-buckets.js';
import { assertLimit, assertProfileId, assertTimeRange } from './validate.js';

type Database = BetterSqlite3.Database;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** 'stored' returns rows as kept (60 s, or hourly once compacted); 'hour' and 'day' sum them into larger buckets. */
export type RollupBucketSize = 'stored' | 'hour' | 'day';
const BUCKET_MS: Readonly<Record<Exclude<RollupBucketSize, 'stored'>, number>> = { hour: HOUR_MS, day: DAY_MS };

export interface RollupQuery {
  profileId: number;
  /** Buckets starting at or after this. */
  fromMs: number;
  /** Buckets starting before this. */
  toMs: number;
  bucket?: RollupBucketSize;
  /**
   * Added to epoch ms before cutting hours and days, so days start at local midnight: pass the zone's offset
   * for the range (e.g. +7_200_000 for UTC+2). A range across a DST change is off by an hour on one side.
   */
  utcOffsetMs?: number;
}

export type AppUsageOrder = 'activeSeconds' | 'networkBytes' | 'diskBytes' | 'fileBytes';

export interface AppUsage extends UsageCounters {
  comm: string;
}

export interface RollupQueries {
  /** Whole-profile totals (comm null), or one application's when `comm` is given. Oldest first. */
  list(query: RollupQuery & { comm?: string | null }): UsageRollup[];
  /** Every application's rows (whole-profile rows excluded). Oldest first, then by comm. */
  listByApp(query: RollupQuery): UsageRollup[];
  /** Applications over a range, largest first by `by`. */
  topApps(query: { profileId: number; fromMs: number; toMs: number; by: AppUsageOrder; limit?: number }): AppUsage[];
}

const SUMS = `SUM(active_seconds) AS activeSeconds, SUM(processes_started) AS processesStarted,
  SUM(net_tx_bytes) AS netTxBytes, SUM(net_rx_bytes) AS netRxBytes,
  SUM(disk_read_bytes) AS diskReadBytes, SUM(disk_write_bytes) AS diskWriteBytes,
  SUM(file_read_bytes) AS fileReadBytes, SUM(file_write_bytes) AS fileWriteBytes,
  MAX(peak_rss_bytes) AS peakRssBytes`;

// Bucket start in epoch ms. `%` because SQLite's `%` works on integers, while `/` on bound JS numbers (REAL)
// would not floor; start_ms + offset is positive for any real date, so the remainder is the distance into it.
const BUCKET_START = 'start_ms - ((start_ms + @offsetMs) % @bucketMs)';

const ORDER_BY: Readonly<Record<AppUsageOrder, string>> = {
  activeSeconds: 'activeSeconds DESC',
  networkBytes: '(netTxBytes + netRxBytes) DESC',
  diskBytes: '(diskReadBytes + diskWriteBytes) DESC',
  fileBytes: '(fileReadBytes + fileWriteBytes) DESC',
};

export const MAX_TOP_APPS = 1000;

interface RollupRow extends UsageCounters {
  profileId: number;
  startMs: number;
  intervalMs: number;
  comm: string;
}

interface RollupParams {
  profileId: number;
  fromMs: number;
  toMs: number;
  comm?: string;
  bucketMs?: number;
  offsetMs?: number;
}

export function createRollupQueries(db: Database): RollupQueries {
  const range = 'profile_id = @profileId AND start_ms >= @fromMs AND start_ms < @toMs';
  const stored = (commFilter: string) =>
    db.prepare<[RollupParams], RollupRow>(
      `SELECT profile_id AS profileId, start_ms AS startMs, interval_ms AS intervalMs, comm, ${SUMS}
       FROM usage_rollups WHERE ${range} AND ${commFilter}
       GROUP BY start_ms, interval_ms, comm ORDER BY start_ms, comm`,
    );
  const rebucketed = (commFilter: string) =>
    db.prepare<[RollupParams], RollupRow>(
      `SELECT profile_id AS profileId, ${BUCKET_START} AS startMs, @bucketMs AS intervalMs, comm, ${SUMS}
       FROM usage_rollups WHERE ${range} AND ${commFilter}
       GROUP BY startMs, comm ORDER BY startMs, comm`,
    );
  const oneComm = 'comm = @comm';
  const allApps = `comm <> '${PROFILE_TOTAL_COMM}'`;
  const statements = {
    storedOne: stored(oneComm),
    storedApps: stored(allApps),
    bucketOne: rebucketed(oneComm),
    bucketApps: rebucketed(allApps),
  };
  const topStatements = Object.fromEntries(
    Object.entries(ORDER_BY).map(([by, order]) => [
      by,
      db.prepare<[RollupParams & { limit: number }], AppUsage>(
        `SELECT comm, ${SUMS} FROM usage_rollups WHERE ${range} AND ${allApps}
         GROUP BY comm ORDER BY ${order}, comm LIMIT @limit`,
      ),
    ]),
  ) as Record<AppUsageOrder, BetterSqlite3.Statement<[RollupParams & { limit: number }], AppUsage>>;

  const params = (query: RollupQuery): RollupParams => {
    assertProfileId(query.profileId);
    assertTimeRange(query.fromMs, query.toMs);
    const bucket = query.bucket ?? 'stored';
    const base = { profileId: query.profileId, fromMs: query.fromMs, toMs: query.toMs };
    if (bucket === 'stored') return base;
    const bucketMs = BUCKET_MS[bucket];
    if (bucketMs === undefined) {
      throw new InvalidArgumentError(`bucket must be stored, hour or day, got '${String(bucket)}'`);
    }
    const offsetMs = query.utcOffsetMs ?? 0;
    if (!Number.isInteger(offsetMs) || Math.abs(offsetMs) > DAY_MS) {
      throw new InvalidArgumentError(`utcOffsetMs must be whole milliseconds within a day, got ${offsetMs}`);
    }
    return { ...base, bucketMs, offsetMs };
  };

  return {
    list(query) {
      const p = { ...params(query), comm: query.comm ?? PROFILE_TOTAL_COMM };
      const statement = p.bucketMs === undefined ? statements.storedOne : statements.bucketOne;
      return statement.all(p).map(toUsageRollup);
    },
    listByApp(query) {
      const p = params(query);
      const statement = p.bucketMs === undefined ? statements.storedApps : statements.bucketApps;
      return statement.all(p).map(toUsageRollup);
    },
    topApps({ profileId, fromMs, toMs, by, limit = 10 }) {
      const statement = topStatements[by];
      if (!statement) throw new InvalidArgumentError(`cannot order applications by '${String(by)}'`);
      return statement.all({ ...params({ profileId, fromMs, toMs }), limit: assertLimit(limit, MAX_TOP_APPS) });
    },
  };
}

function toUsageRollup(row: RollupRow): UsageRollup {
  return { ...row, comm: row.comm === PROFILE_TOTAL_COMM ? null : row.comm };
}

/** The writer's upsert: counters add, the peak keeps the larger value. */
export function createRollupUpsert(db: Database): (bucket: RollupBucket) => void {
  const upsert = db.prepare<[RollupBucket]>(
    `INSERT INTO usage_rollups (profile_id, start_ms, interval_ms, comm, active_seconds, processes_started,
       net_tx_bytes, net_rx_bytes, disk_read_bytes, disk_write_bytes, file_read_bytes, file_write_bytes, peak_rss_bytes)
     VALUES (@profileId, @startMs, @intervalMs, @comm, @activeSeconds, @processesStarted, @netTxBytes, @netRxBytes,
       @diskReadBytes, @diskWriteBytes, @fileReadBytes, @fileWriteBytes, @peakRssBytes)
     ON CONFLICT (profile_id, start_ms, interval_ms, comm) DO UPDATE SET ${ADD_EXCLUDED}`,
  );
  return (bucket) => void upsert.run(bucket);
}

/** SET clause shared by the writer's upsert and compaction: add counters, keep the larger peak. */
export const ADD_EXCLUDED = `
  active_seconds = active_seconds + excluded.active_seconds,
  processes_started = processes_started + excluded.processes_started,
  net_tx_bytes = net_tx_bytes + excluded.net_tx_bytes,
  net_rx_bytes = net_rx_bytes + excluded.net_rx_bytes,
  disk_read_bytes = disk_read_bytes + excluded.disk_read_bytes,
  disk_write_bytes = disk_write_bytes + excluded.disk_write_bytes,
  file_read_bytes = file_read_bytes + excluded.file_read_bytes,
  file_write_bytes = file_write_bytes + excluded.file_write_bytes,
  peak_rss_bytes = max(peak_rss_bytes, excluded.peak_rss_bytes)`;
