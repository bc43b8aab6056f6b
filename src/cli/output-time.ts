// Human output of time rules, today's time status and usage reports. Pure, like output.ts.
import type { Profile } from '../shared/model.js';
import type { AppUsageLine, UsageReport } from '../shared/reports.js';
import { WEEKDAYS, hasTimeRules, type TimeRules, type TimeStatus } from '../shared/time-rules.js';
import { formatBytes, formatDuration } from '../shared/units.js';
import { NONE, formatLocalTime, formatProfile, keyValues, table } from './output.js';

const seconds = (s: number) => formatDuration(s * 1000);
const DAY_LABELS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' } as const;
const windowsText = (windows: readonly string[]) => (windows.length ? windows.join(', ') : 'none (no time allowed)');

/** Allowed hours per day, screen-time and app budgets, warnings. */
export function formatTimeRules(rules: TimeRules, indent = ''): string {
  const hours = rules.allowedHours;
  const pairs: Array<[string, string]> = [
    ['Screen time per day', rules.screenTimeSecondsPerDay === null ? NONE : seconds(rules.screenTimeSecondsPerDay)],
    [
      'App budgets',
      rules.appBudgets.length ? rules.appBudgets.map((b) => `${b.app} ${seconds(b.secondsPerDay)}`).join(', ') : NONE,
    ],
    ['Warnings', rules.warnMinutesBefore.length ? `${rules.warnMinutesBefore.join(', ')} min before` : NONE],
    ['Allowed hours', hours === null ? 'any time' : 'per day:'],
  ];
  const lines = [keyValues(pairs, indent)];
  if (hours) {
    const dayPairs: Array<[string, string]> = WEEKDAYS.map((day) => [DAY_LABELS[day], windowsText(hours.days[day])]);
    dayPairs.push(['Holidays', `${windowsText(hours.holidays.windows)} on ${hours.holidays.dates.join(', ') || NONE}`]);
    lines.push(keyValues(dayPairs, `${indent}  `));
  }
  return lines.join('\n');
}

/** Allowed now, next change, screen time and app budgets used and left today. */
export function formatTimeStatus(status: TimeStatus, indent = ''): string {
  const left = status.screenTimeLeftSeconds;
  const lines = [
    keyValues([
      ['Allowed now', status.allowedNow ? 'yes' : 'no'],
      ['Next change', status.nextChangeMs === null ? NONE : formatLocalTime(status.nextChangeMs)],
      ['Screen time used', seconds(status.screenTimeUsedSeconds)],
      ['Screen time left', left === null ? 'no budget' : seconds(left)],
    ], indent),
  ];
  if (status.apps.length) {
    const apps = table(
      ['APP', 'USED', 'LEFT'],
      status.apps.map((a) => [a.app, seconds(a.usedSeconds), seconds(a.leftSeconds)]),
      [1, 2],
    );
    lines.push(apps.split('\n').map((line) => indent + line).join('\n'));
  }
  return lines.join('\n');
}

export function formatTimeShow(name: string, rules: TimeRules, status: TimeStatus): string {
  return [`Time rules of "${name}"`, formatTimeRules(rules, '  '), 'Today', formatTimeStatus(status, '  ')].join('\n');
}

/** profile show: the profile, and its time rules when it has any. */
export function formatProfileWithTime(profile: Profile): string {
  const time = profile.limits.time;
  const base = formatProfile(profile);
  return time && hasTimeRules(time) ? `${base}\nTime rules\n${formatTimeRules(time, '  ')}` : base;
}

// --- reports -----------------------------------------------------------------------------------------------------

const TOP_APPS = 10;

function indented(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}

function section(title: string, lines: readonly AppUsageLine[], empty: string, body: () => string): string[] {
  return [title, lines.length ? indented(body()) : `  ${empty}`];
}

/** A daily or weekly report in sections: screen time vs budget, top apps, network, disk, memory, alerts. */
export function formatReport(report: UsageReport): string {
  const period = report.from === report.to ? report.from : `${report.from} to ${report.to}`;
  const days = report.days.length || 1;
  const budget = report.screenTimeBudgetSecondsPerDay;
  const screen =
    budget === null
      ? `${seconds(report.screenTimeSeconds)} (no budget)`
      : `${seconds(report.screenTimeSeconds)} of ${seconds(budget * days)}` +
        (days > 1 ? ` (${seconds(budget)} a day)` : '');
  const out = [`${report.period === 'day' ? 'Daily' : 'Weekly'} report for "${report.profile.name}": ${period}`];
  out.push('Screen time', `  ${screen}`);
  if (report.period === 'week') {
    out.push(
      indented(
        table(
          ['DAY', 'SCREEN TIME', 'PROGRAMS', 'DOWNLOADED', 'UPLOADED'],
          report.days.map((d) => [
            d.date,
            seconds(d.screenTimeSeconds),
            String(d.processesStarted),
            formatBytes(d.netRxBytes),
            formatBytes(d.netTxBytes),
          ]),
          [1, 2, 3, 4],
        ),
      ),
    );
  }
  out.push(
    ...section('Top apps by time', report.apps, 'no applications ran', () =>
      table(
        ['APP', 'ACTIVE', 'STARTED'],
        report.apps.slice(0, TOP_APPS).map((a) => [a.app, seconds(a.activeSeconds), String(a.processesStarted)]),
        [1, 2],
      ),
    ),
    ...section('Top network users', report.topNetwork, 'no network traffic', () =>
      table(
        ['APP', 'DOWNLOADED', 'UPLOADED'],
        report.topNetwork.map((a) => [a.app, formatBytes(a.netRxBytes), formatBytes(a.netTxBytes)]),
        [1, 2],
      ),
    ),
    ...section('Top disk users', report.topDisk, 'no disk traffic', () =>
      table(
        ['APP', 'READ', 'WRITTEN'],
        report.topDisk.map((a) => [a.app, formatBytes(a.diskReadBytes), formatBytes(a.diskWriteBytes)]),
        [1, 2],
      ),
    ),
    'Memory peaks',
    report.memoryPeaks.length
      ? indented(table(['APP', 'PEAK'], report.memoryPeaks.map((m) => [m.app, formatBytes(m.peakRssBytes)]), [1]))
      : '  none recorded',
    `Alerts: ${report.alerts.total}`,
    ...report.alerts.byKind.map((k) => `  ${k.kind}: ${k.count}`),
  );
  return out.join('\n');
}
