// Real Linux accounts for tests: created with useradd, removed afterwards. Commands run as them through
// spawn's uid/gid options — never through a shell string.
import { execFileSync, spawn, type SpawnOptions } from 'node:child_process';

export interface TestAccount {
  name: string;
  uid: number;
  gid: number;
}

function lookup(name: string): TestAccount | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return { name, uid, gid };
  } catch {
    return null;
  }
}

/** Creates (or reuses) a system-less login account with no home directory. */
export function createTestAccount(name: string, groups: string[] = []): TestAccount {
  const existing = lookup(name);
  if (!existing) {
    const args = ['-M', '-s', '/usr/sbin/nologin'];
    if (groups.length) args.push('-G', groups.join(','));
    execFileSync('useradd', [...args, name], { stdio: 'ignore' });
  } else if (groups.length) {
    execFileSync('usermod', ['-a', '-G', groups.join(','), name], { stdio: 'ignore' });
  }
  const account = lookup(name);
  if (!account) throw new Error(`could not create test account ${name}`);
  return account;
}

export function removeTestAccount(name: string): void {
  try {
    execFileSync('userdel', [name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program as `account` and waits for it. */
export function runAs(
  account: TestAccount,
  command: string,
  args: string[],
  options: SpawnOptions & { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: '/tmp',
      ...options,
      uid: account.uid,
      gid: account.gid,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: '/tmp', ...(options.env ?? {}) },
      // stdin only when there is input: a program killed at exec (blocked app, rules) has none to write to
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    // A program killed right after exec closes its stdin before we write: not an error here.
    child.stdin?.on('error', () => {});
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Polls `predicate` until it returns a value or the deadline passes. */
export async function waitFor<T>(
  predicate: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
