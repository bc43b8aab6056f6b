// The five monitors together: owns the WATCHED_UIDS map they share (so watching an account is one update, and
// survives a monitor being disabled and enabled again), samples aggregate maps on an interval, and sweeps stale
// PENDING_IO entries. With a pin dir, WATCHED_UIDS and every monitor are pinned there and a later helper takes
// them over (see pinned-object.ts); what the old helper had written is then reconciled with the database.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { AggregateSample, KernelEvent, MonitorName, MonitorStatus } from '../../shared/events.js';
import type { Logger } from '../log.js';
import { BpfMap, u32Key } from './bpf-map.js';
import { systemClock, type MonotonicToEpochMs } from './decoders.js';
import { AccountFlag, MAX_UID, pendingIo, watchedAccount } from './layouts.js';
import { BPF_MAP_TYPE, bpf, check, closeFd, setLibbpfLogger } from './libbpf.js';
import { MONITOR_DEFINITIONS, monitorDefinition } from './monitor-definitions.js';
import { Monitor } from './monitor.js';
import { unpin } from './pinned-object.js';
import { readStruct, writeStruct } from './struct-layout.js';
import { ensurePinDir, lockPinDir, unlockPinDir } from '../system/bpffs.js';
import { ensureTracefsMounted } from '../system/tracefs.js';

/** Where the BPF objects are: $DOTS_BPF_DIR, else build/bpf of this checkout (src/ and dist/ are equally deep). */
export function defaultObjectDir(): string {
  if (process.env.DOTS_BPF_DIR) return process.env.DOTS_BPF_DIR;
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../build/bpf');
}

export interface WatchedAccount {
  profileId: number;
  /** rss above this kills the process in the kernel; 0 = none */
  maxProcessMemoryBytes: number;
  /** outside allowed hours: every new program is killed at exec */
  execDenied: boolean;
  /** a kernel-allocation limit applies: kmalloc and page counters are kept (their probes attach while any account has one) */
  countAllocations: boolean;
}

export interface MonitorSetOptions {
  objectDir?: string;
  log: Logger;
  onEvent: (event: KernelEvent) => void;
  onSample: (sample: AggregateSample) => void;
  toEpochMs?: MonotonicToEpochMs;
  /** PENDING_IO entries older than this are lost completions (back-merged bios, dropped requests). */
  pendingMaxAgeMs?: number;
  /** bpffs directory to pin into and adopt from (the helper: /sys/fs/bpf/dots-family); none: nothing pinned. */
  pinDir?: string | null;
  /** Loaded monitors hand over records only after startReading() (the daemon loads its policy first). */
  deferReading?: boolean;
}

/**
 * Maps whose entries the helper derives from the database. The kernel only tests a key's presence; the values are
 * rule ids (≥ 1). Entries taken over from a previous helper are marked 0, and those the enforcer does not write
 * again (a block lifted while no helper ran, a copy this helper has not identified yet) are removed.
 */
const DERIVED_PRESENCE_MAPS: Partial<Record<MonitorName, string[]>> = {
  'process-monitor': ['BLOCKED_EXES', 'BLOCKED_SIZES'],
};
const STALE_MARK = Buffer.alloc(4);

/** The WATCHED_UIDS pin's name carries its layout, so a helper with another layout never reuses it. */
export function watchedUidsPinName(): string {
  const layout = JSON.stringify([MAX_UID, watchedAccount.size, watchedAccount.fields.map((f) => [f.name, f.offset])]);
  return `WATCHED_UIDS@${createHash('sha256').update(layout).digest('hex').slice(0, 16)}`;
}

export interface AdoptionCleanup {
  /** uids a previous helper watched that no profile holds any more. */
  unwatchedUids: number[];
  /** Entries of DERIVED_PRESENCE_MAPS the enforcer did not write again. */
  staleEntriesRemoved: number;
}

export class UnknownMonitorError extends Error {
  override name = 'UnknownMonitorError';
}

export class MonitorSet {
  readonly monitors: Monitor[];
  /** Where everything is pinned; null when pinning is off or the pin dir is unusable (logged). */
  readonly pinDir: string | null;
  private watchedUids: BpfMap;
  private reading: boolean;
  private pinLockFd: number | null = null;
  /** uids found watched in a pinned WATCHED_UIDS and not watched again since. */
  private adoptedWatches = new Set<number>();
  /** Watched uids with COUNT_ALLOCATIONS (adopted ones included). */
  private readonly countingUids = new Set<number>();
  /** Taken-over DERIVED_PRESENCE_MAPS whose entries are marked stale until the enforcer writes them again. */
  private markedMaps: BpfMap[] = [];
  pendingEvicted = 0;

