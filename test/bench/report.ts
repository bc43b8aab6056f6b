// The benchmark's outputs: a plain table for the terminal, and report.json + report.md (+ the chart) in the run's
// directory. One report type serves all three modes; a mode fills only its sections.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompareResult, KernelProgramCost } from './compare.js';
import type { CpuProfileSummary, EventLoopStall } from './cpu-profile.js';
import type { MicroResult } from './micro.js';
import type { Sample } from './sampler.js';
import type { SoakResult } from './soak.js';
import type { TargetResult, TargetStatus } from './targets.js';

export interface BenchReport {
  tool: 'dots-family-bench';
  formatVersion: 1;
  mode: 'compare' | 'soak' | 'micro';
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  host: { kernel: string; cpus: number; loadAverageAtStart: number[]; node: string };
  options: Record<string, unknown>;
  comparison?: Omit<CompareResult, 'timeline'>;
  soak?: Omit<SoakResult, 'timeline'>;
  micro?: MicroResult;
  /** Micro-benchmark's stored records/s over the highest real event rate seen: how far the helper keeps up. */
  headroom?: number;
  helperCpuProfile?: CpuProfileSummary | null;
  targets: TargetResult[];
  timeline: Sample[];
  files: { json: string; markdown: string; chartSvg?: string; chartPng?: string };
  notes: string[];
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const megabytes = (bytes: number) => `${fixed(bytes / 1e6, 1)} MB`;
const rate = (perSecond: number) => (Number.isFinite(perSecond) ? Math.round(perSecond).toLocaleString('en-US') : 'n/a');
const pct = (value: number, digits = 2) => `${fixed(value, digits)} %`;
const TARGET_MARKS: Record<TargetStatus, string> = { pass: 'PASS', fail: 'FAIL', 'within noise': 'NOISE', 'not measured': '----' };

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function markdownTable(header: string[], rows: string[][]): string[] {
  const escape = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${header.map(escape).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)];
}

function comparisonRows(c: CompareResult | Omit<CompareResult, 'timeline'>): string[][] {
  return Object.values(c.workloads).flatMap((w) => (w ? [[
    w.title,
    w.runAs,
    `${fixed(w.baselineMedian)} ${w.unit}`,
    `${fixed(w.monitoredMedian)} ${w.unit}`,
    fixed(w.ratio, 4),
    pct(w.slowdownPercent),
    `${pct(w.pairedSlowdownPercent)} [${fixed(w.pairedSlowdownIntervalPercent[0], 1)} … ${fixed(w.pairedSlowdownIntervalPercent[1], 1)}]`,
    w.roundRatios.map((r) => fixed(r, 3)).join(' '),
    pct(w.helperCpuPercentMedian, 1),
    pct(w.helperRunQueueWaitPercentMedian, 1),
    rate(w.recordsPerSecondMedian),
  ]] : []));
}

const COMPARISON_HEADER = [
  'workload',
  'run as',
  'baseline (median)',
  'monitored (median)',
  'ratio',
  'slower by',
  'paired: slower by [95 % interval]',
  'per-round ratios',
  'helper CPU',
  'helper CPU wait',
  'records/s',
];

function programRows(costs: KernelProgramCost[], top = 10): string[][] {
  return costs.slice(0, top).map((p) => [p.name, p.attachment, rate(p.runCount), fixed(p.averageNs, 0), pct(p.cpuPercent, 3)]);
}
const PROGRAM_HEADER = ['program', 'attached to', 'runs', 'avg ns', 'CPU (of one core)'];

/** Where a workload's overhead goes: all our programs' kernel time, in % of one core (the table shows the top few). */
function programsTitle(id: string, costs: KernelProgramCost[]): string {
  const total = costs.reduce((n, p) => n + p.cpuPercent, 0);
  return `Kernel programs during ${id} (all ${costs.length}: ${pct(total, 2)} of one core)`;
}

function stallText(stall: EventLoopStall): string {
  const areas = stall.byArea.slice(0, 5).map((a) => `${a.area} ${fixed(a.percent, 0)} %`).join(', ');
  return `${fixed(stall.ms, 0)} ms at ${fixed(stall.atSeconds, 1)} s (${areas})`;
}

function targetLines(targets: TargetResult[]): string[] {
  return targets.map(
    (t) => `${TARGET_MARKS[t.status]}  ${t.description}: ${t.measured}${t.note ? ` (${t.note})` : ''}`,
  );
}

