// Baseline against monitored, interleaved: each round runs every workload once with no DOTS programs loaded
// (baseline: no helper) and, right before or after, once with the real helper started for it and the child
// watched (monitored). The order alternates (A B, B A, …) so a drift of the machine (page cache, thermal, a
// neighbour's load) falls on both cases alike.
import type { TestAccount } from '../support/accounts.js';
import { HelperProcess } from './helper-process.js';
import { otherTracingPrograms, programStats, type ProgramStats } from './probes.js';
import { Sampler, type Sample, type WindowResult } from './sampler.js';
import { compareThroughput, max, median, type Comparison } from './stats.js';
import { runSysbenchCpu } from './workloads/cpu.js';
import { runFioSequentialWrite } from './workloads/io.js';
import { runIperf3Loopback } from './workloads/net.js';
import { runStressMix } from './workloads/stress.js';

export interface Durations {
  cpuSeconds: number;
  ioSeconds: number;
  ioFileBytes: number;
  netSeconds: number;
  stressSeconds: number;
}

export interface CompareOptions {
  rounds: number;
  workloads: readonly WorkloadId[];
  helperNice: number;
  bpfDir: string | null;
  durations: Durations;
  child: TestAccount;
  other: TestAccount;
  /** World-writable, on the root filesystem (fio and stress-ng files). */
  workDir: string;
  /** The helper's database and socket. */
  helperDir: string;
  helperLog: string;
  /** Collect per-program kernel time (needs kernel.bpf_stats_enabled=1) and a V8 CPU profile of the helper. */
  profile: boolean;
  cpuProfileDir?: string;
  runStartMs: number;
  progress: (line: string) => void;
}

