// How an alert reads to a parent: kind labels and measured/limit values with units. Node-free and Electron-free:
// main's notifications and the renderer's alert list say the same thing in the same words.

import type { Alert, AlertKind } from './model.js';
import { formatBytes, formatDuration, formatRate } from './units.js';

export const ALERT_KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  memory_limit: 'Memory limit',
  allocation_limit: 'Kernel allocation limit',
  disk_latency: 'Disk latency',
  disk_bandwidth: 'Disk bandwidth',
  excessive_io: 'Excessive disk I/O',
  network_limit: 'Network limit',
  blocked_app: 'Blocked application',
  screen_time: 'Screen time',
  allowed_hours: 'Outside allowed hours',
};

/** What happened, as a short verb phrase after the program's name. */
const KIND_VERBS: Readonly<Record<AlertKind, string>> = {
  memory_limit: 'was stopped for using too much memory',
  allocation_limit: 'allocated too much kernel memory',
  disk_latency: 'saw slow disk responses',
  disk_bandwidth: 'used too much disk bandwidth',
  excessive_io: 'did an unusual amount of disk I/O',
  network_limit: 'hit the network limit',
  blocked_app: 'was blocked',
  screen_time: 'went over the screen time',
  allowed_hours: 'ran outside the allowed hours',
};

/** Minutes → "45 min", "1 h 30 min", as the helper words time (src/helper/time/wording.ts). */
function minutesText(minutes: number): string {
  const whole = Math.max(0, Math.round(minutes));
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function counted(value: number, one: string, many: string): string {
  const n = Math.round(value);
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function plain(value: number): string {
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
  return rounded.toLocaleString('en-US');
}

/** A measured or limit value in the alert's unit → readable text ("312 MB", "10 Mbps", "250 ms"). */
export function formatAlertQuantity(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`.trim();
  switch (unit) {
    case 'MB':
      return formatBytes(value * 1e6);
    case 'B':
    case 'bytes':
      return formatBytes(value);
    case 'Mbps':
      return formatRate(value * 1e6);
    case 'bps':
      return formatRate(value);
    case 'B/s':
      return formatRate(value * 8, { as: 'bytes' });
    case 'MB/s':
      return formatRate(value * 8e6, { as: 'bytes' });
    case 'ms':
      return formatDuration(value);
    case 's':
      return formatDuration(value * 1000);
    // Time rules (screen_time, allowed_hours): minutes used against a budget, minutes left at a warning, and the
    // programs or launches stopped.
    case 'min':
      return minutesText(value);
    case 'min left':
      return `${minutesText(value)} left`;
    case 'processes':
      return counted(value, 'program', 'programs');
    case 'launches':
      return counted(value, 'launch', 'launches');
    case '':
      return plain(value);
    default:
      return `${plain(value)} ${unit}`;
  }
}

type Measurement = Pick<Alert, 'measured' | 'limit' | 'unit' | 'kind'>;

/**
 * Measured and limit as text. When rounding would make them read the same ("200 MB (limit 200 MB)") while the
 * measurement is over, the measurement is given with its decimals in the alert's own unit ("200.42 MB").
 */
export function alertQuantities(alert: Measurement): { measured: string; limit: string } {
  const limit = formatAlertQuantity(alert.limit, alert.unit);
  let measured = formatAlertQuantity(alert.measured, alert.unit);
  if (measured === limit && alert.measured !== alert.limit && Number.isFinite(alert.measured)) {
    measured = `${alert.measured.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${alert.unit}`.trim();
  }
  return { measured, limit };
}

/** Units that count what was stopped: there is no limit to compare with. */
const COUNT_UNITS: ReadonlySet<string> = new Set(['processes', 'launches']);

/**
 * What the alert's `limit` is, as a label: a limit, the warning it is ("warned 10 min before"), or nothing (a count
 * of programs stopped).
 */
export function alertLimitText(alert: Measurement): { label: string; value: string } | null {
  if (alert.kind === 'blocked_app' || COUNT_UNITS.has(alert.unit)) return null;
  if (alert.unit === 'min left') return { label: 'Warning', value: `${minutesText(alert.limit)} before` };
  return { label: 'Limit', value: alertQuantities(alert).limit };
}

/**
 * "312 MB (limit 200 MB)", "8 min left (warning 10 min before)", "3 programs stopped", or null when the alert
 * carries no measurement (a blocked app).
 */
export function measuredAgainstLimit(alert: Measurement): string | null {
  if (alert.kind === 'blocked_app') return null;
  if (alert.measured === 0 && alert.limit === 0) return null;
  const { measured, limit } = alertQuantities(alert);
  if (COUNT_UNITS.has(alert.unit)) return `${measured} stopped`;
  if (alert.unit === 'min left') return `${measured} (warning ${minutesText(alert.limit)} before)`;
  return `${measured} (limit ${limit})`;
}

const TIME_KINDS: ReadonlySet<AlertKind> = new Set(['screen_time', 'allowed_hours']);

/** One sentence about the alert for a child: "Lily: node was stopped for using too much memory — 312 MB (limit 200 MB)." */
export function alertSentence(alert: Alert, childName: string): string {
  // The helper words time alerts whole ("Screen time for today ends in 10 min"): a warning is not "went over".
  if (TIME_KINDS.has(alert.kind)) return `${childName}: ${alert.message.replace(/\.$/, '')}.`;
  const program = alert.comm ?? 'a program';
  const quantity = measuredAgainstLimit(alert);
  return `${childName}: ${program} ${KIND_VERBS[alert.kind]}${quantity ? ` — ${quantity}` : ''}.`;
}