/** What the terminal shows at the end of a run. */
export function formatTerminal(report: BenchReport): string {
  const out: string[] = [];
  const c = report.comparison;
  if (c) {
    out.push(`Baseline vs monitored, ${c.rounds} round(s), medians:`, ...table(COMPARISON_HEADER, comparisonRows(c)), '');
    const e = c.eventRate;
    // Without the stress workload (--workloads) there is no event rate to speak of.
    if (c.workloads.stress) {
      out.push(
        `Event rate (stress-ng as the child): ${rate(e.recordsPerSecondMedian)} records/s median, ${rate(e.recordsPerSecondMax)} max; ` +
          `drops ${e.dropsTotal}; PENDING_IO peak ${e.pendingIoPeak} entries, median ${fixed(e.pendingIoMedian, 0)}; ` +
          `slowest answer to monitors.list ${fixed(e.maxAnswerMs, 0)} ms`,
        `  per monitor: ${Object.entries(e.byMonitor)
          .map(([name, m]) => `${name} ${rate(m.recordsPerSecondMedian)}/s (${m.dropped} dropped)`)
          .join(', ')}`,
      );
    }
    out.push(
      `Helper process: CPU ${pct(c.helper.cpuPercentMedian, 1)} median, ${pct(c.helper.cpuPercentMax, 1)} max (of one core); ` +
        `RSS ${megabytes(c.helper.rssMedianBytes)} median, ${megabytes(c.helper.rssMaxBytes)} max (${c.helper.samples} samples)`,
    );
    if (c.otherTracingProgramsDuringBaseline > 0) {
      out.push(`Warning: ${c.otherTracingProgramsDuringBaseline} tracing BPF programs of others were loaded during the baseline.`);
    }
    for (const [id, costs] of Object.entries(c.kernelPrograms)) {
      if (costs?.length) out.push('', `${programsTitle(id, costs)}:`, ...table(PROGRAM_HEADER, programRows(costs, 6)));
    }
    out.push('');
  }
  const s = report.soak;
  if (s) {
    out.push(
      `Soak ${s.minutes} min (${s.cycles} cycles): RSS ${megabytes(s.rssDrift.firstMedian)} → ${megabytes(s.rssDrift.lastMedian)} ` +
        `(${fixed(s.rssDrift.driftPercent, 1)} %, ${fixed(s.rssDrift.windowMs / 60_000, 1)} min windows), max ${megabytes(s.rssMaxBytes)}; ` +
        `CPU ${pct(s.cpuPercentMedian, 1)} median; ${rate(s.recordsPerSecondMean)} records/s mean; ${s.recordsDropped} dropped; ` +
        `PENDING_IO peak ${s.pendingIoPeak}, last ${s.pendingIoLast}`,
      '',
    );
  }
  const m = report.micro;
  if (m) {
    out.push(
      `Userspace pipeline (${rate(m.records)} synthetic records): decode ${rate(m.decodeRecordsPerSecond)}/s, ` +
        `+ pipeline ${rate(m.pipelineRecordsPerSecond)}/s, + SQLite ${rate(m.storedRecordsPerSecond)}/s` +
        (report.headroom ? ` — ${fixed(report.headroom, 0)}× the highest real event rate seen` : ''),
      '',
    );
  }
  const p = report.helperCpuProfile;
  if (p) {
    out.push(
      `Helper CPU profile (${fixed(p.busyMs / 1000, 1)} s busy over ${p.profiles} run(s)): ` +
        p.byArea.slice(0, 6).map((a) => `${a.area} ${fixed(a.percent, 0)} %`).join(', '),
    );
    if (p.longestStall) out.push(`  longest event-loop stall: ${stallText(p.longestStall)}`);
    out.push('');
  }
  if (report.targets.length) out.push('Targets:', ...targetLines(report.targets).map((l) => `  ${l}`));
  for (const note of report.notes) out.push(`Note: ${note}`);
  out.push('', `Report: ${report.files.markdown}`);
  return out.join('\n');
}

