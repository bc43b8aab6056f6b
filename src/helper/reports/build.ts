// Daily and weekly reports from query results: per local day, the stored per-application rollups; for the period,
// the alerts. Pure: gather.ts runs the queries.
import { addUsageCounters, zeroUsageCounters, type Alert, type AlertKind, type UsageRollup } from '../../shared/model.js';
import {
  REPORT_ALERTS_MAX,
  REPORT_TOP_N,
  type AppUsageLine,
  type DaySummary,
  type UsageReport,
} from '../../shared/reports.js';
import { tallyRollups } from '../time/screen-time.js';

export interface ReportDay {
  date: string;
  fromMs: number;
  toMs: number;
  /** The day's per-application rollups (comm set), as stored. */
  rows: readonly UsageRollup[];
}

export interface ReportInput {
  profile: { id: number; name: string };
  period: 'day' | 'week';
  /** Oldest first; at least one. */
  days: readonly ReportDay[];
  /** Alerts of the period, newest first. */
  alerts: readonly Alert[];
  screenTimeBudgetSecondsPerDay: number | null;
}

function emptyLine(app: string): AppUsageLine {
  return { app, ...zeroUsageCounters() };
}

/** Sums rollup rows per application (peaks: the highest). Most active first, then by name. */
export function appLines(rows: readonly UsageRollup[]): AppUsageLine[] {
  const byApp = new Map<string, AppUsageLine>();
  for (const row of rows) {
    if (row.comm === null) continue;
    const line = byApp.get(row.comm) ?? emptyLine(row.comm);
    addUsageCounters(line, row);
    byApp.set(row.comm, line);
  }
  return [...byApp.values()].sort((a, b) => b.activeSeconds - a.activeSeconds || a.app.localeCompare(b.app));
}

function daySummary(day: ReportDay): DaySummary {
  const lines = appLines(day.rows);
  const sum = (pick: (line: AppUsageLine) => number) => lines.reduce((n, line) => n + pick(line), 0);
  return {
    date: day.date,
    fromMs: day.fromMs,
    toMs: day.toMs,
    screenTimeSeconds: round1(tallyRollups(day.rows).screenTimeSeconds),
    processesStarted: sum((l) => l.processesStarted),
    netTxBytes: sum((l) => l.netTxBytes),
    netRxBytes: sum((l) => l.netRxBytes),
    diskReadBytes: sum((l) => l.diskReadBytes),
    diskWriteBytes: sum((l) => l.diskWriteBytes),
    peakRssBytes: lines.reduce((n, l) => Math.max(n, l.peakRssBytes), 0),
  };
}

function top(lines: readonly AppUsageLine[], measure: (line: AppUsageLine) => number): AppUsageLine[] {
  return lines
    .filter((line) => measure(line) > 0)
    .sort((a, b) => measure(b) - measure(a) || a.app.localeCompare(b.app))
    .slice(0, REPORT_TOP_N);
}

/** Only the model's fields (the store's rows carry more). */
function plainAlert(alert: Alert): Alert {
  return {
    id: alert.id,
    profileId: alert.profileId,
    kind: alert.kind,
    severity: alert.severity,
    message: alert.message,
    measured: alert.measured,
    limit: alert.limit,
    unit: alert.unit,
    pid: alert.pid,
    comm: alert.comm,
    timeMs: alert.timeMs,
    occurrences: alert.occurrences,
    acknowledged: alert.acknowledged,
  };
}

export function buildUsageReport(input: ReportInput): UsageReport {
  const first = input.days[0];
  const last = input.days.at(-1);
  if (!first || !last) throw new RangeError('a report needs at least one day');
  const days = input.days.map(daySummary);
  const apps = appLines(input.days.flatMap((day) => day.rows)).map((line) => ({
    ...line,
    activeSeconds: round1(line.activeSeconds),
  }));
  const counts = new Map<AlertKind, number>();
  for (const alert of input.alerts) counts.set(alert.kind, (counts.get(alert.kind) ?? 0) + 1);

  return {
    profile: { ...input.profile },
    period: input.period,
    from: first.date,
    to: last.date,
    fromMs: first.fromMs,
    toMs: last.toMs,
    screenTimeSeconds: round1(days.reduce((n, day) => n + day.screenTimeSeconds, 0)),
    screenTimeBudgetSecondsPerDay: input.screenTimeBudgetSecondsPerDay,
    days,
    apps,
    topNetwork: top(apps, (l) => l.netTxBytes + l.netRxBytes),
    topDisk: top(apps, (l) => l.diskReadBytes + l.diskWriteBytes),
    memoryPeaks: top(apps, (l) => l.peakRssBytes).map((l) => ({ app: l.app, peakRssBytes: l.peakRssBytes })),
    alerts: {
      total: input.alerts.length,
      byKind: [...counts]
        .map(([kind, count]) => ({ kind, count }))
        .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
      latest: input.alerts.slice(0, REPORT_ALERTS_MAX).map(plainAlert),
    },
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
