// Turns per-process memory samples (one per process per sample interval, and allocation counters that change on
// every kmalloc) into at most one memory_events row per process per interval. Pure: no clock, no I/O.
import type { MemoryEventRow } from '../../shared/event-rows.js';
import type { MemorySample } from '../../shared/events.js';

/** A memory_events row before it has an id: latest gauges, the interval's peak rss and allocation sums. */
export type MemoryIntervalRow = Omit<MemoryEventRow, 'id'>;

interface PidState {
  open: { startMs: number; row: MemoryIntervalRow } | null;
  /** Start of the last interval written for this pid; a late sample for it goes into the next one. */
  lastClosedStartMs: number;
}

export class MemoryIntervals {
  private readonly pids = new Map<number, PidState>();
  private ready: MemoryIntervalRow[] = [];

  constructor(readonly intervalMs: number) {
    if (!(intervalMs > 0)) throw new RangeError(`memory interval must be > 0 ms, got ${intervalMs}`);
  }

  get readyCount(): number {
    return this.ready.length;
  }

  get openCount(): number {
    let open = 0;
    for (const state of this.pids.values()) if (state.open) open++;
    return open;
  }

  add(sample: MemorySample): void {
    let state = this.pids.get(sample.pid);
    if (!state) {
      state = { open: null, lastClosedStartMs: Number.NEGATIVE_INFINITY };
      this.pids.set(sample.pid, state);
    }
    let startMs = Math.max(this.startOf(sample.timeMs), state.lastClosedStartMs + this.intervalMs);
    if (state.open && startMs > state.open.startMs) {
      this.close(state);
    } else if (state.open) {
      startMs = state.open.startMs; // a late sample joins the open interval rather than opening an older one
    }
    if (state.open) merge(state.open.row, sample);
    else state.open = { startMs, row: rowFrom(sample) };

    if (sample.final) {
      this.close(state);
      this.pids.delete(sample.pid);
    }
  }

  /** Closes intervals that ended at or before `nowMs`, and forgets pids idle for two intervals. */
  closeEnded(nowMs: number): void {
    for (const [pid, state] of this.pids) {
      if (state.open && state.open.startMs + this.intervalMs <= nowMs) this.close(state);
      if (!state.open && state.lastClosedStartMs + 2 * this.intervalMs <= nowMs) this.pids.delete(pid);
    }
  }

  /** Closes every open interval: at shutdown, when no later sample will come to close them. */
  closeAll(): void {
    for (const state of this.pids.values()) if (state.open) this.close(state);
  }

  takeReady(): MemoryIntervalRow[] {
    const rows = this.ready;
    this.ready = [];
    return rows;
  }

  /** Puts back rows a failed write took. */
  restore(rows: MemoryIntervalRow[]): void {
    this.ready = rows.concat(this.ready);
  }

  private close(state: PidState): void {
    if (!state.open) return;
    this.ready.push(state.open.row);
    state.lastClosedStartMs = state.open.startMs;
    state.open = null;
  }

  private startOf(timeMs: number): number {
    return Math.floor(timeMs / this.intervalMs) * this.intervalMs;
  }
}

function rowFrom(sample: MemorySample): MemoryIntervalRow {
  return {
    profileId: sample.profileId,
    timeMs: sample.timeMs,
    pid: sample.pid,
    uid: sample.uid,
    comm: sample.comm,
    rssBytes: sample.rssBytes,
    vmsBytes: sample.vmsBytes,
    sharedBytes: sample.sharedBytes,
    swapBytes: sample.swapBytes,
    peakRssBytes: Math.max(sample.peakRssBytes, sample.rssBytes),
    kmallocBytes: sample.kmallocBytes,
    kfreeBytes: sample.kfreeBytes,
    pageAllocBytes: sample.pageAllocBytes,
    pageFreeBytes: sample.pageFreeBytes,
  };
}

function merge(row: MemoryIntervalRow, sample: MemorySample): void {
  if (sample.timeMs >= row.timeMs) {
    row.timeMs = sample.timeMs;
    row.profileId = sample.profileId;
    row.uid = sample.uid;
    row.comm = sample.comm;
    row.rssBytes = sample.rssBytes;
    row.vmsBytes = sample.vmsBytes;
    row.sharedBytes = sample.sharedBytes;
    row.swapBytes = sample.swapBytes;
  }
  row.peakRssBytes = Math.max(row.peakRssBytes, sample.peakRssBytes, sample.rssBytes);
  row.kmallocBytes += sample.kmallocBytes;
  row.kfreeBytes += sample.kfreeBytes;
  row.pageAllocBytes += sample.pageAllocBytes;
  row.pageFreeBytes += sample.pageFreeBytes;
}
