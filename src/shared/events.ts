// Decoded monitor events: what the helper's pipeline, the store and every client see. The kernel's byte layout
// is bpf/events.h; src/helper/bpf/decoders.ts turns its records into these objects. All numbers are JS numbers:
// inode numbers, sectors and nanosecond durations stay far below 2^53 in practice, and JSON and SQLite want them so.

export const MONITOR_NAMES = [
  'process-monitor',
  'filesystem-monitor',
  'network-monitor',
  'memory-monitor',
  'disk-io-monitor',
] as const;
export type MonitorName = (typeof MONITOR_NAMES)[number];

/** Who did it: common to every event. `timeMs` is wall-clock epoch milliseconds. */
export interface EventOrigin {
  timeMs: number;
  pid: number;
  tid: number;
  uid: number;
  gid: number;
  profileId: number;
  comm: string;
}

export interface ProcessExecEvent extends EventOrigin {
  type: 'process_exec';
  ppid: number;
  filename: string;
  args: string[];
  argsTruncated: boolean;
  exe: { dev: number; ino: number; sizeBytes: number };
  /** What the kernel did at exec: nothing, killed (blocked program / outside allowed hours), or held for a check. */
  enforcement: 'none' | 'killed_blocked' | 'killed_denied' | 'held';
}

export interface ProcessExitEvent extends EventOrigin {
  type: 'process_exit';
  ppid: number;
  exitCode: number;
  exitSignal: number;
  lifetimeNs: number;
}

export interface FsOpenEvent extends EventOrigin {
  type: 'fs_open';
  filename: string;
  flags: number;
  /** fd on success, -errno on failure */
  result: number;
}

export interface FsCloseEvent extends EventOrigin {
  type: 'fs_close';
  fd: number;
  ino: number;
}

export interface FsUnlinkEvent extends EventOrigin {
  type: 'fs_unlink';
  filename: string;
  dirfd: number;
  flags: number;
}

export interface NetConnectEvent extends EventOrigin {
  type: 'net_connect';
  family: 'ipv4' | 'ipv6';
  sourceAddress: string;
  sourcePort: number;
  destinationAddress: string;
  destinationPort: number;
  established: boolean;
  connectLatencyNs: number;
}

export interface MemoryLimitKillEvent extends EventOrigin {
  type: 'memory_limit_kill';
  rssBytes: number;
  limitBytes: number;
}

export type DiskOperation = 'read' | 'write' | 'flush' | 'discard' | 'other';

export interface DiskIoEvent extends EventOrigin {
  type: 'disk_io';
  devMajor: number;
  devMinor: number;
  sector: number;
  sectors: number;
  operation: DiskOperation;
  bytes: number;
  latencyNs: number;
  queueLatencyNs: number;
  error: number;
  rwbs: string;
}

/** One record from a ring buffer. */
export type KernelEvent =
  | ProcessExecEvent
  | ProcessExitEvent
  | FsOpenEvent
  | FsCloseEvent
  | FsUnlinkEvent
  | NetConnectEvent
  | MemoryLimitKillEvent
  | DiskIoEvent;

/** Identity of a process in an aggregate sample. */
export interface SampleOrigin {
  timeMs: number;
  pid: number;
  uid: number;
  profileId: number;
  comm: string;
  /** true when this is the process's last sample (it exited). */
  final: boolean;
}

/** Per-process deltas since the previous sample, read from the monitors' aggregate maps. */
export interface FsIoSample extends SampleOrigin {
  type: 'fs_io';
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
  opens: number;
}

export interface NetIoSample extends SampleOrigin {
  type: 'net_io';
  txBytes: number;
  rxBytes: number;
  txCalls: number;
  rxCalls: number;
}

export interface MemorySample extends SampleOrigin {
  type: 'memory';
  /** deltas since the previous sample */
  kmallocBytes: number;
  kmallocCount: number;
  kfreeBytes: number;
  kfreeCount: number;
  pageAllocBytes: number;
  pageFreeBytes: number;
  /** current values */
  rssBytes: number;
  vmsBytes: number;
  sharedBytes: number;
  swapBytes: number;
  peakRssBytes: number;
}

export type AggregateSample = FsIoSample | NetIoSample | MemorySample;

export type MonitorEvent = KernelEvent | AggregateSample;

export type MonitorState = 'ok' | 'degraded' | 'failed' | 'disabled';

/** Per-monitor health, as `--check`, the protocol and the UI report it. */
export interface MonitorStatus {
  name: MonitorName;
  state: MonitorState;
  /** Why it is degraded, failed or disabled; empty when ok. */
  reasons: string[];
  probesAttached: number;
  probesTotal: number;
  /** Probes left detached because nothing needs them now (not a fault), and what they are for; 0 and null if none. */
  probesIdle: number;
  idleNote: string | null;
  recordsSubmitted: number;
  recordsDropped: number;
  aggregateMapFull: number;
  eventsPerSecond: number;
}

/** "5 / 9 (4 idle)": how the UI, the CLI and --check show a monitor's probes. */
export function formatProbes(status: MonitorStatus, separator = ' / '): string {
  const idle = status.probesIdle ? ` (${status.probesIdle} idle)` : '';
  return `${status.probesAttached}${separator}${status.probesTotal}${idle}`;
}
