// Human output of what the helper measured and reported: alerts, usage, events, live metrics, monitors, status.
// Pure, like output.ts.
import { formatProbes, type MonitorStatus } from '../shared/events.js';
import type {
  DiskIoEventRow,
  EventRow,
  EventTable,
  FileEventRow,
  MemoryEventRow,
  NetworkEventRow,
  ProcessEventRow,
} from '../shared/event-rows.js';
import type { Alert, LiveMetrics, UsageRollup } from '../shared/model.js';
import type { HelperStatus, SelfStatus } from '../shared/protocol.js';
import { formatBytes, formatDuration, formatRate } from '../shared/units.js';
import { formatTimeStatus } from './output-time.js';
import { NONE, formatLimits, formatLocalClock, formatLocalTime, formatQuantity, keyValues, table } from './output.js';

/** profile id → name, for output; an unknown id shows as "#7". */
export type ProfileNames = ReadonlyMap<number, string>;
const profileName = (names: ProfileNames, id: number) => names.get(id) ?? `#${id}`;

export function formatAlerts(alerts: readonly Alert[], names: ProfileNames): string {
  if (alerts.length === 0) return 'No alerts.';
  return table(
    ['ID', 'TIME', 'PROFILE', 'KIND', 'SEVERITY', 'MEASURED', 'LIMIT', 'ACK', 'MESSAGE'],
    alerts.map((a) => [
      String(a.id),
      formatLocalTime(a.timeMs),
      profileName(names, a.profileId),
      a.kind,
      a.severity,
      formatQuantity(a.measured, a.unit),
      formatQuantity(a.limit, a.unit),
      a.acknowledged ? 'yes' : 'no',
      a.occurrences > 1 ? `${a.message} (×${a.occurrences})` : a.message,
    ]),
    [0],
  );
}

/** One live line per alert, for `watch`. */
export function formatAlertLine(alert: Alert, names: ProfileNames): string {
  const over = `${formatQuantity(alert.measured, alert.unit)} > ${formatQuantity(alert.limit, alert.unit)}`;
  return (
    `${formatLocalClock(alert.timeMs)}  ALERT ${alert.severity} ${profileName(names, alert.profileId)} ` +
    `${alert.kind}: ${alert.message} [${over}]`
  );
}

const bitsRate = (bytesPerSecond: number) => formatRate(bytesPerSecond * 8);
const bytesRate = (bytesPerSecond: number) => formatRate(bytesPerSecond * 8, { as: 'bytes' });

/** One live line per profile, for `watch`. */
export function formatMetricsLine(m: LiveMetrics, names: ProfileNames): string {
  return [
    formatLocalClock(m.timeMs),
    profileName(names, m.profileId),
    `procs ${m.processes}`,
    `rss ${formatBytes(m.memory.rssBytes)}`,
    `net ↓${bitsRate(m.network.downloadBytesPerSecond)} ↑${bitsRate(m.network.uploadBytesPerSecond)}`,
    `disk r ${bytesRate(m.disk.readBytesPerSecond)} w ${bytesRate(m.disk.writeBytesPerSecond)}`,
    m.disk.requests > 0 ? `p95 ${formatDuration(m.disk.latencyP95Ms)}` : `p95 ${NONE}`,
  ].join('  ');
}

function bucketStart(rollup: UsageRollup): string {
  const time = formatLocalTime(rollup.startMs);
  return rollup.intervalMs >= 86_400_000 ? time.slice(0, 10) : time.slice(0, 16);
}

export function formatUsage(rollups: readonly UsageRollup[]): string {
  if (rollups.length === 0) return 'No usage recorded in that window.';
  const byApp = rollups.some((r) => r.comm !== null);
  const bytes = (n: number) => formatBytes(n);
  return table(
    [
      'START',
      ...(byApp ? ['APP'] : []),
      'ACTIVE',
      'PROCS',
      'NET DOWN',
      'NET UP',
      'DISK READ',
      'DISK WRITE',
      'FILE READ',
      'FILE WRITE',
      'PEAK RSS',
    ],
    rollups.map((r) => [
      bucketStart(r),
      ...(byApp ? [r.comm ?? NONE] : []),
      formatDuration(r.activeSeconds * 1000),
      String(r.processesStarted),
      bytes(r.netRxBytes),
      bytes(r.netTxBytes),
      bytes(r.diskReadBytes),
      bytes(r.diskWriteBytes),
      bytes(r.fileReadBytes),
      bytes(r.fileWriteBytes),
      bytes(r.peakRssBytes),
    ]),
  );
}

