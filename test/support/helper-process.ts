// The real helper for tests, in-process: startHelper with a fresh database and socket in a temp directory (0755, so
// test accounts reach the socket), the repository's BPF objects, and a quiet log. Needs root (kernelTestsEnabled).
// And dots-family-ctl run against it as a real subprocess, as root or as a test account.
//
// The helper shares the test's event loop: talk to it with async APIs (spawn, runAs, runCtl), never execFileSync, or
// it cannot answer.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { expect } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { startHelper, type RunningHelper } from '../../src/helper/daemon.js';
import { createLogger, type LogLevel } from '../../src/helper/log.js';
import { BPF_OBJECT_DIR } from './kernel.js';

export interface TestHelper {
  socketPath: string;
  dbPath: string;
  /** The running helper's parts (store, monitors, enforcer…) for tests that look inside. */
  helper: RunningHelper;
  /** Stops the helper (programs detached, writes flushed) and removes the temp directory. */
  close(): Promise<void>;
}

export interface TestHelperOptions {
  /** Log level on stderr; default 'error' (DOTS_TEST_LOG overrides). */
  logLevel?: LogLevel;
  sampleIntervalMs?: number;
  parentsGroup?: string;
}

export async function startTestHelper(options: TestHelperOptions = {}): Promise<TestHelper> {
  const dir = mkdtempSync('/tmp/dots-helper-test-');
  chmodSync(dir, 0o755);
  const socketPath = path.join(dir, 'helper.sock');
  const dbPath = path.join(dir, 'dots.db');
  const level = (process.env.DOTS_TEST_LOG as LogLevel | undefined) ?? options.logLevel ?? 'error';
  let helper: RunningHelper;
  try {
    helper = await startHelper({
      dbPath,
      socketPath,
      objectDir: BPF_OBJECT_DIR,
      log: createLogger({ level, scope: 'test-helper' }),
      sampleIntervalMs: options.sampleIntervalMs,
      parentsGroup: options.parentsGroup,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    socketPath,
    dbPath,
    helper,
    async close() {
      await helper.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- dots-family-ctl against it ------------------------------------------------------------------------------------

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const CLI_MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');

export interface CtlResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CtlOptions {
  /** Run as this account instead of root. */
  account?: { uid: number; gid: number };
}

/** Starts dots-family-ctl from source (`node --import tsx src/cli/main.ts --socket … args`); no shell. */
export function spawnCtl(
  socketPath: string,
  args: readonly string[],
  { account }: CtlOptions = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, '--socket', socketPath, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: account ? '/tmp' : (process.env.HOME ?? '/root') },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  });
}

/** Runs dots-family-ctl to its end. Never throws on a non-zero exit: tests look at the code. */
export function runCtl(
  socketPath: string,
  args: readonly string[],
  { timeoutMs = 60_000, ...options }: CtlOptions & { timeoutMs?: number } = {},
): Promise<CtlResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCtl(socketPath, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A successful `--json` run's output, parsed; fails the test on any stderr or a non-zero exit. */
export function ctlJson<T>(result: CtlResult): T {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}
