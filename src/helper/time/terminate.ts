// Ending a child's programs when its time is up: SIGTERM first (a game may save), SIGKILL after a grace period if
// the very same process (pid and start time, so never a reused pid) is still there. Processes are found in /proc by
// their real or effective uid, so programs the monitors have not reported yet (or started before the helper) count.
import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '../log.js';

export interface ProcessInfo {
  pid: number;
  comm: string;
  realUid: number;
  effectiveUid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): with the pid, one process for ever. */
  startTicks: string;
  state: string;
}

export const DEFAULT_TERMINATE_GRACE_MS = 3000;

/** Parses /proc/<pid>/stat and the Uid line of /proc/<pid>/status; null when the process is gone. */
export function readProcess(pid: number, procRoot = '/proc'): ProcessInfo | null {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    status = readFileSync(`${procRoot}/${pid}/status`, 'utf8');
  } catch {
    return null; // exited between listing and reading: nothing to end
  }
  // The comm is in parentheses and may itself contain ") ": the fields resume after the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = stat.slice(close + 2).split(' ');
  const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  if (!uids || fields.length < 20) return null;
  return {
    pid,
    comm: stat.slice(open + 1, close),
    realUid: Number(uids[1]),
    effectiveUid: Number(uids[2]),
    state: fields[0]!,
    startTicks: fields[19]!,
  };
}

/** Every live process whose real or effective uid is one of `uids`. */
export function processesOfAccounts(uids: ReadonlySet<number>, procRoot = '/proc'): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name), procRoot);
    if (!info || info.state === 'Z') continue;
    if (uids.has(info.realUid) || uids.has(info.effectiveUid)) found.push(info);
  }
  return found;
}

export interface TerminatorOptions {
  log: Logger;
  graceMs?: number;
  procRoot?: string;
  /** Injectable for tests; default process.kill. */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
}

export class ProcessTerminator {
  /** pid → the process being ended and its SIGKILL timer. */
  private readonly ending = new Map<number, { startTicks: string; timer: NodeJS.Timeout }>();
  private readonly graceMs: number;
  private readonly kill: (pid: number, signal: NodeJS.Signals) => void;

  constructor(private readonly options: TerminatorOptions) {
    this.graceMs = options.graceMs ?? DEFAULT_TERMINATE_GRACE_MS;
    this.kill = options.kill ?? ((pid, signal) => process.kill(pid, signal));
  }

  /** Whether `pid` was asked to end and has not yet been given up on. */
  isEnding(pid: number): boolean {
    return this.ending.has(pid);
  }

  /** Sends SIGTERM to each process not already ending, and arms its SIGKILL. Returns the ones signalled now. */
  end(processes: readonly ProcessInfo[], why: string): ProcessInfo[] {
    const signalled: ProcessInfo[] = [];
    for (const target of processes) {
      const known = this.ending.get(target.pid);
      if (known && known.startTicks === target.startTicks) continue;
      if (known) clearTimeout(known.timer);
      if (!this.signal(target.pid, 'SIGTERM')) continue;
      signalled.push(target);
      const timer = setTimeout(() => this.finish(target), this.graceMs);
      timer.unref();
      this.ending.set(target.pid, { startTicks: target.startTicks, timer });
    }
    if (signalled.length > 0) this.options.log.info(`ending ${signalled.length} process(es): ${why}`);
    return signalled;
  }

  close(): void {
    for (const { timer } of this.ending.values()) clearTimeout(timer);
    this.ending.clear();
  }

  private finish(target: ProcessInfo): void {
    this.ending.delete(target.pid);
    const now = readProcess(target.pid, this.options.procRoot);
    if (!now || now.startTicks !== target.startTicks || now.state === 'Z') return; // ended, or the pid was reused
    if (this.signal(target.pid, 'SIGKILL')) {
      this.options.log.info(`${target.comm} (pid ${target.pid}) ignored SIGTERM for ${this.graceMs} ms: killed`);
    }
  }

  private signal(pid: number, signal: NodeJS.Signals): boolean {
    try {
      this.kill(pid, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
        this.options.log.warn(`${signal} to pid ${pid} failed: ${(error as Error).message}`);
      }
      return false;
    }
  }
}
