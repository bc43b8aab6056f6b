// Small helpers around reports: local dates as the helper takes them, and the name an export is saved under.

import type { ExportFormat, UsageReport } from '../../shared/reports.js';

/** The local date of `ms` as YYYY-MM-DD (what reports.daily's `date` and reports.weekly's `weekOf` take). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "dots-Robin-2025-03-03.csv", "dots-Robin-2025-03-03_2025-03-09.json"; the name made safe for a file system. */
export function exportFileName(report: Pick<UsageReport, 'profile' | 'from' | 'to'>, extension: ExportFormat): string {
  const name = report.profile.name.replace(/[^\p{L}\p{N}_-]+/gu, '_');
  const period = report.from === report.to ? report.from : `${report.from}_${report.to}`;
  return `dots-${name}-${period}.${extension}`;
}
