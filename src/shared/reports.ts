// Reports per child: what reports.daily / reports.weekly return, and the columns of reports.export. Plain shapes;
// the wire schemas are in protocol/domain.ts, the building in src/helper/reports/.
import type { Alert, AlertKind, UsageCounters } from './model.js';

/** One application's usage over a period (its comm, as the kernel reports it). */
export interface AppUsageLine extends UsageCounters {
  app: string;
}

/** One local day of a report. */
export interface DaySummary {
  /** YYYY-MM-DD, local. */
  date: string;
  /** Local midnight to the next local midnight (23 or 25 hours on a DST change). */
  fromMs: number;
  toMs: number;
  /** See countsAsScreenTime in time-rules.ts. */
  screenTimeSeconds: number;
  processesStarted: number;
  netTxBytes: number;
  netRxBytes: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  peakRssBytes: number;
}

export interface UsageReport {
  profile: { id: number; name: string };
  period: 'day' | 'week';
  /** First and last local date of the period, YYYY-MM-DD. */
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  screenTimeSeconds: number;
  /** The profile's budget per day when the report was made; null without one. */
  screenTimeBudgetSecondsPerDay: number | null;
  /** One per local day, oldest first. */
  days: DaySummary[];
  /** Every application that ran, most active first. */
  apps: AppUsageLine[];
  /** The largest network (sent + received) and disk (read + written) users, at most five each, largest first. */
  topNetwork: AppUsageLine[];
  topDisk: AppUsageLine[];
  /** The applications with the highest memory peaks, at most five. */
  memoryPeaks: Array<{ app: string; peakRssBytes: number }>;
  alerts: {
    total: number;
    byKind: Array<{ kind: AlertKind; count: number }>;
    /** Newest first, at most REPORT_ALERTS_MAX. */
    latest: Alert[];
  };
}

export const REPORT_TOP_N = 5;
export const REPORT_ALERTS_MAX = 50;

export type ExportFormat = 'json' | 'csv';
/** minute: rows as stored (60 s; hourly once compacted); hour; day: local days (DST-correct). */
export type ExportBucket = 'minute' | 'hour' | 'day';

/** One row of reports.export: one application over one bucket. */
export interface ExportRow {
  startMs: number;
  /** The bucket's start in local time with its UTC offset, e.g. 2025-03-30T03:00:00+02:00. */
  startLocal: string;
  intervalSeconds: number;
  app: string;
  activeSeconds: number;
  processesStarted: number;
  netTxBytes: number;
  netRxBytes: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  fileReadBytes: number;
  fileWriteBytes: number;
  peakRssBytes: number;
}

/** CSV header → ExportRow key, in column order. The JSON export carries the same rows under these keys. */
export const EXPORT_COLUMNS = [
  ['start_ms', 'startMs'],
  ['start_local', 'startLocal'],
  ['interval_seconds', 'intervalSeconds'],
  ['app', 'app'],
  ['active_seconds', 'activeSeconds'],
  ['processes_started', 'processesStarted'],
  ['net_tx_bytes', 'netTxBytes'],
  ['net_rx_bytes', 'netRxBytes'],
  ['disk_read_bytes', 'diskReadBytes'],
  ['disk_write_bytes', 'diskWriteBytes'],
  ['file_read_bytes', 'fileReadBytes'],
  ['file_write_bytes', 'fileWriteBytes'],
  ['peak_rss_bytes', 'peakRssBytes'],
] as const satisfies ReadonlyArray<readonly [string, keyof ExportRow]>;

/** The JSON export's document. */
export interface UsageExport {
  profile: { id: number; name: string };
  sinceMs: number;
  untilMs: number;
  bucket: ExportBucket;
  rows: ExportRow[];
}

/** reports.export's result: the document as text, ready to save. */
export interface ExportResult {
  format: ExportFormat;
  bucket: ExportBucket;
  rowCount: number;
  text: string;
}
