// Policy evaluation: a child's Limits against what the monitors measured → typed breaches. Pure: no clock, no I/O;
// the helper calls it every sample interval with the new events and the recent metrics, and passes the breaches
// through the AlertGate. Enforcement (kills, drops, throttles) has already happened in the kernel by then; a breach
// says what happened, or what could only be alerted.
import type { MemoryLimitKillEvent, MemorySample, MonitorEvent } from '../../shared/events.js';
import type { AlertKind, AlertSeverity, Limits, LiveMetrics } from '../../shared/model.js';
import type { ExecDecision } from './blocked-apps-decision.js';
import { BYTES_PER_MB, bytesPerSecondToMbps } from './limits-to-kernel.js';

export type BreachKind = Extract<
  AlertKind,
  'memory_limit' | 'allocation_limit' | 'disk_latency' | 'disk_bandwidth' | 'network_limit' | 'blocked_app'
>;

/** One broken limit: the fields of a model.Alert, plus what it is about (for the gate) and whether it was enforced. */
export interface Breach {
  kind: BreachKind;
  profileId: number;
  severity: AlertSeverity;
  /** The process (comm), app, or direction the breach is about: one alert per (profile, kind, subject). */
  subject: string;
  message: string;
  /** What was measured and the limit it broke, in `unit` (the unit of the Limits field). */
  measured: number;
  limit: number;
  unit: 'MB' | 'ms' | 'Mbps' | 'launches';
  pid: number | null;
  comm: string | null;
  timeMs: number;
  /** true when the kernel already enforced the limit (killed, dropped, throttled); false when only alerted. */
  enforced: boolean;
}

export interface PolicyInput {
  profileId: number;
  limits: Limits;
  nowMs: number;
  /** This profile's LiveMetrics over the last few seconds, oldest first; rates are averaged over them. */
  metrics: readonly LiveMetrics[];
  /** Kernel events and aggregate samples since the previous evaluation (other profiles' are ignored). */
  events: readonly MonitorEvent[];
  /** Blocked-app decisions since the previous evaluation (BlockedApps.handleExec). */
  blockDecisions?: readonly ExecDecision[];
  /** Bytes the network limiter dropped for this profile since the previous evaluation. */
  networkThrottledBytes?: { upload: number; download: number };
  /** What the kernel enforces on this machine (from the limiter's and throttle's status). */
  enforcement?: { network: boolean; diskBandwidth: boolean };
}

export interface EvaluationOptions {
  /** A latency p95 counts only over at least this many requests, so one slow request does not alert. */
  minLatencyRequests: number;
  /** A measured rate must exceed its limit by this fraction (bursts, sampling jitter) before it is a breach. */
  rateTolerance: number;
}

export const DEFAULT_EVALUATION_OPTIONS: EvaluationOptions = { minLatencyRequests: 20, rateTolerance: 0.1 };

const round2 = (n: number) => Math.round(n * 100) / 100;
const mb = (bytes: number) => round2(bytes / BYTES_PER_MB);
const basename = (file: string) => file.slice(file.lastIndexOf('/') + 1) || file;

/**
 * Megabytes with just enough decimals (up to 3) to read as above the limit: the kernel kills as soon as a process
 * crosses it, so the overshoot is often a few kilobytes and "100 MB, over the 100 MB limit" would read as a bug.
 */