const ms = (ns: number) => formatDuration(ns / 1e6);

/** What one stored event says, beyond time/pid/comm. */
export function describeEvent(table: EventTable, row: EventRow): string {
  switch (table) {
    case 'process': {
      const p = row as ProcessEventRow;
      if (p.kind === 'exec') {
        const args = p.args?.join(' ') ?? '';
        const enforcement = p.enforcement && p.enforcement !== 'none' ? ` [${p.enforcement}]` : '';
        return `exec ${p.filename ?? '?'}${args ? `  ${args}` : ''}${enforcement}`;
      }
      const how = p.exitSignal ? `signal ${p.exitSignal}` : `code ${p.exitCode ?? '?'}`;
      return `exit ${how}${p.lifetimeNs === null ? '' : ` after ${ms(p.lifetimeNs)}`}`;
    }
    case 'file': {
      const f = row as FileEventRow;
      return `${f.kind} ${f.filename ?? `fd ${f.fd ?? '?'}`}`;
    }
    case 'network': {
      const n = row as NetworkEventRow;
      const outcome = n.established ? `in ${ms(n.connectLatencyNs)}` : '(not established)';
      return `connect ${n.sourceAddress}:${n.sourcePort} → ${n.destinationAddress}:${n.destinationPort} ${outcome}`;
    }
    case 'memory': {
      const m = row as MemoryEventRow;
      const [rss, peak, kmalloc] = [m.rssBytes, m.peakRssBytes, m.kmallocBytes].map((n) => formatBytes(n));
      return `rss ${rss}, peak ${peak}, kmalloc ${kmalloc}`;
    }
    case 'disk_io': {
      const d = row as DiskIoEventRow;
      return `${d.operation} ${formatBytes(d.bytes)} on ${d.devMajor}:${d.devMinor} in ${ms(d.latencyNs)}`;
    }
  }
}

export function formatEvents(table_: EventTable, rows: readonly EventRow[], hasMore: boolean): string {
  if (rows.length === 0) return `No ${table_} events in that window.`;
  const out = table(
    ['TIME', 'PID', 'COMM', 'EVENT'],
    rows.map((row) => [formatLocalTime(row.timeMs), String(row.pid), row.comm, describeEvent(table_, row)]),
    [1],
  );
  return hasMore ? `${out}\n(more events match: raise --limit or narrow --since)` : out;
}

export function formatMonitors(monitors: readonly MonitorStatus[]): string {
  return table(
    ['MONITOR', 'STATE', 'PROBES', 'EVENTS/S', 'DROPPED', 'REASONS'],
    monitors.map((m) => [
      m.name,
      m.state,
      formatProbes(m, '/'),
      String(Math.round(m.eventsPerSecond)),
      String(m.recordsDropped),
      m.reasons.length ? m.reasons.join('; ') : NONE,
    ]),
    [3, 4],
  );
}

export function formatHelperStatus(helper: HelperStatus, monitors: readonly MonitorStatus[]): string {
  return [
    keyValues([
      ['Helper', `version ${helper.version}, pid ${helper.pid}, up ${formatDuration(helper.uptimeSeconds * 1000)}`],
      ['Database', `${helper.dbPath} (schema v${helper.schemaVersion})`],
      ['Socket', helper.socketPath],
    ]),
    '',
    formatMonitors(monitors),
  ].join('\n');
}

export function formatSelfStatus(self: SelfStatus): string {
  const who = `uid ${self.uid}${self.username ? ` (${self.username})` : ''}`;
  if (self.role === 'admin') {
    return `${who}: parent (${self.via === 'root' ? 'root' : "member of the parents' group"})`;
  }
  const today = self.today;
  return [
    `${who}: child in profile "${self.profile.name}" (id ${self.profile.id})`,
    'Limits',
    formatLimits(self.limits, '  '),
    'Today',
    keyValues([
      ['Active', formatDuration(today.activeSeconds * 1000)],
      ['Programs started', String(today.processesStarted)],
      ['Downloaded', formatBytes(today.netRxBytes)],
      ['Uploaded', formatBytes(today.netTxBytes)],
    ], '  '),
    'Time today',
    formatTimeStatus(self.time, '  '),
  ].join('\n');
}
