// The live processes of watched profiles: who is running, under which application name, and their latest memory.
// Bounded: exits and final samples remove a process at once, processes silent for `staleProcessMs` (their exit
// record was lost) are given up at the next tick, and past `maxProcesses` the least recently seen goes first.
import type { EventOrigin, SampleOrigin } from '../../shared/events.js';
import { ActiveTime, type CreditActiveTime } from './active-time.js';
import { IoMeter } from './io-meter.js';

export interface TrackedProcess {
  pid: number;
  profileId: number;
  uid: number;
  comm: string;
  firstSeenMs: number;
  lastSeenMs: number;
  rssBytes: number;
  peakRssBytes: number;
  io: IoMeter;
}

export interface ProcessTrackerOptions {
  /** Default 30 minutes: far longer than any sample interval, short enough to stop crediting a lost exit. */
  staleProcessMs?: number;
  /** Default 32 768. */
  maxProcesses?: number;
  /** How long an exited pid is remembered so its late samples do not bring it back. Default 10 000. */
  exitedGraceMs?: number;
}

export class ProcessTracker {
  /** Map order is least recently seen first: `touch` re-inserts. */
  private readonly byPid = new Map<number, TrackedProcess>();
  private readonly recentlyExited = new Map<number, number>();
  private readonly activeTime: ActiveTime;
  private readonly staleProcessMs: number;
  private readonly maxProcesses: number;
  private readonly exitedGraceMs: number;

  constructor(credit: CreditActiveTime, options: ProcessTrackerOptions = {}) {
    this.activeTime = new ActiveTime(credit);
    this.staleProcessMs = options.staleProcessMs ?? 30 * 60_000;
    this.maxProcesses = options.maxProcesses ?? 32_768;
    this.exitedGraceMs = options.exitedGraceMs ?? 10_000;
  }

  get size(): number {
    return this.byPid.size;
  }

  get(pid: number): TrackedProcess | undefined {
    return this.byPid.get(pid);
  }

  /** exec replaces the program: a new application for the same pid (and a pid reused after an exit). */
  exec(origin: EventOrigin): TrackedProcess {
    this.recentlyExited.delete(origin.pid);
    const known = this.byPid.get(origin.pid);
    if (known && known.profileId === origin.profileId) {
      this.rename(known, origin.comm, origin.timeMs);
      return this.touch(known, origin);
    }
    if (known) this.remove(known, origin.timeMs);
    return this.register(origin);
  }

  exit(pid: number, timeMs: number): TrackedProcess | undefined {
    const known = this.byPid.get(pid);
    if (known) this.remove(known, timeMs);
    this.recentlyExited.set(pid, timeMs);
    return known;
  }

  /**
   * The process an event or sample is about, registering one first seen now (it started before the helper, or
   * forked without exec). A pid that just exited is not brought back; its late data still counts for the profile.
   */
  observe(origin: EventOrigin | SampleOrigin): TrackedProcess | undefined {
    const known = this.byPid.get(origin.pid);
    if (known && known.profileId === origin.profileId) {
      if (known.comm !== origin.comm) this.rename(known, origin.comm, origin.timeMs);
      return this.touch(known, origin);
    }
    if (known) this.remove(known, origin.timeMs);
    if (this.recentlyExited.has(origin.pid)) return undefined;
    if ('final' in origin && origin.final) return undefined;
    return this.register(origin);
  }

  processesOf(profileId: number): TrackedProcess[] {
    return [...this.byPid.values()].filter((process) => process.profileId === profileId);
  }

  all(): IterableIterator<TrackedProcess> {
    return this.byPid.values();
  }

  /** Credits active time up to `nowMs` and drops stale processes and old exit records. */
  tick(nowMs: number): void {
    for (const process of this.byPid.values()) {
      if (nowMs - process.lastSeenMs > this.staleProcessMs) this.remove(process, process.lastSeenMs);
    }
    for (const [pid, exitedMs] of this.recentlyExited) {
      if (nowMs - exitedMs > this.exitedGraceMs) this.recentlyExited.delete(pid);
    }
    this.activeTime.creditAll(nowMs);
  }

  private register(origin: EventOrigin | SampleOrigin): TrackedProcess {
    if (this.byPid.size >= this.maxProcesses) {
      const leastRecent = this.byPid.values().next().value;
      if (leastRecent) this.remove(leastRecent, leastRecent.lastSeenMs);
    }
    const process: TrackedProcess = {
      pid: origin.pid,
      profileId: origin.profileId,
      uid: origin.uid,
      comm: origin.comm,
      firstSeenMs: origin.timeMs,
      lastSeenMs: origin.timeMs,
      rssBytes: 0,
      peakRssBytes: 0,
      io: new IoMeter(),
    };
    this.byPid.set(process.pid, process);
    this.activeTime.start(process.profileId, process.comm, origin.timeMs);
    return process;
  }

  private touch(process: TrackedProcess, origin: EventOrigin | SampleOrigin): TrackedProcess {
    process.lastSeenMs = Math.max(process.lastSeenMs, origin.timeMs);
    process.uid = origin.uid;
    this.byPid.delete(process.pid);
    this.byPid.set(process.pid, process);
    return process;
  }

  private rename(process: TrackedProcess, comm: string, timeMs: number): void {
    if (process.comm === comm) return;
    this.activeTime.stop(process.profileId, process.comm, timeMs);
    process.comm = comm;
    this.activeTime.start(process.profileId, comm, timeMs);
  }

  private remove(process: TrackedProcess, timeMs: number): void {
    this.byPid.delete(process.pid);
    this.activeTime.stop(process.profileId, process.comm, timeMs);
  }
}
