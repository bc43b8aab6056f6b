// What the pipeline needs from the store, and what it tells the policy layer and subscribers.
import type { MemorySample } from '../../shared/events.js';
import type { LiveMetrics } from '../../shared/model.js';
import type { StoredKernelEvent } from '../store/events.js';
import type { UsageDelta } from '../store/rollup-buckets.js';

/** The part of the store's BatchWriter the pipeline writes through; tests may pass a recording fake. */
export interface UsageSink {
  append(event: StoredKernelEvent): void;
  appendMemorySample(sample: MemorySample): void;
  addUsage(profileId: number, comm: string, timeMs: number, delta: UsageDelta): void;
  addActiveTime(profileId: number, comm: string, fromMs: number, toMs: number): void;
  flushIfDue(nowMs: number): unknown;
}

/** Disk bandwidth of a profile stayed at or above the threshold for the sustained time. Once per episode. */
export interface ExcessiveIoNotice {
  type: 'excessive_io';
  profileId: number;
  timeMs: number;
  /** Mean read + write rate since the episode began. */
  bytesPerSecond: number;
  thresholdBytesPerSecond: number;
  sinceMs: number;
  sustainedMs: number;
  /** The process that moved the most bytes in the last interval. */
  topProcess: { pid: number; comm: string; bytesPerSecond: number } | null;
}

/** The kernel killed a process over max_process_memory_mb. */
export interface MemoryLimitKillNotice {
  type: 'memory_limit_kill';
  profileId: number;
  timeMs: number;
  pid: number;
  comm: string;
  rssBytes: number;
  limitBytes: number;
}

export type PipelineNotice = ExcessiveIoNotice | MemoryLimitKillNotice;

export interface PipelineEvents {
  excessive_io: ExcessiveIoNotice;
  memory_limit_kill: MemoryLimitKillNotice;
  /** Each watched profile's numbers after every tick. */
  metrics: LiveMetrics;
}

/** One live process, for a per-process view. Rates are per second over the last tick. */
export interface ProcessMetrics {
  pid: number;
  comm: string;
  uid: number;
  firstSeenMs: number;
  rssBytes: number;
  peakRssBytes: number;
  uploadBytes: number;
  downloadBytes: number;
  uploadBytesPerSecond: number;
  downloadBytesPerSecond: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  diskReadBytesPerSecond: number;
  diskWriteBytesPerSecond: number;
}

export interface PipelineStats {
  eventsHandled: number;
  ignoredUnwatched: number;
  ticks: number;
  trackedProcesses: number;
}
