// The leak test: one helper, a steady mixed workload as the watched child for MINUTES, sampled every second.
// RSS drift is the median of the first 5 minutes against the median of the last 5 (thirds of a shorter soak).
// The load is steady, not maximal: every 10 s a short stress-ng mix, a rate-capped direct write and a capped
// iperf3 transfer, so the event rate is realistic-high and the machine stays usable by others.
import type { TestAccount } from '../support/accounts.js';
import { HelperProcess } from './helper-process.js';
import { Sampler, type Sample } from './sampler.js';
import { max, median, windowDrift, type Drift } from './stats.js';
import { runFioSequentialWrite } from './workloads/io.js';
import { runIperf3Loopback } from './workloads/net.js';
import { runStressMix } from './workloads/stress.js';

export const SOAK_WINDOW_MS = 5 * 60_000;
const CYCLE_MS = 10_000;

export interface SoakOptions {
  minutes: number;
  child: TestAccount;
  workDir: string;
  helperDir: string;
  helperLog: string;
  cpuProfileDir?: string;
  helperNice: number;
  bpfDir: string | null;
  runStartMs: number;
  progress: (line: string) => void;
}

export interface SoakResult {
  minutes: number;
  cycles: number;
  rssDrift: Drift;
  rssMedianBytes: number;
  rssMaxBytes: number;
  cpuPercentMedian: number;
  /** Mean over the soak (the load comes in bursts, so a median would mostly see the pauses). */
  recordsPerSecondMean: number;
  recordsDropped: number;
  pendingIoPeak: number;
  pendingIoLast: number;
  timeline: Sample[];
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const helper = await HelperProcess.start({
    dir: options.helperDir,
    logFile: options.helperLog,
    cpuProfileDir: options.cpuProfileDir,
    nice: options.helperNice,
    bpfDir: options.bpfDir,
  });
  const sampler = new Sampler(helper, options.runStartMs);
  sampler.phase = 'soak';
  let cycles = 0;
  try {
    await helper.watch(options.child);
    sampler.start();
    const soakStartMs = Date.now();
    const deadline = soakStartMs + options.minutes * 60_000;
    let lastReport = Date.now();
    while (Date.now() < deadline) {
      const cycleStart = Date.now();
      await runStressMix(options.child, {
        dir: options.workDir,
        seconds: 3,
        stressors: ['fork', 'exec', 'open', 'mmap', 'sock'],
      });
      await runFioSequentialWrite(options.child, {
        dir: options.workDir,
        fileBytes: 64 << 20,
        seconds: 2,
        rateBytesPerSecond: 20 << 20,
      });
      await runIperf3Loopback(options.child, { seconds: 1, bitrate: '200M' });
      cycles++;
      const rest = CYCLE_MS - (Date.now() - cycleStart);
      if (rest > 0) await new Promise((r) => setTimeout(r, Math.min(rest, Math.max(0, deadline - Date.now()))));
      if (Date.now() - lastReport >= 60_000) {
        lastReport = Date.now();
        // The last minute's means: a single sample mostly lands in a cycle's quiet rest.
        const minute = sampler.samples.filter((x) => x.tMs >= (sampler.samples.at(-1)?.tMs ?? 0) - 60_000);
        const s = minute.at(-1);
        if (s) {
          const mean = (pick: (x: Sample) => number) => minute.reduce((n, x) => n + pick(x), 0) / minute.length;
          options.progress(
            `soak ${Math.round((Date.now() - soakStartMs) / 60_000)}/${options.minutes} min: RSS ${(s.rssBytes / 1e6).toFixed(1)} MB, ` +
              `last minute ${mean((x) => x.cpuPercent).toFixed(1)} % CPU and ${Math.round(mean((x) => x.recordsPerSecond))} records/s ` +
              `(means), ${s.recordsDropped} dropped in all`,
          );
        }
      }
    }
  } finally {
    await sampler.stop();
    await helper.stop();
  }

  const samples = sampler.samples;
  const pending = samples.map((s) => s.pendingIoEntries).filter((n): n is number => n !== null);
  return {
    minutes: options.minutes,
    cycles,
    rssDrift: windowDrift(
      samples.map((s) => ({ tMs: s.tMs, value: s.rssBytes })),
      SOAK_WINDOW_MS,
    ),
    rssMedianBytes: median(samples.map((s) => s.rssBytes)),
    rssMaxBytes: max(samples.map((s) => s.rssBytes)),
    cpuPercentMedian: median(samples.map((s) => s.cpuPercent)),
    recordsPerSecondMean: samples.length ? samples.reduce((n, s) => n + s.recordsPerSecond, 0) / samples.length : 0,
    recordsDropped: samples.at(-1)?.recordsDropped ?? 0, // cumulative since this helper started
    pendingIoPeak: pending.length ? max(pending) : Number.NaN,
    pendingIoLast: pending.at(-1) ?? Number.NaN,
    timeline: samples,
  };
}