  constructor(private readonly options: MonitorSetOptions) {
    const log = options.log;
    setLibbpfLogger((level, message) => (level === 'warn' ? log.warn(message) : log.debug(message)));
    // A failure here leaves each tp/ program's own reason ("tracefs is not mounted ...") in its monitor's status.
    const tracefsProblem = ensureTracefsMounted();
    if (tracefsProblem) log.warn(tracefsProblem);
    this.pinDir = this.claimPinDir(options.pinDir ?? null);
    this.reading = !options.deferReading;
    this.watchedUids = this.openWatchedUids();
    const hooks = {
      onEvent: options.onEvent,
      onSample: options.onSample,
      toEpochMs: options.toEpochMs ?? systemClock(),
      log: log.child('bpf'),
      pinRoot: this.pinDir,
    };
    const dir = options.objectDir ?? defaultObjectDir();
    this.monitors = MONITOR_DEFINITIONS.map((d) => new Monitor(d, dir, hooks));
    this.syncOnDemandProbes();
  }

  /** The pin dir when it is usable and no other helper holds it; else null, and why is logged. */
  private claimPinDir(pinDir: string | null): string | null {
    if (!pinDir) return null;
    const problem = ensurePinDir(pinDir);
    this.pinLockFd = problem ? null : lockPinDir(pinDir);
    if (problem || this.pinLockFd === null) {
      const why = problem ?? `another running helper holds ${pinDir}`;
      this.options.log.warn(`${why}; this helper pins nothing: its monitoring and limits stop when it stops`);
      return null;
    }
    return pinDir;
  }

  private get watchedUidsPin(): string | null {
    return this.pinDir && path.join(this.pinDir, watchedUidsPinName());
  }

  /** The pinned WATCHED_UIDS of a previous helper (its watches stay in force), else a new one, pinned. */
  private openWatchedUids(): BpfMap {
    const pin = this.watchedUidsPin;
    if (pin && existsSync(pin)) {
      const map = new BpfMap('WATCHED_UIDS', check(`open pinned ${pin}`, bpf.objGet(pin) as number), 4, watchedAccount.size);
      for (let uid = 0; uid < MAX_UID; uid++) {
        const value = map.lookup(u32Key(uid));
        const flags = value ? value.readUInt32LE(watchedAccount.offsetOf('flags')) : 0;
        if (flags & AccountFlag.WATCHED) this.adoptedWatches.add(uid);
        if (flags & AccountFlag.WATCHED && flags & AccountFlag.COUNT_ALLOCATIONS) this.countingUids.add(uid);
      }
      this.options.log.info(`took over WATCHED_UIDS from the previous helper (${this.adoptedWatches.size} accounts)`);
      return map;
    }
    const fd = check(
      'create WATCHED_UIDS map',
      bpf.mapCreate(BPF_MAP_TYPE.ARRAY, 'WATCHED_UIDS', 4, watchedAccount.size, MAX_UID, null) as number,
    );
    if (pin) check(`pin WATCHED_UIDS at ${pin}`, bpf.objPin(fd, pin) as number);
    return new BpfMap('WATCHED_UIDS', fd, 4, watchedAccount.size);
  }

  /** Names under the pin dir that this set holds now (the rest is stale: see removeStalePins). */
  pinEntries(): string[] {
    if (!this.pinDir) return [];
    const entries = this.monitors.map((m) => m.pinEntry).filter((e): e is string => e !== null);
    return [watchedUidsPinName(), ...entries];
  }

  /** The shared WATCHED_UIDS map's fd (for pinning, and for loading extra objects that share it). */
  get watchedUidsFd(): number {
    return this.watchedUids.fd;
  }

  loadAll(): MonitorStatus[] {
    const statuses = this.monitors.map((m) => m.load(this.watchedUids.fd, this.reading));
    for (const monitor of this.monitors) {
      if (!monitor.loaded || !monitor.adopted.maps.length) continue;
      for (const name of DERIVED_PRESENCE_MAPS[monitor.definition.name] ?? []) {
        const map = monitor.mapByName(name);
        for (const key of map.keys()) map.update(key, STALE_MARK);
        this.markedMaps.push(map);
      }
    }
    return statuses;
  }

  /** Hands records to onEvent from now on (after deferReading). */
  startReading(): void {
    this.reading = true;
    for (const m of this.monitors) if (m.loaded) m.startReading();
  }

  /**
   * After the enforcer has applied every stored profile to maps taken over from a previous helper: removes what
   * that helper had written and the database no longer asks for.
   */
  finishAdoption(): AdoptionCleanup {
    const unwatchedUids = [...this.adoptedWatches];
    for (const uid of unwatchedUids) this.unwatch(uid);
    this.adoptedWatches.clear();
    let staleEntriesRemoved = 0;
    for (const map of this.markedMaps) {
      for (const key of map.keys()) {
        if (map.lookup(key)?.equals(STALE_MARK) && map.delete(key)) staleEntriesRemoved++;
      }
    }
    this.markedMaps = [];
    return { unwatchedUids, staleEntriesRemoved };
  }

