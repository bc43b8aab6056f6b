import { describe, expect, it } from 'vitest';
import { buildUsageReport, type ReportDay } from '../../../src/helper/reports/build.js';
import { parseCsv } from '../../../src/helper/reports/csv.js';
import { dayBucketRows, exportRows, renderExport } from '../../../src/helper/reports/export.js';
import { fixedZone } from '../../../src/helper/time/zone.js';
import type { Alert } from '../../../src/shared/model.js';
import { EXPORT_COLUMNS, type UsageExport } from '../../../src/shared/reports.js';
import { appRow } from '../time/usage-fixtures.js';

const D1 = Date.UTC(2025, 5, 2);
const D2 = Date.UTC(2025, 5, 3);
const HOUR = 3_600_000;

const days: ReportDay[] = [
  {
    date: '2025-06-02',
    fromMs: D1,
    toMs: D2,
    rows: [
      appRow('firefox', D1 + 16 * HOUR, 60, { netRxBytes: 5e6, netTxBytes: 1e5, peakRssBytes: 9e8, processesStarted: 3 }),
      appRow('supertux2', D1 + 16 * HOUR, 60, { diskReadBytes: 2e7, peakRssBytes: 3e8, processesStarted: 1 }),
      appRow('bash', D1 + 16 * HOUR, 60, { processesStarted: 2 }),
      appRow('firefox', D1 + 17 * HOUR, 30, { netRxBytes: 1e6, peakRssBytes: 1.2e9 }),
    ],
  },
  { date: '2025-06-03', fromMs: D2, toMs: D2 + 24 * HOUR, rows: [appRow('supertux2', D2 + 10 * HOUR, 45)] },
];

function alert(id: number, kind: Alert['kind'], timeMs: number): Alert {
  return {
    id,
    profileId: 1,
    kind,
    severity: 'warning',
    message: kind,
    measured: 1,
    limit: 0,
    unit: 'x',
    pid: null,
    comm: null,
    timeMs,
    occurrences: 1,
    acknowledged: false,
  };
}

describe('buildUsageReport', () => {
  const alerts = [alert(3, 'screen_time', D2 + 1), alert(2, 'blocked_app', D1 + 2), alert(1, 'screen_time', D1 + 1)];
  const report = buildUsageReport({
    profile: { id: 1, name: 'Robin' },
    period: 'week',
    days,
    alerts: alerts.map((a) => ({ ...a, dedupKey: 'internal' })),
    screenTimeBudgetSecondsPerDay: 7200,
  });

  it('sums screen time per day with the union per bucket, without the shell', () => {
    expect(report.days.map((d) => [d.date, d.screenTimeSeconds])).toEqual([
      ['2025-06-02', 90],
      ['2025-06-03', 45],
    ]);
    expect(report.screenTimeSeconds).toBe(135);
    expect(report.days[0]).toMatchObject({ processesStarted: 6, netRxBytes: 6e6, peakRssBytes: 1.2e9 });
    expect(report).toMatchObject({ from: '2025-06-02', to: '2025-06-03', fromMs: D1, toMs: D2 + 24 * HOUR });
  });

  it('lists apps by time, and the top network, disk and memory users', () => {
    expect(report.apps.map((a) => [a.app, a.activeSeconds])).toEqual([
      ['supertux2', 105],
      ['firefox', 90],
      ['bash', 60],
    ]);
    expect(report.topNetwork.map((a) => a.app)).toEqual(['firefox']);
    expect(report.topDisk.map((a) => a.app)).toEqual(['supertux2']);
    expect(report.memoryPeaks).toEqual([
      { app: 'firefox', peakRssBytes: 1.2e9 },
      { app: 'supertux2', peakRssBytes: 3e8 },
    ]);
  });

  it('counts alerts by kind and keeps only the model fields', () => {
    expect(report.alerts.total).toBe(3);
    expect(report.alerts.byKind).toEqual([
      { kind: 'screen_time', count: 2 },
      { kind: 'blocked_app', count: 1 },
    ]);
    expect(report.alerts.latest.map((a) => a.id)).toEqual([3, 2, 1]);
    expect(report.alerts.latest[0]).not.toHaveProperty('dedupKey');
  });
});

describe('exports', () => {
  it('sums a day per app, clipped to the range', () => {
    const rows = dayBucketRows(days, D1 + 12 * HOUR, D2 + 12 * HOUR);
    expect(rows.map((r) => [r.startMs, r.intervalMs, r.comm, r.activeSeconds])).toEqual([
      [D1 + 12 * HOUR, 12 * HOUR, 'firefox', 90],
      [D1 + 12 * HOUR, 12 * HOUR, 'bash', 60], // ties by name
      [D1 + 12 * HOUR, 12 * HOUR, 'supertux2', 60],
      [D2, 12 * HOUR, 'supertux2', 45],
    ]);
  });

  it('renders the same rows as CSV and JSON', () => {
    const named = [appRow('=cmd|x', D1, 1.25), appRow('a,"b"\nc', D1, 0.1 + 0.2), appRow('sleep', D1 + 60_000, 7)];
    const document: UsageExport = {
      profile: { id: 1, name: 'Robin' },
      sinceMs: D1,
      untilMs: D2,
      bucket: 'minute',
      rows: exportRows(named, fixedZone(2 * HOUR)),
    };
    const json = JSON.parse(renderExport(document, 'json')) as UsageExport;
    const [header, ...records] = parseCsv(renderExport(document, 'csv'));
    expect(header).toEqual(EXPORT_COLUMNS.map(([name]) => name));
    expect(records).toHaveLength(3);
    records.forEach((record, i) => {
      const row = json.rows[i]!;
      EXPORT_COLUMNS.forEach(([, key], column) => {
        const expected = row[key];
        if (typeof expected === 'number') expect(Number(record[column])).toBe(expected);
        else if (key === 'app' && expected.startsWith('=')) expect(record[column]).toBe(`'${expected}`);
        else expect(record[column]).toBe(expected);
      });
    });
    expect(json.rows[0]).toMatchObject({ startLocal: '2025-06-02T02:00:00+02:00', intervalSeconds: 60 });
  });
});