export const WORKLOAD_IDS = ['cpu', 'io', 'netWatched', 'netUnwatched', 'stress'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

interface Workload {
  id: WorkloadId;
  title: string;
  unit: string;
  runAs: 'child' | 'other';
  /** The helper is asked for its counters only at the start and end (see Sampler): the slowdown workloads. */
  quiet: boolean;
  run(account: TestAccount): Promise<{ value: number; detail?: Record<string, number> }>;
}

export interface WorkloadComparison extends Comparison {
  title: string;
  unit: string;
  runAs: string;
  /** The helper during this workload (monitored rounds). */
  helperCpuPercentMedian: number;
  /** Runnable but not running: how starved of CPU the helper was. */
  helperRunQueueWaitPercentMedian: number;
  recordsPerSecondMedian: number;
}

export interface KernelProgramCost {
  name: string;
  attachment: string;
  runCount: number;
  averageNs: number;
  /** Kernel time spent in the program per second of workload, in % of one CPU. */
  cpuPercent: number;
}

export interface CompareResult {
  rounds: number;
  durations: Durations;
  /** Only the workloads that ran (all unless --workloads chose). */
  workloads: Partial<Record<WorkloadId, WorkloadComparison>>;
  stressDetail: { baseline: Array<Record<string, number>>; monitored: Array<Record<string, number>> };
  eventRate: {
    recordsPerSecondMedian: number;
    recordsPerSecondMax: number;
    byMonitor: Record<string, { recordsPerSecondMedian: number; dropped: number }>;
    dropsTotal: number;
    pendingIoPeak: number;
    pendingIoMedian: number;
    /** Slowest answer of the helper to monitors.list during the workload: does the flood starve its socket? */
    maxAnswerMs: number;
  };
  helper: {
    cpuPercentMedian: number;
    cpuPercentMax: number;
    rssMedianBytes: number;
    rssMaxBytes: number;
    samples: number;
  };
  /** Tracing BPF programs of others (another helper, a test) loaded during the baseline: they skew it. */
  otherTracingProgramsDuringBaseline: number;
  kernelPrograms: Partial<Record<WorkloadId, KernelProgramCost[]>>;
  timeline: Sample[];
}

function workloads(options: CompareOptions): Workload[] {
  const d = options.durations;
  return [
    {
      id: 'cpu',
      quiet: true,
      title: 'CPU: sysbench cpu --threads=2',
      unit: 'events/s',
      runAs: 'child',
      run: async (a) => ({ value: (await runSysbenchCpu(a, d.cpuSeconds)).eventsPerSecond }),
    },
    {
      id: 'io',
      quiet: true,
      title: 'I/O: fio sequential write, 1 MiB, O_DIRECT',
      unit: 'MB/s',
      runAs: 'child',
      run: async (a) => {
        const r = await runFioSequentialWrite(a, { dir: options.workDir, fileBytes: d.ioFileBytes, seconds: d.ioSeconds });
        return { value: r.writeBytesPerSecond / 1e6 };
      },
    },
    {
      id: 'netWatched',
      quiet: true,
      title: 'Network: iperf3 loopback, watched child',
      unit: 'Gbit/s',
      runAs: 'child',
      run: async (a) => ({ value: (await runIperf3Loopback(a, { seconds: d.netSeconds })).bitsPerSecond / 1e9 }),
    },
    {
      id: 'netUnwatched',
      quiet: true,
      title: 'Network: iperf3 loopback, unwatched user',
      unit: 'Gbit/s',
      runAs: 'other',
      run: async (a) => ({ value: (await runIperf3Loopback(a, { seconds: d.netSeconds })).bitsPerSecond / 1e9 }),
    },
    {
      id: 'stress',
      // Asked every second: whether the flood delays the helper's answers is part of what it measures.
      quiet: false,
      title: 'Event rate: stress-ng fork/exec/open/mmap/sock/hdd',
      unit: 'bogo-ops/s (geomean)',
      runAs: 'child',
      run: async (a) => {
        const r = await runStressMix(a, { dir: options.workDir, seconds: d.stressSeconds });
        return { value: r.bogoOpsPerSecond, detail: r.byStressor };
      },
    },
  ];
}

function programCosts(before: ProgramStats[], after: ProgramStats[], seconds: number): KernelProgramCost[] {
  return after
    .map((a) => {
      const b = before.find((p) => p.id === a.id);
      const runCount = a.runCount - (b?.runCount ?? 0);
      const runTimeNs = a.runTimeNs - (b?.runTimeNs ?? 0);
      return {
        name: a.name,
        attachment: a.attachment,
        runCount,
        averageNs: runCount ? runTimeNs / runCount : 0,
        cpuPercent: seconds > 0 ? (runTimeNs / (seconds * 1e9)) * 100 : 0,
      };
    })
    .filter((c) => c.runCount > 0)
    .sort((x, y) => y.cpuPercent - x.cpuPercent);
}

/** Sums per-program costs of several rounds (run counts add up, cpu % and averages are re-weighted). */
function mergeCosts(rounds: KernelProgramCost[][]): KernelProgramCost[] {
  const byKey = new Map<string, KernelProgramCost & { totalNs: number }>();
  for (const round of rounds) {
    for (const c of round) {
      const key = `${c.name}@${c.attachment}`;
      const entry = byKey.get(key) ?? { ...c, runCount: 0, averageNs: 0, cpuPercent: 0, totalNs: 0 };
      entry.runCount += c.runCount;
      entry.totalNs += c.averageNs * c.runCount;
      entry.cpuPercent += c.cpuPercent / rounds.length;
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()]
    .map(({ totalNs, ...c }) => ({ ...c, averageNs: c.runCount ? totalNs / c.runCount : 0 }))
    .sort((x, y) => y.cpuPercent - x.cpuPercent);
}

export async function runComparison(options: CompareOptions): Promise<CompareResult> {
  const list = workloads(options).filter((w) => options.workloads.includes(w.id));
  const baseline = new Map<WorkloadId, number[]>(list.map((w) => [w.id, []]));
  const monitored = new Map<WorkloadId, number[]>(list.map((w) => [w.id, []]));
  const windows = new Map<WorkloadId, WindowResult[]>(list.map((w) => [w.id, []]));
  const programRounds = new Map<WorkloadId, KernelProgramCost[][]>(list.map((w) => [w.id, []]));
  const stressDetail: CompareResult['stressDetail'] = { baseline: [], monitored: [] };
  const timeline: Sample[] = [];
  let otherPrograms = 0;

  const account = (w: Workload) => (w.runAs === 'child' ? options.child : options.other);

  const runBaseline = async (round: number, w: Workload) => {
    otherPrograms = Math.max(otherPrograms, otherTracingPrograms());
    const result = await w.run(account(w));
    baseline.get(w.id)!.push(result.value);
    if (w.id === 'stress' && result.detail) stressDetail.baseline.push(result.detail);
    options.progress(`round ${round} baseline  ${w.id.padEnd(12)} ${result.value.toFixed(2)} ${w.unit}`);
  };

  const runMonitored = async (round: number, w: Workload) => {
    const helper = await HelperProcess.start({
      dir: options.helperDir,
      logFile: options.helperLog,
      cpuProfileDir: options.profile ? options.cpuProfileDir : undefined,
      nice: options.helperNice,
      bpfDir: options.bpfDir,
    });
    const sampler = new Sampler(helper, options.runStartMs);
    try {
      await helper.watch(options.child);
      sampler.start();
      await new Promise((r) => setTimeout(r, 1000)); // the first sample, and the helper past its start-up work
      const before = options.profile ? programStats(helper.holdings) : [];
      const end = await sampler.window(w.id, { quiet: w.quiet });
      const result = await w.run(account(w));
      const window = await end();
      if (options.profile) programRounds.get(w.id)!.push(programCosts(before, programStats(helper.holdings), window.seconds));
      monitored.get(w.id)!.push(result.value);
      windows.get(w.id)!.push(window);
      if (w.id === 'stress' && result.detail) stressDetail.monitored.push(result.detail);
      options.progress(
        `round ${round} monitored ${w.id.padEnd(12)} ${result.value.toFixed(2)} ${w.unit}` +
          `  (helper ${window.helperCpuPercent.toFixed(1)} % CPU, ${Math.round(window.recordsPerSecond)} records/s,` +
          ` ${window.recordsDropped} dropped, PENDING_IO peak ${window.pendingIoPeak ?? 'n/a'},` +
          ` helper waited for a CPU ${window.helperRunQueueWaitPercent.toFixed(1)} % of the time,` +
          ` answered within ${window.maxAnswerMs} ms)`,
      );
    } finally {
      await sampler.stop();
      timeline.push(...sampler.samples);
      await helper.stop();
    }
  };

  // A workload's two runs sit next to each other (the helper starts and stops around the monitored one), so a
  // round's ratio only sees the machine's drift over seconds: this VM's loopback throughput wanders by 30 % over
  // minutes. The order alternates between rounds and workloads.
  for (let round = 1; round <= options.rounds; round++) {
    for (const [index, w] of list.entries()) {
      if ((round + index) % 2 === 1) {
        await runBaseline(round, w);
        await runMonitored(round, w);
      } else {
        await runMonitored(round, w);
        await runBaseline(round, w);
      }
    }
  }

  const all = [...windows.values()].flat();
  const stressWindows = windows.get('stress') ?? [];
  const monitorNames = Object.keys(stressWindows[0]?.byMonitor ?? {});
  const pendingPeaks = all.map((w) => w.pendingIoPeak).filter((n): n is number => n !== null);
  const pendingMedians = all.map((w) => w.pendingIoMedian).filter((n): n is number => n !== null);

  return {
    rounds: options.rounds,
    durations: options.durations,
    workloads: Object.fromEntries(
      list.map((w) => [
        w.id,
        {
          ...compareThroughput(baseline.get(w.id)!, monitored.get(w.id)!),
          title: w.title,
          unit: w.unit,
          runAs: w.runAs === 'child' ? 'watched child' : 'unwatched user',
          helperCpuPercentMedian: median(windows.get(w.id)!.map((x) => x.helperCpuPercent)),
          helperRunQueueWaitPercentMedian: median(windows.get(w.id)!.map((x) => x.helperRunQueueWaitPercent)),
          recordsPerSecondMedian: median(windows.get(w.id)!.map((x) => x.recordsPerSecond)),
        },
      ]),
    ),
    stressDetail,
    eventRate: {
      recordsPerSecondMedian: median(stressWindows.map((w) => w.recordsPerSecond)),
      recordsPerSecondMax: max(stressWindows.map((w) => w.recordsPerSecond)),
      byMonitor: Object.fromEntries(
        monitorNames.map((name) => [
          name,
          {
            recordsPerSecondMedian: median(stressWindows.map((w) => w.byMonitor[name]?.recordsPerSecond ?? 0)),
            dropped: stressWindows.reduce((n, w) => n + (w.byMonitor[name]?.dropped ?? 0), 0),
          },
        ]),
      ),
      dropsTotal: stressWindows.reduce((n, w) => n + w.recordsDropped, 0),
      pendingIoPeak: pendingPeaks.length ? max(pendingPeaks) : Number.NaN,
      pendingIoMedian: median(pendingMedians),
      maxAnswerMs: max(stressWindows.map((w) => w.maxAnswerMs)),
    },
    helper: {
      cpuPercentMedian: median(timeline.map((s) => s.cpuPercent)),
      cpuPercentMax: max(timeline.map((s) => s.cpuPercent)),
      rssMedianBytes: median(timeline.map((s) => s.rssBytes)),
      rssMaxBytes: max([...timeline.map((s) => s.rssBytes), ...all.map((w) => w.helperRssMaxBytes)]),
      samples: timeline.length,
    },
    otherTracingProgramsDuringBaseline: otherPrograms,
    kernelPrograms: options.profile
      ? Object.fromEntries([...programRounds].map(([id, rounds]) => [id, mergeCosts(rounds)]))
      : {},
    timeline,
  };
}
