// CPU: sysbench's prime-number loop on every core. It makes almost no system calls, so what it measures is the
// CPU time the helper and the probes take away from a busy machine.
import type { TestAccount } from '../../support/accounts.js';
import { WorkloadError, runChecked } from './exec.js';

export const CPU_THREADS = 2;

export interface CpuResult {
  eventsPerSecond: number;
}

export async function runSysbenchCpu(account: TestAccount, seconds: number): Promise<CpuResult> {
  const args = ['cpu', `--threads=${CPU_THREADS}`, `--time=${seconds}`, 'run'];
  const stdout = await runChecked(account, 'sysbench', args, { timeoutMs: (seconds + 30) * 1000 });
  const match = /events per second:\s*([\d.]+)/.exec(stdout);
  if (!match) throw new WorkloadError(`sysbench printed no "events per second": ${stdout.slice(0, 300)}`);
  return { eventsPerSecond: Number(match[1]) };
}
