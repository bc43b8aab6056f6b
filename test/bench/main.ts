// `npm run bench`: the seed's Phase 4. Baseline vs monitored comparison (default), a soak (--soak MINUTES) or the
// userspace micro-benchmark alone (--micro). Prints a table on stdout (progress on stderr) and writes the report.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestAccount, removeTestAccount, type TestAccount } from '../support/accounts.js';
import { BPF_OBJECT_DIR } from '../support/kernel.js';
import { runComparison } from './compare.js';
import { BENCH_PROFILE, HELPER_CLI } from './helper-process.js';
import { summariseCpuProfiles } from './cpu-profile.js';
import { runMicroBenchmark } from './micro.js';
import { USAGE, UsageError, parseBenchArgs, type BenchOptions } from './options.js';
import { renderPng } from './png.js';
import { readBpfStatsEnabled, setBpfStatsEnabled } from './probes.js';
import { formatTerminal, writeReport, type BenchReport } from './report.js';
import type { Sample } from './sampler.js';
import { runSoak } from './soak.js';
import { max } from './stats.js';
import { renderSvgChart } from './svg-chart.js';
import { evaluateTargets } from './targets.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const TOOLS = ['sysbench', 'fio', 'iperf3', 'stress-ng', 'bpftool', 'sysctl'];

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin')
    .split(':')
    .some((dir) => existsSync(path.join(dir, tool)));
}

function preflight(): string | null {
  if (process.getuid?.() !== 0) return 'must run as root: it loads eBPF programs and runs workloads as test accounts';
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length) return `missing ${missing.join(', ')}: run "bash scripts/bench.sh", which installs them from Debian`;
  if (!existsSync(HELPER_CLI)) return `the helper is not built (${HELPER_CLI}): run "npm run build:ts"`;
  if (!existsSync(path.join(BPF_OBJECT_DIR, 'disk-io-monitor.bpf.o'))) {
    return `BPF objects are not built in ${BPF_OBJECT_DIR}: run "npm run build:bpf"`;
  }
  return null;
}

function accountExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
}

function chart(timeline: Sample[], title: string): string {
  return renderSvgChart({
    title,
    series: [
      { label: 'Helper RSS', unit: 'MB', color: '#1f77b4', points: timeline.map((s) => ({ tMs: s.tMs, value: s.rssBytes / 1e6 })) },
      {
        label: 'Records delivered',
        unit: 'records/s',
        color: '#d62728',
        points: timeline.map((s) => ({ tMs: s.tMs, value: s.recordsPerSecond })),
      },
      { label: 'Helper CPU', unit: '% of one core', color: '#2ca02c', points: timeline.map((s) => ({ tMs: s.tMs, value: s.cpuPercent })) },
      {
        label: 'PENDING_IO',
        unit: 'entries',
        color: '#9467bd',
        points: timeline.filter((s) => s.pendingIoEntries !== null).map((s) => ({ tMs: s.tMs, value: s.pendingIoEntries! })),
      },
    ],
  });
}