function mbAbove(bytes: number, limitBytes: number): number {
  for (const decimals of [0, 1, 2, 3]) {
    const scale = 10 ** decimals;
    const value = Math.round((bytes / BYTES_PER_MB) * scale) / scale;
    if (value > limitBytes / BYTES_PER_MB) return value;
  }
  return Math.round((bytes / BYTES_PER_MB) * 1000) / 1000;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/** Kernel allocations a process kept during one sample interval: kmalloc + pages, net of their frees. */
export function netAllocationBytes(s: MemorySample): number {
  return s.kmallocBytes + s.pageAllocBytes - s.kfreeBytes - s.pageFreeBytes;
}

export function evaluatePolicy(input: PolicyInput, options: EvaluationOptions = DEFAULT_EVALUATION_OPTIONS): Breach[] {
  const mine = input.events.filter((e) => e.profileId === input.profileId);
  return [
    ...memoryKills(input, mine),
    ...allocations(input, mine),
    ...diskLatency(input, options),
    ...diskBandwidth(input, options),
    ...network(input, options),
    ...blockedApps(input, mine),
  ];
}

function memoryKills(input: PolicyInput, events: MonitorEvent[]): Breach[] {
  if (input.limits.memory.max_process_memory_mb === null) return [];
  return events
    .filter((e): e is MemoryLimitKillEvent => e.type === 'memory_limit_kill')
    .map((e) => ({
      kind: 'memory_limit',
      profileId: input.profileId,
      severity: 'warning',
      subject: e.comm,
      message:
        `${e.comm} (pid ${e.pid}) was stopped: it used ${mbAbove(e.rssBytes, e.limitBytes)} MB of memory, ` +
        `over the ${mb(e.limitBytes)} MB limit`,
      measured: mbAbove(e.rssBytes, e.limitBytes),
      limit: mb(e.limitBytes),
      unit: 'MB',
      pid: e.pid,
      comm: e.comm,
      timeMs: e.timeMs,
      enforced: true,
    }));
}

function allocations(input: PolicyInput, events: MonitorEvent[]): Breach[] {
  const limitMb = input.limits.memory.max_allocation_mb;
  if (limitMb === null) return [];
  return events
    .filter((e): e is MemorySample => e.type === 'memory' && netAllocationBytes(e) > limitMb * BYTES_PER_MB)
    .map((s) => ({
      kind: 'allocation_limit',
      profileId: input.profileId,
      severity: 'warning',
      subject: s.comm,
      message:
        `${s.comm} (pid ${s.pid}) allocated ${mb(netAllocationBytes(s))} MB of kernel memory in one interval, ` +
        `over the ${limitMb} MB limit`,
      measured: mb(netAllocationBytes(s)),
      limit: limitMb,
      unit: 'MB',
      pid: s.pid,
      comm: s.comm,
      timeMs: s.timeMs,
      enforced: false,
    }));
}

function diskLatency(input: PolicyInput, options: EvaluationOptions): Breach[] {
  const limitMs = input.limits.diskIo.max_latency_ms;
  const latest = input.metrics.at(-1);
  if (limitMs === null || !latest) return [];
  const { requests, latencyP95Ms } = latest.disk;
  if (requests < options.minLatencyRequests || latencyP95Ms <= limitMs) return [];
  return [
    {
      kind: 'disk_latency',
      profileId: input.profileId,
      severity: 'info',
      subject: 'disk',
      message:
        `disk requests took ${round2(latencyP95Ms)} ms (95th percentile of ${requests}), ` +
        `over the ${limitMs} ms limit`,
      measured: round2(latencyP95Ms),
      limit: limitMs,
      unit: 'ms',
      pid: null,
      comm: null,
      timeMs: latest.timeMs,
      enforced: false,
    },
  ];
}

function diskBandwidth(input: PolicyInput, options: EvaluationOptions): Breach[] {
  const limitMbps = input.limits.diskIo.max_bandwidth_mbps;
  if (limitMbps === null || input.metrics.length === 0) return [];
  const measured = bytesPerSecondToMbps(
    mean(input.metrics.map((m) => m.disk.readBytesPerSecond + m.disk.writeBytesPerSecond)),
  );
  if (measured <= limitMbps * (1 + options.rateTolerance)) return [];
  const enforced = input.enforcement?.diskBandwidth ?? false;
  return [
    {
      kind: 'disk_bandwidth',
      profileId: input.profileId,
      severity: 'warning',
      subject: 'disk',
      message:
        `disk reads and writes ran at ${round2(measured)} Mbps, over the ${limitMbps} Mbps limit` +
        (enforced ? ' (buffered writes are not throttled on this system)' : ' (disk limits are alerted only here)'),
      measured: round2(measured),
      limit: limitMbps,
      unit: 'Mbps',
      pid: null,
      comm: null,
      timeMs: input.nowMs,
      enforced: false,
    },
  ];
}

function network(input: PolicyInput, options: EvaluationOptions): Breach[] {
  const breaches: Breach[] = [];
  const directions = [
    ['upload', input.limits.network.max_upload_mbps, (m: LiveMetrics) => m.network.uploadBytesPerSecond],
    ['download', input.limits.network.max_download_mbps, (m: LiveMetrics) => m.network.downloadBytesPerSecond],
  ] as const;
  for (const [direction, limitMbps, rateOf] of directions) {
    if (limitMbps === null) continue;
    const measured = round2(bytesPerSecondToMbps(mean(input.metrics.map(rateOf))));
    const throttled = input.networkThrottledBytes?.[direction] ?? 0;
    const over = measured > limitMbps * (1 + options.rateTolerance);
    if (throttled <= 0 && !over) continue;
    // Drops mean the kernel held the child at the limit; a rate above it means the limiter is not in force.
    const enforced = throttled > 0 && !over && (input.enforcement?.network ?? true);
    breaches.push({
      kind: 'network_limit',
      profileId: input.profileId,
      severity: enforced ? 'info' : 'warning',
      subject: direction,
      message: enforced
        ? `${direction} held at the ${limitMbps} Mbps limit (${mb(throttled)} MB throttled)`
        : `${direction} ran at ${measured} Mbps, over the ${limitMbps} Mbps limit`,
      measured,
      limit: limitMbps,
      unit: 'Mbps',
      pid: null,
      comm: null,
      timeMs: input.nowMs,
      enforced,
    });
  }
  return breaches;
}

function blockedApps(input: PolicyInput, events: MonitorEvent[]): Breach[] {
  const breach = (pid: number, comm: string, app: string, timeMs: number, how: string): Breach => ({
    kind: 'blocked_app',
    profileId: input.profileId,
    severity: 'warning',
    subject: app,
    message: `${app} is blocked: ${how} (pid ${pid})`,
    measured: 1,
    limit: 0,
    unit: 'launches',
    pid,
    comm,
    timeMs,
    enforced: true,
  });
  const decided = (input.blockDecisions ?? []).filter(
    (d): d is Extract<ExecDecision, { action: 'killed' }> => d.action === 'killed' && d.profileId === input.profileId,
  );
  const out = decided.map((d) =>
    breach(
      d.pid,
      d.comm,
      d.app.name,
      d.timeMs,
      d.by === 'kernel' ? 'stopped at launch' : `a copy (${d.filename}) was stopped at launch`,
    ),
  );
  // A kernel kill the helper could not attribute to a rule (e.g. just after a restart) is still reported.
  const decidedPids = new Set(decided.map((d) => d.pid));
  for (const e of events) {
    if (e.type === 'process_exec' && e.enforcement === 'killed_blocked' && !decidedPids.has(e.pid)) {
      out.push(breach(e.pid, e.comm, basename(e.filename), e.timeMs, 'stopped at launch'));
    }
  }
  return out;
}
