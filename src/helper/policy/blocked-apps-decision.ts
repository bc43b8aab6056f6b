// The pure half of blocked-application enforcement: what to do with an exec the kernel reported, and the bounded
// memory of executables already hashed and found harmless. The I/O (hashing, signals, maps) is in blocked-apps.ts.
import type { ProcessExecEvent } from '../../shared/events.js';
import type { BlockedApp } from '../../shared/model.js';

/** A file's identity as the kernel sees it (dev in the kernel's major << 20 | minor encoding). */
export interface ExeIdentity {
  dev: number;
  ino: number;
}

export interface ExecDecisionBase {
  pid: number;
  uid: number;
  profileId: number;
  comm: string;
  filename: string;
  timeMs: number;
}

/** What handleExec did, for the caller's log and alerts. */
export type ExecDecision =
  | (ExecDecisionBase & { action: 'killed'; app: BlockedApp; identity: ExeIdentity; by: 'kernel' | 'helper' })
  | (ExecDecisionBase & { action: 'resumed'; cached: boolean })
  | (ExecDecisionBase & { action: 'allowed' })
  | (ExecDecisionBase & { action: 'exited' });

/** What the exec needs before the helper can decide. */
export type ExecTriage =
  /** not about blocking (the kernel already killed it, or nothing blocked has this size) */
  | 'ignore'
  /** held by the kernel, but the profile blocks no program of this size any more (the block was lifted meanwhile) */
  | 'resume'
  /** a program the profile blocks has this size: hash the executable */
  | 'hash';

export function triageExec(
  enforcement: ProcessExecEvent['enforcement'],
  sizeIsBlocked: boolean,
): ExecTriage {
  if (enforcement === 'killed_blocked' || enforcement === 'killed_denied') return 'ignore';
  if (enforcement === 'held') return sizeIsBlocked ? 'hash' : 'resume';
  // 'none' with a blocked size: the kernel could not hold it (bpf_send_signal failed, or the size entry arrived
  // just after the exec). It is already running; check it all the same.
  return sizeIsBlocked ? 'hash' : 'ignore';
}

/** After hashing: kill a blocked program; resume a held harmless one; leave a running harmless one alone. */
export function verdictAfterHash(
  enforcement: ProcessExecEvent['enforcement'],
  matchesBlockedProgram: boolean,
): 'kill' | 'resume' | 'allow' {
  if (matchesBlockedProgram) return 'kill';
  return enforcement === 'held' ? 'resume' : 'allow';
}

/**
 * Identity of an executable's content as far as the cache is concerned: the file (dev, ino) and its size and
 * change time, so a file rewritten in place (same inode, new content) is hashed again.
 */
export function clearedKey(file: { dev: number; ino: number; sizeBytes: number; ctimeNs: bigint }): string {
  return `${file.dev}:${file.ino}:${file.sizeBytes}:${file.ctimeNs}`;
}

/** A set that forgets its oldest entries beyond `capacity` (insertion order; a hit moves an entry to the end). */
export class BoundedSet {
  private entries = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer`);
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    if (!this.entries.has(key)) return false;
    this.entries.delete(key);
    this.entries.add(key);
    return true;
  }

  add(key: string): void {
    this.entries.delete(key);
    this.entries.add(key);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.values().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
