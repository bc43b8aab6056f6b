// Blocked applications. A program is identified by the SHA-256 of its content, so a copy or a rename is still the
// program. A block belongs to a child profile. The kernel (process-monitor) can only compare cheap things at exec,
// so the helper gives it two maps, both keyed by the profile that blocks the program (an exec is looked up with its
// own account's profile, so one child's block never stops another child's program):
//   BLOCKED_EXES  {dev, profile, ino} of files known to hold a blocked program → killed at exec, in the kernel;
//   BLOCKED_SIZES {size, profile} of blocked programs → a file of that size is a suspect: SIGSTOPped ("held").
// For a held exec the helper hashes the executable through /proc/<pid>/exe (the very file that was executed, even
// if it has been renamed or replaced since), kills a match and adds that copy's {dev, ino} to BLOCKED_EXES so its
// next run dies in the kernel, or resumes a harmless program and remembers it as cleared. A copy is the program,
// so its identity joins the rule: it is written for every profile that blocks the program, not only the one whose
// exec revealed it.
import { createHash } from 'node:crypto';
import { constants, statSync } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import type { ProcessExecEvent } from '../../shared/events.js';
import type { BlockedApp } from '../../shared/model.js';
import type { Logger } from '../log.js';
import type { BpfMap } from '../bpf/bpf-map.js';
import { blockedSizeKey, exeIdentity } from '../bpf/layouts.js';
import type { Monitor } from '../bpf/monitor.js';
import { writeStruct } from '../bpf/struct-layout.js';
import {
  BoundedSet,
  clearedKey,
  triageExec,
  verdictAfterHash,
  type ExeIdentity,
  type ExecDecision,
  type ExecDecisionBase,
} from './blocked-apps-decision.js';
import { SEARCH_PATH, resolveCommand } from './command-path.js';
import { kernelDevFromUserspace } from './device-numbers.js';
import { describeError } from './enforcement.js';

export type { ExeIdentity, ExecDecision } from './blocked-apps-decision.js';

export interface BlockedAppsOptions {
  log: Logger;
  /** Sends a signal; tests may observe it. Default process.kill. */
  signal?: (pid: number, signal: 'SIGKILL' | 'SIGCONT') => void;
  searchPath?: readonly string[];
  /** Harmless executables remembered, so a same-size program is hashed once, not at every run. */
  clearedCacheSize?: number;
}

interface Rule {
  ruleId: number;
  app: BlockedApp;
  profiles: Set<number>;
  /** "dev:ino" → identity of files known to hold this program, in BLOCKED_EXES once per profile in `profiles`. */
  identities: Map<string, ExeIdentity>;
}

export class BlockedAppError extends Error {
  override name = 'BlockedAppError';
}

const identityKey = (id: ExeIdentity) => `${id.dev}:${id.ino}`;

function identityKeyBuffer({ dev, ino }: ExeIdentity, profileId: number): Buffer {
  return writeStruct(exeIdentity, { dev, profile_id: profileId, ino });
}

function sizeKeyBuffer(sizeBytes: number, profileId: number): Buffer {
  return writeStruct(blockedSizeKey, { size: sizeBytes, profile_id: profileId });
}

function ruleValue(ruleId: number): Buffer {
  const value = Buffer.alloc(4);
  value.writeUInt32LE(ruleId);
  return value;
}