export function formatMarkdown(report: BenchReport): string {
  const out: string[] = [
    `# DOTS Family benchmark — ${report.mode}`,
    '',
    `${report.startedAt} · ${fixed(report.durationSeconds, 0)} s · kernel ${report.host.kernel} · ${report.host.cpus} CPUs · ` +
      `load average at start ${report.host.loadAverageAtStart.map((l) => fixed(l)).join(' ')} · node ${report.host.node}`,
    '',
    `Options: \`${JSON.stringify(report.options)}\``,
    '',
    '## Targets',
    '',
    ...markdownTable(
      ['target', 'measured', 'status'],
      report.targets.map((t) => [t.description, t.measured + (t.note ? ` — ${t.note}` : ''), t.status]),
    ),
    '',
  ];
  const c = report.comparison;
  if (c) {
    out.push(
      '## Baseline vs monitored',
      '',
      `${c.rounds} interleaved round(s) (odd rounds baseline first, even rounds monitored first). Baseline: no helper, no DOTS ` +
        `programs. Monitored: the helper running as its own process, the child's account watched. Helper CPU is of one core, ` +
        `measured over the workload. "Paired" takes the median of the per-round ratios (a round's two runs are side by side, ` +
        `so the machine's slow drift cancels) with its 95 % bootstrap interval; the targets are judged on it.`,
      '',
      ...markdownTable(COMPARISON_HEADER, comparisonRows(c)),
      '',
      ...(c.workloads.stress
        ? [
            '## Event rate (stress-ng as the watched child)',
            '',
            `- records delivered: ${rate(c.eventRate.recordsPerSecondMedian)}/s median, ${rate(c.eventRate.recordsPerSecondMax)}/s max`,
            `- drops: ${c.eventRate.dropsTotal}`,
            `- PENDING_IO: peak ${c.eventRate.pendingIoPeak} entries, median ${fixed(c.eventRate.pendingIoMedian, 0)}`,
            `- slowest answer of the helper to monitors.list: ${fixed(c.eventRate.maxAnswerMs, 0)} ms`,
            '',
            ...markdownTable(
              ['monitor', 'records/s (median)', 'dropped'],
              Object.entries(c.eventRate.byMonitor).map(([n, m]) => [n, rate(m.recordsPerSecondMedian), String(m.dropped)]),
            ),
            '',
          ]
        : []),
      '## Helper process',
      '',
      `CPU ${pct(c.helper.cpuPercentMedian, 1)} median, ${pct(c.helper.cpuPercentMax, 1)} max; RSS ${megabytes(c.helper.rssMedianBytes)} ` +
        `median, ${megabytes(c.helper.rssMaxBytes)} max (${c.helper.samples} one-second samples).`,
      '',
    );
    if (c.otherTracingProgramsDuringBaseline > 0) {
      out.push(`**Warning:** ${c.otherTracingProgramsDuringBaseline} tracing BPF programs of others were loaded during the baseline.`, '');
    }
    for (const [id, costs] of Object.entries(c.kernelPrograms)) {
      if (!costs?.length) continue;
      out.push(`### ${programsTitle(id, costs)}`, '', ...markdownTable(PROGRAM_HEADER, programRows(costs)), '');
    }
  }
  const s = report.soak;
  if (s) {
    out.push(
      '## Soak',
      '',
      `${s.minutes} min, ${s.cycles} workload cycles. RSS median first ${fixed(s.rssDrift.windowMs / 60_000, 1)} min ` +
        `${megabytes(s.rssDrift.firstMedian)}, last ${megabytes(s.rssDrift.lastMedian)}: drift ${fixed(s.rssDrift.driftPercent, 1)} %. ` +
        `RSS max ${megabytes(s.rssMaxBytes)}. CPU ${pct(s.cpuPercentMedian, 1)} median. ${rate(s.recordsPerSecondMean)} records/s ` +
        `mean. ${s.recordsDropped} dropped. PENDING_IO peak ${s.pendingIoPeak}, last ${s.pendingIoLast}.`,
      '',
    );
  }
  const m = report.micro;
  if (m) {
    out.push(
      '## Userspace pipeline micro-benchmark',
      '',
      `${rate(m.records)} synthetic records (mix ${Object.entries(m.mix).map(([k, v]) => `${k} ${v} %`).join(', ')}), ` +
        `into a real SQLite file (${megabytes(m.databaseBytes)}, ${rate(m.rowsWritten)} rows).`,
      '',
      ...markdownTable(
        ['stage', 'records/s'],
        [
          ['decodeRecord', rate(m.decodeRecordsPerSecond)],
          ['decode + pipeline.handleEvent (no store)', rate(m.pipelineRecordsPerSecond)],
          ['decode + pipeline + batch writer + SQLite', rate(m.storedRecordsPerSecond)],
        ],
      ),
      '',
    );
    if (report.headroom) out.push(`That is ${fixed(report.headroom, 0)}× the highest real event rate measured in this run.`, '');
  }
  const p = report.helperCpuProfile;
  if (p) {
    out.push(
      '## Helper CPU profile',
      '',
      `${fixed(p.busyMs / 1000, 1)} s of busy samples over ${p.profiles} helper run(s), start-up included.`,
      '',
      ...markdownTable(['area', 'ms', 'share'], p.byArea.map((a) => [a.area, fixed(a.ms, 0), pct(a.percent, 1)])),
      '',
      ...markdownTable(['function', 'where', 'ms', 'share'], p.topFunctions.map((f) => [f.name, f.where, fixed(f.ms, 0), pct(f.percent, 1)])),
      '',
    );
    if (p.longestStall) {
      out.push(
        `Longest event-loop stall (no ring buffer read meanwhile; start-up and shutdown excluded): ${stallText(p.longestStall)}.`,
        '',
      );
    }
  }
  if (report.files.chartSvg) {
    out.push('## Helper over time', '', `![RSS and event rate over time](${path.basename(report.files.chartSvg)})`, '');
  }
  if (report.notes.length) out.push('## Notes', '', ...report.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

export function writeReport(report: BenchReport): void {
  writeFileSync(report.files.json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(report.files.markdown, formatMarkdown(report));
}
