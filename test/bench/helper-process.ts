// The real helper as a separate process, compiled as installed (`node dist/helper/cli.js`: under tsx it costs
// about half a percent of a core more), so its CPU time and memory are its own and measurable from /proc.
// SIGTERM stops it cleanly (programs detached, writes flushed).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import type { MonitorStatus } from '../../src/shared/events.js';
import { HelperClient } from '../../src/shared/client/helper-client.js';
import { waitFor, type TestAccount } from '../support/accounts.js';
import { bpfHoldings, ForeignMap, type BpfHoldings } from './probes.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const HELPER_CLI = path.join(REPO_ROOT, 'dist/helper/cli.js');
export const BENCH_PROFILE = 'Bench';

export interface HelperProcessOptions {
  /** Holds the database and socket; kept across restarts, so the profile made once stays. */
  dir: string;
  /** The helper's stderr is appended here. */
  logFile: string;
  /** With V8's --cpu-prof: a .cpuprofile is written here when the helper exits. */
  cpuProfileDir?: string;
  /** Nice value the helper sets itself to (default: the helper's own, DEFAULT_HELPER_NICE). */
  nice?: number;
  /** --bpf-dir of the helper: where its *.bpf.o are. */
  bpfDir?: string | null;
}

export class HelperProcess {
  private exited: Promise<void>;
  /** A benchmark that dies (an exception, a bug) must not leave its helper running with programs attached. */
  private readonly stopWithUs = () => this.child.kill('SIGTERM');

  private constructor(
    private readonly child: ChildProcess,
    readonly client: HelperClient,
    /** The BPF maps and programs the helper holds (read once, after it started). */
    readonly holdings: BpfHoldings,
    readonly pendingIo: ForeignMap | null,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    process.once('exit', this.stopWithUs);
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: HelperProcessOptions): Promise<HelperProcess> {
    const socketPath = path.join(options.dir, 'helper.sock');
    const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const helperArgs = ['--db', path.join(options.dir, 'dots.db'), '--socket', socketPath, '--log-level', 'warn'];
    if (options.bpfDir) helperArgs.push('--bpf-dir', options.bpfDir);
    if (options.nice !== undefined) helperArgs.push(`--nice=${options.nice}`);
    const command = [process.execPath, ...nodeArgs, HELPER_CLI, ...helperArgs];
    const log = openSync(options.logFile, 'a');
    const child = spawn(command[0]!, command.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
    closeSync(log);
    try {
      const client = await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`the helper exited ${child.exitCode}; see ${options.logFile}`);
          if (!existsSync(socketPath)) return null;
          return HelperClient.connect(socketPath).catch(() => null);
        },
        { timeoutMs: 60_000, intervalMs: 100, what: `the helper's socket ${socketPath}` },
      );
      const holdings = bpfHoldings(child.pid!);
      return new HelperProcess(child, client, holdings, ForeignMap.open('PENDING_IO', holdings.mapIds));
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Creates the watched profile for `child` unless it exists (the database outlives restarts). */
  async watch(account: TestAccount): Promise<void> {
    const profiles = await this.client.call('profiles.list', {});
    if (profiles.some((p) => p.name === BENCH_PROFILE)) return;
    await this.client.call('profiles.create', { name: BENCH_PROFILE, usernames: [account.name] });
  }

  monitorStatuses(timeoutMs?: number): Promise<MonitorStatus[]> {
    return this.client.call('monitors.list', {}, { timeoutMs });
  }

  /** SIGTERM, then waits for the clean stop; SIGKILL after 30 s. */
  async stop(): Promise<void> {
    process.off('exit', this.stopWithUs);
    this.pendingIo?.close();
    await this.client.close().catch(() => {});
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(killer);
  }
}
