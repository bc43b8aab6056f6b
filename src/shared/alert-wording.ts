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

/** "312 MB (limit 200 MB)", or null when the alert carries no measurement (a blocked app). */
export function measuredAgainstLimit(alert: Measurement): string | null {
  if (alert.kind === 'blocked_app') return null;
  if (alert.measured === 0 && alert.limit === 0) return null;
  const { measured, limit } = alertQuantities(alert);
  return `${measured} (limit ${limit})`;
}

/** One sentence about the alert for a child: "Lily: node was stopped for using too much memory — 312 MB (limit 200 MB)." */
export function alertSentence(alert: Alert, childName: string): string {
  const program = alert.comm ?? 'a program';
  const quantity = measuredAgainstLimit(alert);
  return `${childName}: ${program} ${KIND_VERBS[alert.kind]}${quantity ? ` — ${quantity}` : ''}.`;
}
