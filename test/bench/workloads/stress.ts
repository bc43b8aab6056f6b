// Event rate: a short stress-ng mix as the watched child — processes (fork, exec), files (open), memory (mmap),
// sockets (sock: connect records) and direct disk I/O (hdd) — so all five monitors' records flow at once.
// Throughput is the geometric mean of the stressors' bogo-ops/s (they count different things; the mean weighs
// each the same), comparable between the baseline and the monitored run.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestAccount } from '../../support/accounts.js';
import { WorkloadError, runChecked } from './exec.js';
import { freePort } from './net.js';

export interface StressResult {
  /** Geometric mean over the stressors of bogo-ops per second (real time). */
  bogoOpsPerSecond: number;
  byStressor: Record<string, number>;
}

export const STRESSORS = ['fork', 'exec', 'open', 'mmap', 'sock', 'hdd'] as const;

/** Reads `bogo-ops-per-second-real-time` of each stressor from stress-ng's --yaml output. */
export function parseStressYaml(yaml: string): Record<string, number> {
  const result: Record<string, number> = {};
  let stressor: string | null = null;
  for (const line of yaml.split('\n')) {
    const name = /^\s*-\s*stressor:\s*(\S+)/.exec(line);
    if (name) stressor = name[1]!;
    const rate = /^\s*bogo-ops-per-second-real-time:\s*([\d.eE+-]+)/.exec(line);
    if (rate && stressor) result[stressor] = Number(rate[1]);
  }
  return result;
}

export function geometricMean(values: readonly number[]): number {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return 0;
  return Math.exp(positive.reduce((sum, v) => sum + Math.log(v), 0) / positive.length);
}

export async function runStressMix(
  account: TestAccount,
  { dir, seconds, stressors = STRESSORS }: { dir: string; seconds: number; stressors?: readonly string[] },
): Promise<StressResult> {
  const yaml = path.join(dir, `stress-${account.name}-${Date.now()}.yaml`);
  const args: string[] = [];
  for (const s of stressors) args.push(`--${s}`, '1');
  if (stressors.includes('sock')) args.push('--sock-port', String(await freePort()));
  if (stressors.includes('hdd')) args.push('--hdd-opts', 'direct', '--hdd-bytes', '8m');
  args.push('--timeout', `${seconds}s`, '--temp-path', dir, '--metrics-brief', '--yaml', yaml);
  try {
    await runChecked(account, 'stress-ng', args, { timeoutMs: (seconds + 60) * 1000, cwd: dir });
    const byStressor = parseStressYaml(readFileSync(yaml, 'utf8'));
    if (Object.keys(byStressor).length === 0) throw new WorkloadError(`stress-ng wrote no metrics to ${yaml}`);
    return { bogoOpsPerSecond: geometricMean(Object.values(byStressor)), byStressor };
  } finally {
    rmSync(yaml, { force: true });
  }
}