async function run(options: BenchOptions): Promise<number> {
  const startedMs = Date.now();
  const outDir = path.resolve(options.out ?? path.join(REPO_ROOT, 'bench-results', timestamp(new Date(startedMs))));
  mkdirSync(outDir, { recursive: true });
  const report: BenchReport = {
    tool: 'dots-family-bench',
    formatVersion: 1,
    mode: options.mode,
    startedAt: new Date(startedMs).toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    host: { kernel: os.release(), cpus: os.cpus().length, loadAverageAtStart: os.loadavg(), node: process.version },
    options: {
      rounds: options.rounds,
      quick: options.quick,
      soakMinutes: options.soakMinutes || undefined,
      microRecords: options.microRecords,
      profile: options.profile,
      workloads: options.workloads,
      helperNice: options.helperNice,
      bpfDir: options.bpfDir ?? undefined,
      durations: options.mode === 'compare' ? options.durations : undefined,
    },
    targets: [],
    timeline: [],
    files: { json: path.join(outDir, 'report.json'), markdown: path.join(outDir, 'report.md') },
    notes: [],
  };

  if (options.mode !== 'micro') {
    const problem = preflight();
    if (problem) {
      process.stderr.write(`bench: ${problem}\n`);
      return 1;
    }
    const createdAccounts: string[] = [];
    const account = (name: string): TestAccount => {
      if (!accountExists(name)) createdAccounts.push(name);
      return createTestAccount(name);
    };
    const child = account(`${options.accountPrefix}-kid`);
    const other = account(`${options.accountPrefix}-other`);
    // On the root filesystem (not a tmpfs /tmp): O_DIRECT and the disk-io monitor need a real block device.
    const workDir = mkdtempSync('/var/tmp/dots-bench-work-');
    chmodSync(workDir, 0o1777);
    const helperDir = mkdtempSync(path.join(os.tmpdir(), 'dots-bench-helper-'));
    const helperLog = path.join(outDir, 'helper.log');
    const cpuProfileDir = options.profile ? path.join(outDir, 'helper-cpuprofile') : undefined;
    const statsWereEnabled = readBpfStatsEnabled();
    if (options.profile && !statsWereEnabled) setBpfStatsEnabled(true);
    try {
      if (options.mode === 'compare') {
        progress(`${options.rounds} round(s), child ${child.name} (uid ${child.uid}), unwatched ${other.name}; report in ${outDir}`);
        const result = await runComparison({
          rounds: options.rounds,
          workloads: options.workloads,
          helperNice: options.helperNice,
          bpfDir: options.bpfDir,
          durations: options.durations,
          child,
          other,
          workDir,
          helperDir,
          helperLog,
          profile: options.profile,
          cpuProfileDir,
          runStartMs: startedMs,
          progress,
        });
        const { timeline, ...comparison } = result;
        report.comparison = comparison;
        report.timeline = timeline;
        if (comparison.otherTracingProgramsDuringBaseline > 0) {
          report.notes.push(
            `${comparison.otherTracingProgramsDuringBaseline} tracing BPF programs of others (another helper, a test) were loaded ` +
              'during the baseline, so the baseline already paid for probes: the ratios understate the overhead.',
          );
        }
      } else {
        progress(`soak for ${options.soakMinutes} min as ${child.name} (uid ${child.uid}); report in ${outDir}`);
        const { timeline, ...soak } = await runSoak({
          minutes: options.soakMinutes,
          helperNice: options.helperNice,
          bpfDir: options.bpfDir,
          child,
          workDir,
          helperDir,
          helperLog,
          cpuProfileDir,
          runStartMs: startedMs,
          progress,
        });
        report.soak = soak;
        report.timeline = timeline;
      }
    } finally {
      if (options.profile && !statsWereEnabled) setBpfStatsEnabled(false);
      rmSync(workDir, { recursive: true, force: true });
      rmSync(helperDir, { recursive: true, force: true });
      for (const name of createdAccounts) removeTestAccount(name);
    }
    if (cpuProfileDir) report.helperCpuProfile = summariseCpuProfiles(cpuProfileDir);
    report.notes.push(
      `The ${BENCH_PROFILE} profile sets no limits: the memory monitor's allocation probes stay idle, as for any child ` +
        'without a kernel-allocation limit (docs/PERFORMANCE.md says what they cost when attached).',
    );
    if (options.profile) {
      report.notes.push(
        '--profile: kernel.bpf_stats_enabled=1 adds two clock reads to every program run and V8\'s CPU profiler costs ' +
          'the helper about 3 % of a core: the monitored numbers are pessimistic; judge the targets on a run without it.',
      );
    }
  }

  if (options.mode !== 'soak') {
    progress(`micro-benchmark: ${options.microRecords} synthetic records through decode → pipeline → SQLite`);
    report.micro = runMicroBenchmark(options.microRecords);
    const peak = max([report.comparison?.eventRate.recordsPerSecondMax ?? Number.NaN, ...report.timeline.map((s) => s.recordsPerSecond)]);
    if (peak > 0) report.headroom = report.micro.storedRecordsPerSecond / peak;
  }
  if (options.quick) report.notes.push('--quick: seconds-long workloads check the harness; their ratios are noise, not results.');

  const c = report.comparison;
  report.targets = options.mode === 'micro' ? [] : evaluateTargets({
    cpu: c?.workloads.cpu,
    io: c?.workloads.io,
    netWatched: c?.workloads.netWatched,
    netUnwatched: c?.workloads.netUnwatched,
    stressDrops: c?.workloads.stress ? c.eventRate.dropsTotal : report.soak?.recordsDropped,
    stressRecordsPerSecond: c?.workloads.stress ? c.eventRate.recordsPerSecondMedian : report.soak?.recordsPerSecondMean,
    pendingIoPeak: c ? c.eventRate.pendingIoPeak : report.soak?.pendingIoPeak,
    rssDriftPercent: report.soak?.rssDrift.driftPercent,
    soakMinutes: report.soak?.minutes,
  });

  if (report.timeline.length) {
    report.files.chartSvg = path.join(outDir, 'chart.svg');
    writeFileSync(report.files.chartSvg, chart(report.timeline, `DOTS Family helper — ${options.mode} run of ${report.startedAt}`));
    if (options.png) {
      const pngFile = path.join(outDir, 'chart.png');
      try {
        const skipped = await renderPng(report.files.chartSvg, pngFile);
        if (skipped) report.notes.push(`no PNG chart: ${skipped}`);
        else report.files.chartPng = pngFile;
      } catch (error) {
        report.notes.push(`no PNG chart: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }

  const finishedMs = Date.now();
  report.finishedAt = new Date(finishedMs).toISOString();
  report.durationSeconds = (finishedMs - startedMs) / 1000;
  writeReport(report);
  process.stdout.write(formatTerminal(report) + '\n');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  return run(options);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  },
);
