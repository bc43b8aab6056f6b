// What each of the five monitors is made of: its BPF object, its ring buffer, and its aggregate map if any.
import type { MonitorName } from '../../shared/events.js';
import { FS_IO, MEMORY, NET_IO, type AggregateKind } from './aggregates.js';

export interface MonitorDefinition {
  name: MonitorName;
  objectFile: string;
  ringBuffer: string;
  aggregate: AggregateKind | null;
  /** Maps (besides the ring buffer) that `bpftool map list` should show, for docs and the check command. */
  maps: string[];
  /**
   * Programs loaded with the rest but attached only while some watched account needs them (MonitorSet decides):
   * they run on every allocation on the machine, a cost nobody should pay for counters no limit reads.
   */
  onDemand?: { programs: string[]; idleNote: string };
}

export const MONITOR_DEFINITIONS: readonly MonitorDefinition[] = [
  {
    name: 'process-monitor',
    objectFile: 'process-monitor.bpf.o',
    ringBuffer: 'PROCESS_EVENTS',
    aggregate: null,
    maps: ['CMDLINE_BUF', 'BLOCKED_EXES', 'BLOCKED_SIZES'],
  },
  {
    name: 'filesystem-monitor',
    objectFile: 'filesystem-monitor.bpf.o',
    ringBuffer: 'FS_EVENTS',
    aggregate: FS_IO,
    maps: ['FILENAME_BUF', 'FS_IO_STATS'],
  },
  {
    name: 'network-monitor',
    objectFile: 'network-monitor.bpf.o',
    ringBuffer: 'NETWORK_EVENTS',
    aggregate: NET_IO,
    maps: ['NET_IO_STATS'],
  },
  {
    name: 'memory-monitor',
    objectFile: 'memory-monitor.bpf.o',
    ringBuffer: 'MEMORY_EVENTS',
    aggregate: MEMORY,
    maps: ['MEM_STATS', 'ALLOC_SIZES'],
    onDemand: {
      programs: ['handle_kmalloc', 'handle_kfree', 'handle_pg_alloc', 'handle_pg_free'],
      idleNote: 'the allocation counters (kmalloc, kfree, pages) attach while a profile has a kernel-allocation limit',
    },
  },
  {
    name: 'disk-io-monitor',
    objectFile: 'disk-io-monitor.bpf.o',
    ringBuffer: 'DISK_IO_EVENTS',
    aggregate: null,
    maps: ['PENDING_IO'],
  },
];

export function monitorDefinition(name: string): MonitorDefinition | undefined {
  return MONITOR_DEFINITIONS.find((m) => m.name === name);
}