/** A regular file with an execute bit (the check resolveCommand is given). */
export function isExecutableFile(candidate: string): boolean {
  try {
    const st = statSync(candidate);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** SHA-256 of an open file's content, streamed (a 200 MB binary is never read into memory at once). */
export async function sha256OfHandle(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

interface OpenedExecutable {
  identity: ExeIdentity;
  sizeBytes: number;
  ctimeNs: bigint;
  sha256: () => Promise<string>;
}

async function withExecutable<T>(file: string, use: (exe: OpenedExecutable) => Promise<T>): Promise<T> {
  const handle = await open(file, constants.O_RDONLY);
  try {
    const st = await handle.stat({ bigint: true });
    if (!st.isFile()) throw new BlockedAppError(`${file} is not a regular file`);
    return await use({
      identity: { dev: kernelDevFromUserspace(st.dev), ino: Number(st.ino) },
      sizeBytes: Number(st.size),
      ctimeNs: st.ctimeNs,
      sha256: () => sha256OfHandle(handle),
    });
  } finally {
    await handle.close();
  }
}

export class BlockedApps {
  private rules = new Map<string, Rule>(); // by sha256
  private nextRuleId = 1;
  private cleared: BoundedSet;
  private readonly signal: (pid: number, signal: 'SIGKILL' | 'SIGCONT') => void;

  constructor(
    private readonly maps: { blockedExes: BpfMap; blockedSizes: BpfMap },
    private readonly options: BlockedAppsOptions,
  ) {
    this.cleared = new BoundedSet(options.clearedCacheSize ?? 1024);
    this.signal = options.signal ?? ((pid, signal) => process.kill(pid, signal));
  }

  /** Uses the loaded process-monitor's maps. */
  static forMonitor(processMonitor: Monitor, options: BlockedAppsOptions): BlockedApps {
    return new BlockedApps(
      {
        blockedExes: processMonitor.mapByName('BLOCKED_EXES'),
        blockedSizes: processMonitor.mapByName('BLOCKED_SIZES'),
      },
      options,
    );
  }

  /** What the parent typed → the program: resolved path (symlinks followed), size and content hash. */
  async resolve(typed: string): Promise<BlockedApp> {
    const found = resolveCommand(typed, isExecutableFile, this.options.searchPath ?? SEARCH_PATH);
    const resolved = await realpath(found);
    return withExecutable(resolved, async (exe) => ({
      name: typed.trim(),
      path: resolved,
      sha256: await exe.sha256(),
      sizeBytes: exe.sizeBytes,
    }));
  }

  /**
   * Blocks a program for a profile: what the parent typed, or a BlockedApp stored earlier. The file at its path is
   * killed in the kernel from now on; copies are caught by size and hash. A stored app whose file has changed or
   * gone is still blocked by its recorded hash and size.
   */
  async block(profileId: number, what: string | BlockedApp): Promise<BlockedApp> {
    const app = typeof what === 'string' ? await this.resolve(what) : { ...what };
    let rule = this.rules.get(app.sha256);
    if (!rule) {
      rule = { ruleId: this.nextRuleId++, app, profiles: new Set(), identities: new Map() };
      this.rules.set(app.sha256, rule);
    }
    rule.profiles.add(profileId);
    // Copies already identified for another profile are the same program: this profile gets them too.
    for (const identity of rule.identities.values()) {
      this.maps.blockedExes.update(identityKeyBuffer(identity, profileId), ruleValue(rule.ruleId));
    }
    this.writeSizeEntry(app.sizeBytes, profileId);
    try {
      await withExecutable(app.path, async (exe) => {
        if (exe.sizeBytes === app.sizeBytes && (await exe.sha256()) === app.sha256) {
          this.addIdentity(rule, exe.identity);
        } else {
          this.options.log.warn(`${app.path} no longer holds the blocked "${app.name}"; blocking copies by hash`);
        }
      });
    } catch (error) {
      const why = describeError(error);
      this.options.log.warn(`blocked "${app.name}": ${app.path} unreadable (${why}); blocking copies by hash`);
    }
    this.cleared.clear(); // something cleared earlier may be this program
    return app;
  }

  /** Lifts a profile's block of the program with this hash: only that profile's kernel entries go. */
  unblock(profileId: number, sha256: string): boolean {
    const rule = this.rules.get(sha256);
    if (!rule || !rule.profiles.delete(profileId)) return false;
    for (const identity of rule.identities.values()) this.maps.blockedExes.delete(identityKeyBuffer(identity, profileId));
    if (rule.profiles.size === 0) this.rules.delete(sha256);
    this.writeSizeEntry(rule.app.sizeBytes, profileId);
    return true;
  }

  /** Makes a profile's blocks exactly `apps` (the stored list), adding and removing as needed. */
  async setProfileBlocks(profileId: number, apps: readonly BlockedApp[]): Promise<BlockedApp[]> {
    const wanted = new Set(apps.map((a) => a.sha256));
    for (const rule of [...this.rules.values()]) {
      if (rule.profiles.has(profileId) && !wanted.has(rule.app.sha256)) this.unblock(profileId, rule.app.sha256);
    }
    const out: BlockedApp[] = [];
    for (const app of apps) out.push(await this.block(profileId, app));
    return out;
  }

  /** The programs blocked for a profile (or for anyone). */
  blocked(profileId?: number): BlockedApp[] {
    return [...this.rules.values()]
      .filter((r) => profileId === undefined || r.profiles.has(profileId))
      .map((r) => ({ ...r.app }));
  }

  /** The files known to hold a blocked program (each in BLOCKED_EXES for every profile blocking it), for status and
   * tests; with a profile, only those of the programs that profile blocks. */
  identities(profileId?: number): ExeIdentity[] {
    return [...this.rules.values()]
      .filter((r) => profileId === undefined || r.profiles.has(profileId))
      .flatMap((r) => [...r.identities.values()]);
  }

  /**
   * Decides about an exec of a watched account. Returns null when blocking has nothing to do with it. For a held
   * process, always ends with SIGKILL or SIGCONT (never leaves it stopped), even if hashing fails.
   */
  async handleExec(event: ProcessExecEvent): Promise<ExecDecision | null> {
    const base: ExecDecisionBase = {
      pid: event.pid,
      uid: event.uid,
      profileId: event.profileId,
      comm: event.comm,
      filename: event.filename,
      timeMs: event.timeMs,
    };
    if (event.enforcement === 'killed_blocked') {
      const identity = { dev: event.exe.dev, ino: event.exe.ino };
      const rule = [...this.rules.values()].find(
        (r) => r.profiles.has(event.profileId) && r.identities.has(identityKey(identity)),
      );
      return rule ? { ...base, action: 'killed', app: { ...rule.app }, identity, by: 'kernel' } : null;
    }
    const sameSize = [...this.rules.values()].filter((r) => r.app.sizeBytes === event.exe.sizeBytes);
    // Only this profile's blocks concern this exec (the kernel held it for the same reason).
    const candidates = sameSize.filter((r) => r.profiles.has(event.profileId));
    const triage = triageExec(event.enforcement, candidates.length > 0);
    if (triage === 'ignore') return null;
    if (triage === 'resume') return this.resume(base, false);
    try {
      return await withExecutable(`/proc/${event.pid}/exe`, async (exe) => {
        const key = clearedKey({ ...exe.identity, sizeBytes: exe.sizeBytes, ctimeNs: exe.ctimeNs });
        if (this.cleared.has(key)) return this.apply(base, verdictAfterHash(event.enforcement, false), true);
        const digest = await exe.sha256();
        const rule = candidates.find((r) => r.app.sha256 === digest);
        if (rule) {
          this.kill(event.pid);
          this.addIdentity(rule, exe.identity);
          return { ...base, action: 'killed', app: { ...rule.app }, identity: exe.identity, by: 'helper' };
        }
        // A copy of a program only another profile blocks: harmless here, but that profile's kernel now knows it.
        const blockedElsewhere = sameSize.find((r) => r.app.sha256 === digest);
        if (blockedElsewhere) this.addIdentity(blockedElsewhere, exe.identity);
        else this.cleared.add(key);
        return this.apply(base, verdictAfterHash(event.enforcement, false), false);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') {
        return { ...base, action: 'exited' };
      }
      // Never leave a child's process stopped because the check failed; say so loudly instead.
      this.options.log.error(`could not check ${event.filename} (pid ${event.pid}): ${describeError(error)}`);
      return event.enforcement === 'held' ? this.resume(base, false) : { ...base, action: 'allowed' };
    }
  }

  /** A harmless program: resume it if the kernel held it, else leave it running. */
  private apply(base: ExecDecisionBase, verdict: 'resume' | 'allow' | 'kill', cached: boolean): ExecDecision {
    if (verdict === 'kill') throw new Error('blocked-apps: a kill verdict needs its rule');
    return verdict === 'allow' ? { ...base, action: 'allowed' } : this.resume(base, cached);
  }

  private resume(base: ExecDecisionBase, cached: boolean): ExecDecision {
    try {
      this.signal(base.pid, 'SIGCONT');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return { ...base, action: 'exited' };
      throw error;
    }
    return { ...base, action: 'resumed', cached };
  }

  private kill(pid: number): void {
    try {
      this.signal(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /** A file found to hold the program: BLOCKED_EXES gets it for every profile that blocks the program. */
  private addIdentity(rule: Rule, identity: ExeIdentity): void {
    rule.identities.set(identityKey(identity), identity);
    for (const profileId of rule.profiles) {
      this.maps.blockedExes.update(identityKeyBuffer(identity, profileId), ruleValue(rule.ruleId));
    }
  }

  /**
   * Makes BLOCKED_SIZES[{size, profile}] right after a change: the lowest rule id among the profile's blocked
   * programs of that size, or no entry when the profile blocks none.
   */
  private writeSizeEntry(sizeBytes: number, profileId: number): void {
    const ids = [...this.rules.values()]
      .filter((r) => r.app.sizeBytes === sizeBytes && r.profiles.has(profileId))
      .map((r) => r.ruleId);
    const key = sizeKeyBuffer(sizeBytes, profileId);
    if (ids.length) this.maps.blockedSizes.update(key, ruleValue(Math.min(...ids)));
    else this.maps.blockedSizes.delete(key);
  }

  /** Removes every block and its kernel entries (helper shutdown, tests). */
  clear(): void {
    for (const rule of [...this.rules.values()]) {
      for (const profileId of [...rule.profiles]) this.unblock(profileId, rule.app.sha256);
    }
    this.cleared.clear();
  }
}
