// Human output of dots-family-ctl: aligned tables, numbers with units, local times. Pure: every function returns a
// string, so the formatting is unit-tested and commands only decide what to print.
import type { Account, BlockedApp, Limits, Profile } from '../shared/model.js';
import { formatBytes, formatDuration, formatRate } from '../shared/units.js';

export const NONE = '—';

/** Columns padded to their widest cell; the last column is not padded. Numbers right-aligned where marked. */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  rightAligned: readonly number[] = [],
): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => [...(row[column] ?? '')].length)));
  const right = new Set(rightAligned);
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => {
        if (column === row.length - 1 && !right.has(column)) return cell;
        const pad = ' '.repeat((widths[column] ?? 0) - [...cell].length);
        return right.has(column) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n');
}

/** "Label:  value" lines with the values aligned. */
export function keyValues(pairs: ReadonlyArray<readonly [string, string]>, indent = ''): string {
  const width = Math.max(...pairs.map(([key]) => key.length)) + 1;
  return pairs.map(([key, value]) => `${indent}${`${key}:`.padEnd(width)}  ${value}`).join('\n');
}

const two = (n: number) => String(n).padStart(2, '0');

/** Epoch ms → "2025-06-01 14:03:07" in local time. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatLocalClock(ms)}`;
}

/** Epoch ms → "14:03:07" local. */
export function formatLocalClock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

// --- limits, in model.Limits' units -------------------------------------------------------------------------------

export const formatMb = (mb: number) => formatBytes(mb * 1e6);
export const formatMbps = (mbps: number) => formatRate(mbps * 1e6);

/** A measured value or limit as alerts carry it (MB, ms, Mbps, or a plain count). */
export function formatQuantity(value: number, unit: string): string {
  switch (unit) {
    case 'MB':
      return formatMb(value);
    case 'ms':
      return formatDuration(value);
    case 'Mbps':
      return formatRate(value * 1e6);
    default:
      return `${value} ${unit}`;
  }
}

const orNone = (value: number | null, format: (n: number) => string) => (value === null ? NONE : format(value));

export function formatBlockedApp(app: BlockedApp): string {
  const resolved = app.path === app.name ? '' : ` → ${app.path}`;
  return `${app.name}${resolved} (${formatBytes(app.sizeBytes)}, sha256 ${app.sha256.slice(0, 12)}…)`;
}

/** Every limit, one per line. */
export function formatLimits(limits: Limits, indent = ''): string {
  const pairs: Array<[string, string]> = [
    ['Memory per process', orNone(limits.memory.max_process_memory_mb, formatMb)],
    ['Kernel allocations', orNone(limits.memory.max_allocation_mb, (mb) => `${formatMb(mb)} per interval (alert)`)],
    ['Disk latency alert', orNone(limits.diskIo.max_latency_ms, (ms) => `${formatDuration(ms)} (p95)`)],
    ['Disk bandwidth', orNone(limits.diskIo.max_bandwidth_mbps, formatMbps)],
    ['Upload', orNone(limits.network.max_upload_mbps, formatMbps)],
    ['Download', orNone(limits.network.max_download_mbps, formatMbps)],
    ['Blocked apps', limits.blockedApps.length === 0 ? NONE : limits.blockedApps.map((a) => a.name).join(', ')],
  ];
  return keyValues(pairs, indent);
}

/** The limits that are set, on one line: "memory 500 MB, upload 10 Mbps, 2 blocked apps". */
export function summarizeLimits(limits: Limits): string {
  const parts: string[] = [];
  const add = (value: number | null, label: string, format: (n: number) => string) => {
    if (value !== null) parts.push(`${label} ${format(value)}`);
  };
  add(limits.memory.max_process_memory_mb, 'memory', formatMb);
  add(limits.memory.max_allocation_mb, 'alloc', formatMb);
  add(limits.diskIo.max_latency_ms, 'disk latency', formatDuration);
  add(limits.diskIo.max_bandwidth_mbps, 'disk', formatMbps);
  const { max_upload_mbps: up, max_download_mbps: down } = limits.network;
  if (up !== null && up === down) parts.push(`network ${formatMbps(up)}`);
  else {
    add(up, 'upload', formatMbps);
    add(down, 'download', formatMbps);
  }
  const blocked = limits.blockedApps.length;
  if (blocked) parts.push(`${blocked} blocked app${blocked === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no limits';
}

export function formatAccount(account: Account): string {
  return account.username === null ? `uid ${account.uid}` : `${account.username} (${account.uid})`;
}

export function formatProfileList(profiles: readonly Profile[]): string {
  if (profiles.length === 0) return 'No profiles yet. Create one: dots-family-ctl profile create <name> --user <login>';
  return table(
    ['ID', 'NAME', 'ACCOUNTS', 'LIMITS'],
    profiles.map((p) => [
      String(p.id),
      p.name,
      p.accounts.length ? p.accounts.map(formatAccount).join(', ') : NONE,
      summarizeLimits(p.limits),
    ]),
    [0],
  );
}

export function formatProfile(profile: Profile): string {
  const blocked = profile.limits.blockedApps;
  return [
    `Profile "${profile.name}" (id ${profile.id})`,
    keyValues([
      ['Accounts', profile.accounts.length ? profile.accounts.map(formatAccount).join(', ') : NONE],
      ['Created', formatLocalTime(profile.createdAtMs)],
      ['Changed', formatLocalTime(profile.updatedAtMs)],
    ], '  '),
    'Limits',
    formatLimits(profile.limits, '  '),
    ...(blocked.length ? ['Blocked apps', ...blocked.map((app) => `  ${formatBlockedApp(app)}`)] : []),
  ].join('\n');
}
