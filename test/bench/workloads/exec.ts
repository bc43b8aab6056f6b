// Runs a workload program as an account (the watched child, an unwatched user, or root) and fails loudly, with
// the program's own words, when it does not exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { runAs, type TestAccount } from '../../support/accounts.js';

export const ROOT: TestAccount = { name: 'root', uid: 0, gid: 0 };

export class WorkloadError extends Error {
  override name = 'WorkloadError';
}

function describe(command: string, args: readonly string[], account: TestAccount): string {
  return `${command} ${args.join(' ')} (as ${account.name})`;
}

/** Runs to completion; returns stdout. */
export async function runChecked(
  account: TestAccount,
  command: string,
  args: string[],
  { timeoutMs = 120_000, cwd = '/tmp' }: { timeoutMs?: number; cwd?: string } = {},
): Promise<string> {
  const result = await runAs(account, command, args, { timeoutMs, cwd });
  if (result.code !== 0) {
    const why = result.signal ? `was killed by ${result.signal}` : `exited ${result.code}`;
    const words = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new WorkloadError(`${describe(command, args, account)} ${why}: ${words}`);
  }
  return result.stdout;
}

/** Starts a long-running program (a server) as `account`; stop it with `child.kill()`. */
export function startAs(account: TestAccount, command: string, args: string[], cwd = '/tmp'): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    uid: account.uid,
    gid: account.gid,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Parses the first JSON object a program printed (some print a warning line before it). */
export function parseJsonOutput<T>(stdout: string, what: string): T {
  const start = stdout.indexOf('{');
  if (start < 0) throw new WorkloadError(`${what} printed no JSON: ${stdout.slice(0, 200)}`);
  try {
    return JSON.parse(stdout.slice(start)) as T;
  } catch (error) {
    throw new WorkloadError(`${what} printed invalid JSON: ${(error as Error).message}`);
  }
}
