// reports.export: usage rows per application and bucket, rendered as JSON or CSV. The two formats carry the same rows
// under EXPORT_COLUMNS (CSV header → JSON key), so a CSV read back matches the JSON. Pure.
import type { UsageRollup } from '../../shared/model.js';
import {
  EXPORT_COLUMNS,
  type ExportFormat,
  type ExportRow,
  type UsageExport,
} from '../../shared/reports.js';
import { formatLocalIso, type TimeZone } from '../time/zone.js';
import { appLines, type ReportDay } from './build.js';
import { spreadsheetSafe, toCsv } from './csv.js';

/** About 10 MB of CSV: well inside a response frame (MAX_SERVER_FRAME_BYTES), and plenty for a spreadsheet. */
export const EXPORT_MAX_ROWS = 100_000;

export class ExportTooLargeError extends RangeError {
  override name = 'ExportTooLargeError';
}

export function assertExportSize(rows: number): void {
  if (rows > EXPORT_MAX_ROWS) {
    throw new ExportTooLargeError(
      `the export would have ${rows} rows (at most ${EXPORT_MAX_ROWS}): narrow the range or use a larger bucket`,
    );
  }
}

/** One row per (local day ∩ range, application): the days' rows summed per application. */
export function dayBucketRows(days: readonly ReportDay[], sinceMs: number, untilMs: number): UsageRollup[] {
  const out: UsageRollup[] = [];
  for (const day of days) {
    const startMs = Math.max(day.fromMs, sinceMs);
    const intervalMs = Math.min(day.toMs, untilMs) - startMs;
    if (intervalMs <= 0) continue;
    const profileId = day.rows[0]?.profileId ?? 0;
    for (const line of appLines(day.rows)) {
      const { app, ...counters } = line;
      out.push({ profileId, startMs, intervalMs, comm: app, ...counters });
    }
  }
  return out;
}

export function exportRows(rows: readonly UsageRollup[], zone: TimeZone): ExportRow[] {
  return rows
    .filter((row) => row.comm !== null)
    .map((row) => ({
      startMs: row.startMs,
      startLocal: formatLocalIso(row.startMs, zone),
      intervalSeconds: row.intervalMs / 1000,
      app: row.comm!,
      activeSeconds: row.activeSeconds,
      processesStarted: row.processesStarted,
      netTxBytes: row.netTxBytes,
      netRxBytes: row.netRxBytes,
      diskReadBytes: row.diskReadBytes,
      diskWriteBytes: row.diskWriteBytes,
      fileReadBytes: row.fileReadBytes,
      fileWriteBytes: row.fileWriteBytes,
      peakRssBytes: row.peakRssBytes,
    }));
}

export function renderExport(document: UsageExport, format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(document)}\n`;
  const header = EXPORT_COLUMNS.map(([name]) => name);
  const records = document.rows.map((row) =>
    EXPORT_COLUMNS.map(([, key]) => {
      const value = row[key];
      return typeof value === 'number' ? String(value) : spreadsheetSafe(value);
    }),
  );
  return toCsv([header, ...records]);
}
