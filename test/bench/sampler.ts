// Samples a running helper once a second — its CPU %, RSS, records/s delivered by all monitors, drops and the
// PENDING_IO size — into a timeline for the chart, and measures windows (one workload) from snapshots taken at the
// window's start and end.
// A quiet window asks the helper nothing between its start and end (CPU and RSS come from /proc, PENDING_IO from the
// map): a question a second costs the helper and this process about 1 % of a core, which would be counted as the
// monitors' overhead in a slowdown whose target is 1 %.
import type { MonitorStatus } from '../../src/shared/events.js';
import type { HelperProcess } from './helper-process.js';
import { processCpuMs, processRssBytes, processRunQueueWaitMs } from './probes.js';
import { max, median, ratePerSecond } from './stats.js';

export interface Sample {
  /** Since the start of the whole benchmark run. */
  tMs: number;
  phase: string;
  rssBytes: number;
  /** Of one core, over the last interval. */
  cpuPercent: number;
  /** NaN in a quiet window (the helper is not asked). */
  recordsPerSecond: number;
  /** Cumulative drops of all monitors since the helper started (as last asked). */
  recordsDropped: number;
  pendingIoEntries: number | null;
  /** How long the helper took to answer monitors.list; NaN in a quiet window. */
  answerMs: number;
}

interface Snapshot {
  atMs: number;
  cpuMs: number;
  waitMs: number;
  /** How long monitors.list took to answer: the helper's responsiveness. */
  answerMs: number;
  statuses: MonitorStatus[];
}

export interface MonitorDelta {
  records: number;
  dropped: number;
  recordsPerSecond: number;
}

export interface WindowResult {
  seconds: number;
  helperCpuPercent: number;
  /** Time the helper's threads were runnable but waiting for a CPU, in % of the window: starvation. */
  helperRunQueueWaitPercent: number;
  helperRssMaxBytes: number;
  recordsPerSecond: number;
  recordsDropped: number;
  byMonitor: Record<string, MonitorDelta>;
  pendingIoPeak: number | null;
  pendingIoMedian: number | null;
  /** Slowest answer to monitors.list in the window. */
  maxAnswerMs: number;
}

/** Long: under a flood of records a starved helper answers late, and the answer is still wanted. */
const STATUS_TIMEOUT_MS = 60_000;

const sum = (statuses: MonitorStatus[], field: 'recordsSubmitted' | 'recordsDropped') =>
  statuses.reduce((n, s) => n + s[field], 0);

export class Sampler {
  readonly samples: Sample[] = [];
  /** Samples the helper did not answer in time for. */
  readonly missed: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private last: Snapshot | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private quiet = false;
  phase = '';

  constructor(
    private readonly helper: HelperProcess,
    private readonly runStartMs: number,
    private readonly intervalMs = 1000,
  ) {}

  private async snapshot(): Promise<Snapshot> {
    const cpuMs = processCpuMs(this.helper.pid);
    const waitMs = processRunQueueWaitMs(this.helper.pid);
    const asked = Date.now();
    const statuses = await this.helper.monitorStatuses(STATUS_TIMEOUT_MS);
    return { atMs: Date.now(), cpuMs, waitMs, answerMs: Date.now() - asked, statuses };
  }

  start(): void {
    this.running = true;
    const loop = () => {
      if (!this.running) return;
      this.ticking = this.tick().finally(() => {
        if (this.running) this.timer = setTimeout(loop, this.intervalMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  private async tick(): Promise<void> {
    let now: Snapshot;
    if (this.quiet) {
      // From /proc alone: the counters stay those last asked for.
      if (!this.last) return;
      now = { ...this.last, atMs: Date.now(), cpuMs: processCpuMs(this.helper.pid), answerMs: Number.NaN };
    } else {
      try {
        now = await this.snapshot();
      } catch (error) {
        // A helper too busy to answer within the call's limit is a finding, not a reason to stop measuring.
        this.missed.push(`${new Date().toISOString()}: ${(error as Error).message}`);
        return;
      }
    }
    const previous = this.last;
    this.last = now;
    if (!previous) return;
    const elapsedMs = now.atMs - previous.atMs;
    const submitted = (snapshot: Snapshot) => sum(snapshot.statuses, 'recordsSubmitted');
    this.samples.push({
      tMs: now.atMs - this.runStartMs,
      phase: this.phase,
      rssBytes: processRssBytes(this.helper.pid),
      cpuPercent: (ratePerSecond(previous.cpuMs, now.cpuMs, elapsedMs) / 1000) * 100,
      recordsPerSecond: this.quiet ? Number.NaN : ratePerSecond(submitted(previous), submitted(now), elapsedMs),
      recordsDropped: sum(now.statuses, 'recordsDropped'),
      pendingIoEntries: this.helper.pendingIo?.size() ?? null,
      answerMs: now.answerMs,
    });
  }

  /** Measures what happens between now and the returned function's call; `quiet`: without asking the helper. */
  async window(phase: string, { quiet = false } = {}): Promise<() => Promise<WindowResult>> {
    this.phase = phase;
    const begin = await this.snapshot();
    this.quiet = quiet;
    return async () => {
      this.quiet = false;
      const end = await this.snapshot();
      this.last = end;
      const elapsedMs = end.atMs - begin.atMs;
      const inside = this.samples.filter((s) => s.phase === phase && s.tMs >= begin.atMs - this.runStartMs);
      const pending = [...inside.map((s) => s.pendingIoEntries), this.helper.pendingIo?.size() ?? null].filter(
        (n): n is number => n !== null,
      );
      const byMonitor: Record<string, MonitorDelta> = {};
      for (const after of end.statuses) {
        const before = begin.statuses.find((s) => s.name === after.name);
        const records = after.recordsSubmitted - (before?.recordsSubmitted ?? 0);
        byMonitor[after.name] = {
          records,
          dropped: after.recordsDropped - (before?.recordsDropped ?? 0),
          recordsPerSecond: ratePerSecond(0, records, elapsedMs),
        };
      }
      this.phase = '';
      return {
        seconds: elapsedMs / 1000,
        helperCpuPercent: (ratePerSecond(begin.cpuMs, end.cpuMs, elapsedMs) / 1000) * 100,
        helperRunQueueWaitPercent: (ratePerSecond(begin.waitMs, end.waitMs, elapsedMs) / 1000) * 100,
        helperRssMaxBytes: Math.max(processRssBytes(this.helper.pid), ...inside.map((s) => s.rssBytes)),
        recordsPerSecond: ratePerSecond(sum(begin.statuses, 'recordsSubmitted'), sum(end.statuses, 'recordsSubmitted'), elapsedMs),
        recordsDropped: sum(end.statuses, 'recordsDropped') - sum(begin.statuses, 'recordsDropped'),
        byMonitor,
        pendingIoPeak: pending.length ? max(pending) : null,
        pendingIoMedian: pending.length ? median(pending) : null,
        maxAnswerMs: Math.max(begin.answerMs, end.answerMs, ...inside.map((s) => s.answerMs).filter(Number.isFinite)),
      };
    };
  }
}
