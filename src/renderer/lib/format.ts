// Display helpers on top of shared/units.ts: times, counts, and rates given in bytes per second.

import { formatBytes, formatRate } from '../../shared/units.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function formatTime(ms: number): string {
  return timeFormat.format(ms);
}

export function formatDateTime(ms: number): string {
  return dateTimeFormat.format(ms);
}

export function formatDay(ms: number): string {
  return dayFormat.format(ms);
}

export function formatHour(ms: number): string {
  return hourFormat.format(ms);
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function formatAgo(ms: number, nowMs: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return formatDateTime(ms);
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Events per second with one decimal below 10. */
export function formatPerSecond(value: number): string {
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown.toLocaleString('en-US')}/s`;
}

/** Bytes per second → "1.2 MB/s". */
export function formatBytesPerSecond(bytesPerSecond: number): string {
  return formatRate(bytesPerSecond * 8, { as: 'bytes' });
}

/** Bytes per second → "9.6 Mbps" (network is talked about in bits). */
export function formatBitsFromBytesPerSecond(bytesPerSecond: number): string {
  return formatRate(bytesPerSecond * 8);
}

export { formatBytes };

/** Active seconds → "2h 5m", "45m", "30s". */
export function formatActiveTime(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${minutes}m`;
  return rest === 0 ? `${hours}h` : `${hours}h ${rest}m`;
}
