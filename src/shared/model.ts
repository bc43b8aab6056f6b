// Domain objects shared by helper, CLI, Electron main and renderer. The wire schemas that validate them live in
// protocol.ts; these are the plain shapes.
import type { TimeRules } from './time-rules.js';

/**
 * Limits per child. null means "no limit". Units are in the names and mean exactly:
 * - MB = 1,000,000 bytes (so "500MB" is 500; "1GiB" is 1073.741824);
 * - Mbps = 1,000,000 bits per second; ms = milliseconds.
 */
export interface MemoryLimits {
  /** Kernel allocations (kmalloc + page allocations, net of frees) of one process per sample interval. Alert. */
  max_allocation_mb: number | null;
  /** Resident set size (anon + file + shmem pages) of one process. Over it the process is killed in the kernel. */
  max_process_memory_mb: number | null;
}

export interface DiskIoLimits {
  /** Read + write bandwidth of the child's processes together, averaged over a few seconds. */
  max_bandwidth_mbps: number | null;
  /** Device latency (issue to completion) of the child's requests, p95 over a short window. Alert. */
  max_latency_ms: number | null;
}

export interface NetworkLimits {
  /** Bytes the child's sockets send, limited in the kernel by a token bucket. */
  max_upload_mbps: number | null;
  /** Bytes the child's sockets receive, limited in the kernel by a token bucket. */
  max_download_mbps: number | null;
}

export interface BlockedApp {
  /** What the parent typed: a command name or a path. */
  name: string;
  /** Resolved executable path at the time it was blocked. */
  path: string;
  /** SHA-256 of the executable's content: what identifies the program when copied or renamed. */
  sha256: string;
  sizeBytes: number;
}

export interface Limits {
  memory: MemoryLimits;
  diskIo: DiskIoLimits;
  network: NetworkLimits;
  blockedApps: BlockedApp[];
  /** Allowed hours and daily budgets (time-rules.ts); absent means none (no age group given, or stored before). */
  time?: TimeRules;
}

export const NO_LIMITS: Limits = Object.freeze({
  memory: { max_allocation_mb: null, max_process_memory_mb: null },
  diskIo: { max_bandwidth_mbps: null, max_latency_ms: null },
  network: { max_upload_mbps: null, max_download_mbps: null },
  blockedApps: [],
}) as Limits;

export interface Account {
  uid: number;
  /** Login name when the account exists on this machine. */
  username: string | null;
}

export interface Profile {
  id: number;
  name: string;
  accounts: Account[];
  limits: Limits;
  createdAtMs: number;
  updatedAtMs: number;
}

export type AlertKind =
  | 'memory_limit'
  | 'allocation_limit'
  | 'disk_latency'
  | 'disk_bandwidth'
  | 'excessive_io'
  | 'network_limit'
  | 'blocked_app'
  | 'screen_time'
  | 'allowed_hours';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface Alert {
  id: number;
  profileId: number;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  /** What was measured and the limit it broke, in the unit named. */
  measured: number;
  limit: number;
  unit: string;
  pid: number | null;
  comm: string | null;
  timeMs: number;
  /** Repeats folded into this alert while it was active. */
  occurrences: number;
  acknowledged: boolean;
}

/** Live numbers per child, pushed to subscribers every sample interval. Rates are per second. */
export interface LiveMetrics {
  profileId: number;
  timeMs: number;
  processes: number;
  memory: { rssBytes: number; peakRssBytes: number; kmallocBytesPerSecond: number };
  network: { uploadBytesPerSecond: number; downloadBytesPerSecond: number; uploadBytes: number; downloadBytes: number };
  disk: {
    readBytesPerSecond: number;
    writeBytesPerSecond: number;
    requests: number;
    latencyMeanMs: number;
    latencyP50Ms: number;
    latencyP95Ms: number;
    latencyP99Ms: number;
  };
  files: { readBytesPerSecond: number; writeBytesPerSecond: number; opensPerSecond: number };
}

/** What a usage interval adds up. All counters, except peakRssBytes (the highest value seen). */
export interface UsageCounters {
  activeSeconds: number;
  processesStarted: number;
  netTxBytes: number;
  netRxBytes: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  fileReadBytes: number;
  fileWriteBytes: number;
  peakRssBytes: number;
}

export function zeroUsageCounters(): UsageCounters {
  return {
    activeSeconds: 0,
    processesStarted: 0,
    netTxBytes: 0,
    netRxBytes: 0,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    fileReadBytes: 0,
    fileWriteBytes: 0,
    peakRssBytes: 0,
  };
}

/** Adds `delta` into `into`: counters add up, peakRssBytes keeps the highest. Missing fields add nothing. */
export function addUsageCounters(into: UsageCounters, delta: Partial<UsageCounters>): void {
  into.activeSeconds += delta.activeSeconds ?? 0;
  into.processesStarted += delta.processesStarted ?? 0;
  into.netTxBytes += delta.netTxBytes ?? 0;
  into.netRxBytes += delta.netRxBytes ?? 0;
  into.diskReadBytes += delta.diskReadBytes ?? 0;
  into.diskWriteBytes += delta.diskWriteBytes ?? 0;
  into.fileReadBytes += delta.fileReadBytes ?? 0;
  into.fileWriteBytes += delta.fileWriteBytes ?? 0;
  into.peakRssBytes = Math.max(into.peakRssBytes, delta.peakRssBytes ?? 0);
}

/** One stored usage interval per profile (and per application where `comm` is set). */
export interface UsageRollup extends UsageCounters {
  profileId: number;
  /** Start of the interval, epoch ms; intervals are `intervalMs` long. */
  startMs: number;
  intervalMs: number;
  comm: string | null;
}

/** Live numbers of a child the monitors have not seen active yet: all zero. */
export function idleLiveMetrics(profileId: number, timeMs: number): LiveMetrics {
  return {
    profileId,
    timeMs,
    processes: 0,
    memory: { rssBytes: 0, peakRssBytes: 0, kmallocBytesPerSecond: 0 },
    network: { uploadBytesPerSecond: 0, downloadBytesPerSecond: 0, uploadBytes: 0, downloadBytes: 0 },
    disk: {
      readBytesPerSecond: 0,
      writeBytesPerSecond: 0,
      requests: 0,
      latencyMeanMs: 0,
      latencyP50Ms: 0,
      latencyP95Ms: 0,
      latencyP99Ms: 0,
    },
    files: { readBytesPerSecond: 0, writeBytesPerSecond: 0, opensPerSecond: 0 },
  };
}