  monitor(name: string): Monitor {
    const definition = monitorDefinition(name);
    const monitor = definition && this.monitors.find((m) => m.definition === definition);
    if (!monitor) {
      throw new UnknownMonitorError(
        `unknown monitor "${name}"; monitors are ${MONITOR_DEFINITIONS.map((d) => d.name).join(', ')}`,
      );
    }
    return monitor;
  }

  enable(name: MonitorName | string): MonitorStatus {
    return this.monitor(name).load(this.watchedUids.fd, this.reading);
  }

  /** Detaches one monitor at run time (the seed's rollback); its data stops, the others go on. */
  disable(name: MonitorName | string, reason = 'disabled by an administrator'): MonitorStatus {
    const monitor = this.monitor(name);
    monitor.unload(reason);
    return monitor.status();
  }

  statuses(nowMs = Date.now()): MonitorStatus[] {
    return this.monitors.map((m) => m.status(nowMs));
  }

  /** Starts (or updates) watching an account; the kernel sees it on the next event. */
  watch(uid: number, account: WatchedAccount): void {
    if (!Number.isInteger(uid) || uid < 0 || uid >= MAX_UID) {
      throw new RangeError(`uid ${uid} cannot be watched: DOTS Family supports uids 0-${MAX_UID - 1}`);
    }
    const value = writeStruct(watchedAccount, {
      profile_id: account.profileId,
      flags:
        AccountFlag.WATCHED |
        (account.execDenied ? AccountFlag.EXEC_DENIED : 0) |
        (account.countAllocations ? AccountFlag.COUNT_ALLOCATIONS : 0),
      max_process_memory_bytes: BigInt(Math.max(0, Math.floor(account.maxProcessMemoryBytes))),
    });
    this.watchedUids.update(u32Key(uid), value);
    this.adoptedWatches.delete(uid);
    if (account.countAllocations) this.countingUids.add(uid);
    else this.countingUids.delete(uid);
    this.syncOnDemandProbes();
  }

  unwatch(uid: number): void {
    if (uid < 0 || uid >= MAX_UID) return;
    this.watchedUids.update(u32Key(uid), Buffer.alloc(watchedAccount.size));
    this.adoptedWatches.delete(uid);
    this.countingUids.delete(uid);
    this.syncOnDemandProbes();
  }

  /** Probes that only allocation limits need are attached while some watched account has one. */
  private syncOnDemandProbes(): void {
    for (const m of this.monitors) m.setOnDemandWanted(this.countingUids.size > 0);
  }

  watchedAccount(uid: number): WatchedAccount | null {
    const value = this.watchedUids.lookup(u32Key(uid));
    if (!value) return null;
    const raw = readStruct(new DataView(value.buffer, value.byteOffset, value.length), watchedAccount);
    if (!((raw.flags as number) & AccountFlag.WATCHED)) return null;
    return {
      profileId: raw.profile_id as number,
      maxProcessMemoryBytes: raw.max_process_memory_bytes as number,
      execDenied: ((raw.flags as number) & AccountFlag.EXEC_DENIED) !== 0,
      countAllocations: ((raw.flags as number) & AccountFlag.COUNT_ALLOCATIONS) !== 0,
    };
  }

  /** Reads every loaded monitor's aggregate map once. */
  sampleAggregates(nowMs = Date.now()): number {
    let emitted = 0;
    for (const m of this.monitors) if (m.loaded) emitted += m.sampleAggregates(nowMs);
    return emitted;
  }

  /** Consumes all ring buffers now. */
  drain(): number {
    return this.monitors.reduce((n, m) => n + (m.loaded ? m.drain() : 0), 0);
  }

  /** Deletes PENDING_IO entries whose completion never came. Returns the map's size after the sweep. */
  sweepPendingIo(): number {
    const disk = this.monitor('disk-io-monitor');
    if (!disk.loaded) return 0;
    const pending = disk.mapByName('PENDING_IO');
    const maxAgeNs = BigInt(this.options.pendingMaxAgeMs ?? 30_000) * 1_000_000n;
    const now = process.hrtime.bigint();
    const queueOffset = pendingIo.offsetOf('queue_ns');
    let remaining = 0;
    for (const key of pending.keys()) {
      const value = pending.lookup(key);
      if (!value) continue;
      if (now - value.readBigUInt64LE(queueOffset) > maxAgeNs) {
        if (pending.delete(key)) this.pendingEvicted++;
      } else {
        remaining++;
      }
    }
    return remaining;
  }

  /**
   * Detaches everything and releases the shared map. keepAttached: everything pinned stays attached and in force for
   * the next helper (a restart or an upgrade); this process only lets go.
   */
  close({ keepAttached = false } = {}): void {
    for (const m of this.monitors) m.unload('helper stopped', { keepPinned: keepAttached });
    const pin = this.watchedUidsPin;
    if (pin && !keepAttached) unpin(pin);
    closeFd(this.watchedUids.fd);
    if (this.pinLockFd !== null) unlockPinDir(this.pinLockFd);
    this.pinLockFd = null;
  }
}
