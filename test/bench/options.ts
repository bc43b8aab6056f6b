// Command line of `npm run bench`.
import { parseArgs } from 'node:util';
import { DEFAULT_HELPER_NICE } from '../../src/helper/system/priority.js';
import { WORKLOAD_IDS, type Durations, type WorkloadId } from './compare.js';

export const USAGE = `Usage: npm run bench -- [options]        (as root; scripts/bench.sh installs the tools)

Runs each workload twice back to back, with no DOTS programs loaded (baseline) and with the real helper, compiled,
watching a child account (monitored), in alternating order over N rounds, and reports medians, ratios and the
seed's targets. Writes report.json, report.md and a chart under bench-results/<timestamp>/.

Options:
  --rounds N         rounds of baseline + monitored (default 5; 1 with --quick)
  --quick            seconds-long workloads and tiny sizes: checks the harness, not the numbers
  --soak MINUTES     instead: one helper under a steady mixed load as the child for MINUTES (RSS drift, leaks)
  --micro            instead: only the userspace pipeline micro-benchmark (no root needed)
  --micro-records N  records for the micro-benchmark (default 300000; 20000 with --quick)
  --profile          also collect per-program kernel time (kernel.bpf_stats_enabled=1 during the run) and a
                     V8 CPU profile of the helper; both cost CPU, so judge the targets on a run without it
  --png              also render the chart as PNG (Debian's chromium)
  --out DIR          where the report goes (default bench-results/<timestamp>)
  --accounts PREFIX  names of the test accounts: PREFIX-kid (watched), PREFIX-other (default dots-bench)
  --workloads LIST   only these, comma-separated: cpu,io,netWatched,netUnwatched,stress (default all)
  --helper-nice=N    the helper's --nice (default ${DEFAULT_HELPER_NICE}, what it sets itself to; 0 shows an unprioritised helper)
  --bpf-dir DIR      load the BPF objects from DIR (to measure a modified monitor)
  --help             show this help
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface BenchOptions {
  mode: 'compare' | 'soak' | 'micro';
  rounds: number;
  quick: boolean;
  soakMinutes: number;
  microRecords: number;
  profile: boolean;
  png: boolean;
  out: string | null;
  accountPrefix: string;
  workloads: WorkloadId[];
  helperNice: number;
  bpfDir: string | null;
  durations: Durations;
  help: boolean;
}

export const FULL_DURATIONS: Durations = {
  cpuSeconds: 10,
  ioSeconds: 5,
  ioFileBytes: 1 << 30,
  netSeconds: 5,
  stressSeconds: 10,
};

export const QUICK_DURATIONS: Durations = {
  cpuSeconds: 1,
  ioSeconds: 1,
  ioFileBytes: 32 << 20,
  netSeconds: 1,
  stressSeconds: 2,
};

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not "${value}"`);
  }
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        rounds: { type: 'string' },
        quick: { type: 'boolean' },
        soak: { type: 'string' },
        micro: { type: 'boolean' },
        'micro-records': { type: 'string' },
        profile: { type: 'boolean' },
        png: { type: 'boolean' },
        out: { type: 'string' },
        accounts: { type: 'string' },
        workloads: { type: 'string' },
        'helper-nice': { type: 'string' },
        'bpf-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const quick = values.quick ?? false;
  const soakMinutes = positiveNumber('soak', values.soak, false);
  if (soakMinutes !== undefined && values.micro) throw new UsageError('--soak and --micro are different runs: pick one');
  const prefix = values.accounts ?? 'dots-bench';
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(prefix)) {
    throw new UsageError(`--accounts must be a short lowercase name (letters, digits, -), not "${prefix}"`);
  }
  const workloads = (values.workloads?.split(',').map((w) => w.trim()) ?? [...WORKLOAD_IDS]) as WorkloadId[];
  const unknown = workloads.filter((w) => !WORKLOAD_IDS.includes(w));
  if (unknown.length || workloads.length === 0) {
    throw new UsageError(`--workloads takes a comma-separated list of ${WORKLOAD_IDS.join(', ')}; not "${unknown.join(',')}"`);
  }
  const helperNice = Number(values['helper-nice'] ?? DEFAULT_HELPER_NICE);
  if (!Number.isInteger(helperNice) || helperNice < -20 || helperNice > 19) {
    throw new UsageError(`--helper-nice must be an integer from -20 to 19, not "${values['helper-nice']}"`);
  }
  return {
    mode: values.micro ? 'micro' : soakMinutes !== undefined ? 'soak' : 'compare',
    rounds: positiveNumber('rounds', values.rounds, true) ?? (quick ? 1 : 5),
    quick,
    soakMinutes: soakMinutes ?? 0,
    microRecords: positiveNumber('micro-records', values['micro-records'], true) ?? (quick ? 20_000 : 300_000),
    profile: values.profile ?? false,
    png: values.png ?? false,
    out: values.out ?? null,
    accountPrefix: prefix,
    workloads,
    helperNice,
    bpfDir: values['bpf-dir'] ?? null,
    durations: quick ? QUICK_DURATIONS : FULL_DURATIONS,
    help: values.help ?? false,
  };
}
