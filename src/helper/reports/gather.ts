// The queries behind reports: one stored-rollup query per local day (so days follow local midnight across DST
// changes, which one fixed UTC offset would not), and the period's alerts. The building is pure (build.ts, export.ts).
import type { Profile } from '../../shared/model.js';
import type { ExportBucket, ExportFormat, ExportResult, UsageReport } from '../../shared/reports.js';
import { timeRulesOf } from '../../shared/time-rules.js';
import type { Store } from '../store/index.js';
import {
  dateOfDay,
  dayFromDate,
  localDay,
  startOfDay,
  weekdayIndex,
  type DayNumber,
  type TimeZone,
} from '../time/zone.js';
import { buildUsageReport, type ReportDay } from './build.js';
import { assertExportSize, dayBucketRows, exportRows, renderExport } from './export.js';

export interface ReportSources {
  store: Pick<Store, 'rollups' | 'alerts'>;
  zone: TimeZone;
}

const ALERTS_QUERY_LIMIT = 10_000;

export function reportDays(
  { store, zone }: ReportSources,
  profileId: number,
  firstDay: DayNumber,
  count: number,
): ReportDay[] {
  return Array.from({ length: count }, (_, i) => {
    const day = firstDay + i;
    const fromMs = startOfDay(day, zone);
    const toMs = startOfDay(day + 1, zone);
    return { date: dateOfDay(day), fromMs, toMs, rows: store.rollups.listByApp({ profileId, fromMs, toMs }) };
  });
}

function report(sources: ReportSources, profile: Profile, period: 'day' | 'week', firstDay: DayNumber): UsageReport {
  const days = reportDays(sources, profile.id, firstDay, period === 'day' ? 1 : 7);
  const fromMs = days[0]!.fromMs;
  const toMs = days.at(-1)!.toMs;
  const alerts = sources.store.alerts
    .list({ profileId: profile.id, sinceMs: fromMs, limit: ALERTS_QUERY_LIMIT })
    .filter((alert) => alert.timeMs < toMs);
  return buildUsageReport({
    profile: { id: profile.id, name: profile.name },
    period,
    days,
    alerts,
    screenTimeBudgetSecondsPerDay: timeRulesOf(profile.limits).screenTimeSecondsPerDay,
  });
}

/** The local day `date` (YYYY-MM-DD), default the day of `nowMs`. */
export function dailyReport(sources: ReportSources, profile: Profile, date: string | undefined, nowMs: number) {
  return report(sources, profile, 'day', date === undefined ? localDay(nowMs, sources.zone) : dayFromDate(date));
}

/** Monday to Sunday of the week holding `weekOf` (YYYY-MM-DD), default the week of `nowMs`. */
export function weeklyReport(sources: ReportSources, profile: Profile, weekOf: string | undefined, nowMs: number) {
  const day = weekOf === undefined ? localDay(nowMs, sources.zone) : dayFromDate(weekOf);
  return report(sources, profile, 'week', day - weekdayIndex(day));
}

export interface ExportRequest {
  sinceMs: number;
  untilMs: number;
  format: ExportFormat;
  bucket?: ExportBucket;
}

export function usageExport(sources: ReportSources, profile: Profile, request: ExportRequest): ExportResult {
  const { store, zone } = sources;
  const { sinceMs, untilMs, format, bucket = 'day' } = request;
  const query = { profileId: profile.id, fromMs: sinceMs, toMs: untilMs };
  let rows;
  if (bucket === 'day') {
    const firstDay = localDay(sinceMs, zone);
    const days = reportDays(sources, profile.id, firstDay, localDay(untilMs - 1, zone) - firstDay + 1);
    rows = dayBucketRows(
      days.map((day) => ({ ...day, rows: day.rows.filter((r) => r.startMs >= sinceMs && r.startMs < untilMs) })),
      sinceMs,
      untilMs,
    );
  } else if (bucket === 'hour') {
    // Whole hours of local time: zones differ from UTC by whole hours (or half hours, taken at the range's start).
    rows = store.rollups.listByApp({ ...query, bucket: 'hour', utcOffsetMs: zone.offsetMs(sinceMs) });
  } else {
    rows = store.rollups.listByApp({ ...query, bucket: 'stored' });
  }
  assertExportSize(rows.length);
  const document = {
    profile: { id: profile.id, name: profile.name },
    sinceMs,
    untilMs,
    bucket,
    rows: exportRows(rows, zone),
  };
  return { format, bucket, rowCount: document.rows.length, text: renderExport(document, format) };
}
