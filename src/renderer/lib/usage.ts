// usage.query rollups → chart buckets (gaps filled with zeros) and top-application tables. Pure.

import { addUsageCounters, zeroUsageCounters, type UsageCounters, type UsageRollup } from '../../shared/model.js';

export type UsageRange = 'week' | 'two-days';

export const USAGE_RANGES: Readonly<Record<UsageRange, { label: string; bucket: 'day' | 'hour'; spanMs: number }>> = {
  week: { label: 'Last 7 days, per day', bucket: 'day', spanMs: 7 * 86_400_000 },
  'two-days': { label: 'Last 48 hours, per hour', bucket: 'hour', spanMs: 48 * 3_600_000 },
};

export const BUCKET_MS = { day: 86_400_000, hour: 3_600_000 } as const;

export type UsageTotals = UsageCounters;



export interface UsageBucket extends UsageTotals {
  startMs: number;
}

/**
 * One bucket per interval from the first bucket at or after `sinceMs` to `untilMs`, on the grid the helper's rows
 * are on (so "day" keeps the helper's idea of midnight). Rows with a comm are left out: these are the totals.
 */
export function fillBuckets(rows: readonly UsageRollup[], sinceMs: number, untilMs: number, intervalMs: number): UsageBucket[] {
  const totals = rows.filter((row) => row.comm === null);
  const byStart = new Map<number, UsageBucket>();
  for (const row of totals) {
    const bucket = byStart.get(row.startMs) ?? { ...zeroUsageCounters(), startMs: row.startMs };
    addUsageCounters(bucket, row);
    byStart.set(row.startMs, bucket);
  }
  const anchor = totals[0]?.startMs ?? Math.floor(untilMs / intervalMs) * intervalMs;
  let first = anchor - Math.floor((anchor - sinceMs) / intervalMs) * intervalMs;
  if (first < sinceMs) first += intervalMs;
  const buckets: UsageBucket[] = [];
  for (let start = first; start <= untilMs; start += intervalMs) {
    buckets.push(byStart.get(start) ?? { ...zeroUsageCounters(), startMs: start });
  }
  // Rows off the grid (a DST change, a different interval) are not dropped silently: they join their bucket.
  for (const [start, bucket] of byStart) {
    if (buckets.some((b) => b.startMs === start)) continue;
    const host = [...buckets].reverse().find((b) => b.startMs <= start);
    if (host) addUsageCounters(host, bucket);
  }
  return buckets;
}

export interface AppUsage extends UsageTotals {
  comm: string;
  /** Network and disk bytes together. */
  totalBytes: number;
}

/** Per-application totals over the rows (byApp), largest first by `by`. */
export function topApplications(
  rows: readonly UsageRollup[],
  by: 'activeSeconds' | 'totalBytes',
  limit = 10,
): AppUsage[] {
  const apps = new Map<string, AppUsage>();
  for (const row of rows) {
    if (row.comm === null) continue;
    const app = apps.get(row.comm) ?? { ...zeroUsageCounters(), comm: row.comm, totalBytes: 0 };
    addUsageCounters(app, row);
    app.totalBytes = app.netTxBytes + app.netRxBytes + app.diskReadBytes + app.diskWriteBytes;
    apps.set(row.comm, app);
  }
  return [...apps.values()]
    .filter((app) => app[by] > 0)
    .sort((a, b) => b[by] - a[by] || a.comm.localeCompare(b.comm))
    .slice(0, limit);
}
