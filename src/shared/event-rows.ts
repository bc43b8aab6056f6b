// Stored events as reports and clients read them back: one row shape per table. The helper's store writes these
// tables and the protocol's events.query returns these rows.
import type { DiskOperation } from './events.js';

export type EventTable = 'process' | 'file' | 'network' | 'memory' | 'disk_io';
export const EVENT_TABLES: readonly EventTable[] = ['process', 'file', 'network', 'memory', 'disk_io'];

export interface EventRowBase {
  id: number;
  profileId: number;
  timeMs: number;
  pid: number;
  uid: number;
  comm: string;
}

export interface ProcessEventRow extends EventRowBase {
  kind: 'exec' | 'exit';
  ppid: number;
  filename: string | null;
  args: string[] | null;
  argsTruncated: boolean | null;
  enforcement: 'none' | 'killed_blocked' | 'killed_denied' | 'held' | null;
  exitCode: number | null;
  exitSignal: number | null;
  lifetimeNs: number | null;
}

export interface FileEventRow extends EventRowBase {
  kind: 'open' | 'close' | 'unlink';
  filename: string | null;
  flags: number | null;
  result: number | null;
  fd: number | null;
  ino: number | null;
  dirfd: number | null;
}

export interface NetworkEventRow extends EventRowBase {
  family: 'ipv4' | 'ipv6';
  sourceAddress: string;
  sourcePort: number;
  destinationAddress: string;
  destinationPort: number;
  established: boolean;
  connectLatencyNs: number;
}

/** One process's memory over one stored interval: the latest gauges and the interval's allocation totals. */
export interface MemoryEventRow extends EventRowBase {
  rssBytes: number;
  vmsBytes: number;
  sharedBytes: number;
  swapBytes: number;
  peakRssBytes: number;
  kmallocBytes: number;
  kfreeBytes: number;
  pageAllocBytes: number;
  pageFreeBytes: number;
}

export interface DiskIoEventRow extends EventRowBase {
  devMajor: number;
  devMinor: number;
  operation: DiskOperation;
  sector: number;
  sectors: number;
  bytes: number;
  latencyNs: number;
  queueLatencyNs: number;
  error: number;
}

export interface EventRowByTable {
  process: ProcessEventRow;
  file: FileEventRow;
  network: NetworkEventRow;
  memory: MemoryEventRow;
  disk_io: DiskIoEventRow;
}

export type EventRow = EventRowByTable[EventTable];
