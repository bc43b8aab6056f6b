// Turns the cumulative per-process counters of the aggregate maps (FS_IO_STATS, NET_IO_STATS, MEM_STATS) into
// per-interval samples. Pure: the map walk lives in monitor.ts, so this is tested without a kernel.
import type { AggregateSample, FsIoSample, MemorySample, NetIoSample, SampleOrigin } from '../../shared/events.js';
import { fsIoStats, memStats, netIoStats } from './layouts.js';
import type { StructLayout } from './struct-layout.js';

export type RawCounters = Record<string, number | string>;

export interface AggregateKind {
  mapName: string;
  layout: StructLayout;
  /** null when nothing changed since `previous` and the process is still alive. */
  toSample(origin: SampleOrigin, current: RawCounters, previous: RawCounters | undefined): AggregateSample | null;
}

function deltas(fields: string[], current: RawCounters, previous: RawCounters | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  // A counter that went down means the pid was reused by a new process: count from zero.
  const reused = previous !== undefined && fields.some((f) => (current[f] as number) < (previous[f] as number));
  for (const f of fields) out[f] = (current[f] as number) - (previous && !reused ? (previous[f] as number) : 0);
  return out;
}

const allZero = (values: Record<string, number>) => Object.values(values).every((v) => v === 0);

export const FS_IO: AggregateKind = {
  mapName: 'FS_IO_STATS',
  layout: fsIoStats,
  toSample(origin, current, previous): FsIoSample | null {
    const d = deltas(['read_bytes', 'write_bytes', 'reads', 'writes', 'opens'], current, previous);
    if (allZero(d) && !origin.final) return null;
    return {
      type: 'fs_io',
      ...origin,
      readBytes: d.read_bytes!,
      writeBytes: d.write_bytes!,
      reads: d.reads!,
      writes: d.writes!,
      opens: d.opens!,
    };
  },
};

export const NET_IO: AggregateKind = {
  mapName: 'NET_IO_STATS',
  layout: netIoStats,
  toSample(origin, current, previous): NetIoSample | null {
    const d = deltas(['tx_bytes', 'rx_bytes', 'tx_calls', 'rx_calls'], current, previous);
    if (allZero(d) && !origin.final) return null;
    return {
      type: 'net_io',
      ...origin,
      txBytes: d.tx_bytes!,
      rxBytes: d.rx_bytes!,
      txCalls: d.tx_calls!,
      rxCalls: d.rx_calls!,
    };
  },
};

const MEMORY_COUNTERS = ['kmalloc_bytes', 'kmalloc_count', 'kfree_bytes', 'kfree_count', 'page_alloc_bytes', 'page_free_bytes'];
const MEMORY_GAUGES = ['rss_bytes', 'vms_bytes', 'shared_bytes', 'swap_bytes', 'peak_rss_bytes'];

export const MEMORY: AggregateKind = {
  mapName: 'MEM_STATS',
  layout: memStats,
  toSample(origin, current, previous): MemorySample | null {
    const d = deltas(MEMORY_COUNTERS, current, previous);
    const gaugesChanged = !previous || MEMORY_GAUGES.some((g) => current[g] !== previous[g]);
    if (allZero(d) && !gaugesChanged && !origin.final) return null;
    return {
      type: 'memory',
      ...origin,
      kmallocBytes: d.kmalloc_bytes!,
      kmallocCount: d.kmalloc_count!,
      kfreeBytes: d.kfree_bytes!,
      kfreeCount: d.kfree_count!,
      pageAllocBytes: d.page_alloc_bytes!,
      pageFreeBytes: d.page_free_bytes!,
      rssBytes: current.rss_bytes as number,
      vmsBytes: current.vms_bytes as number,
      sharedBytes: current.shared_bytes as number,
      swapBytes: current.swap_bytes as number,
      peakRssBytes: current.peak_rss_bytes as number,
    };
  },
};
