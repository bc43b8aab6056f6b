// The five monitors together: owns the WATCHED_UIDS map they share (so watching an account is one update, and
// survives a monitor being disabled and enabled again), samples aggregate maps on an interval, and sweeps stale
// PENDING_IO entries.
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
import { readStruct, writeStruct } from './struct-layout.js';
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
}

export interface MonitorSetOptions {
  objectDir?: string;
  log: Logger;
  onEvent: (event: KernelEvent) => void;
  onSample: (sample: AggregateSample) => void;
  toEpochMs?: MonotonicToEpochMs;
  /** PENDING_IO entries older than this are lost completions (back-merged bios, dropped requests). */
  pendingMaxAgeMs?: number;
}

export class UnknownMonitorError extends Error {
  override name = 'UnknownMonitorError';
}

export class MonitorSet {
  readonly monitors: Monitor[];
  private watchedUids: BpfMap;
  pendingEvicted = 0;

  constructor(private readonly options: MonitorSetOptions) {
    const log = options.log;
    setLibbpfLogger((level, message) => (level === 'warn' ? log.warn(message) : log.debug(message)));
    // A failure here leaves each tp/ program's own reason ("tracefs is not mounted ...") in its monitor's status.
    const tracefsProblem = ensureTracefsMounted();
    if (tracefsProblem) log.warn(tracefsProblem);
    const fd = check(
      'create WATCHED_UIDS map',
      bpf.mapCreate(BPF_MAP_TYPE.ARRAY, 'WATCHED_UIDS', 4, watchedAccount.size, MAX_UID, null) as number,
    );
    this.watchedUids = new BpfMap('WATCHED_UIDS', fd, 4, watchedAccount.size);
    const hooks = {
      onEvent: options.onEvent,
      onSample: options.onSample,
      toEpochMs: options.toEpochMs ?? systemClock(),
      log: log.child('bpf'),
    };
    const dir = options.objectDir ?? defaultObjectDir();
    this.monitors = MONITOR_DEFINITIONS.map((d) => new Monitor(d, dir, hooks));
  }

  /** The shared WATCHED_UIDS map's fd (for pinning, and for loading extra objects that share it). */
  get watchedUidsFd(): number {
    return this.watchedUids.fd;
  }

  loadAll(): MonitorStatus[] {
    return this.monitors.map((m) => m.load(this.watchedUids.fd));
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
    return this.monitor(name).load(this.watchedUids.fd);
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
      flags: AccountFlag.WATCHED | (account.execDenied ? AccountFlag.EXEC_DENIED : 0),
      max_process_memory_bytes: BigInt(Math.max(0, Math.floor(account.maxProcessMemoryBytes))),
    });
    this.watchedUids.update(u32Key(uid), value);
  }

  unwatch(uid: number): void {
    if (uid < 0 || uid >= MAX_UID) return;
    this.watchedUids.update(u32Key(uid), Buffer.alloc(watchedAccount.size));
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

  /** Detaches everything and releases the shared map. */
  close(): void {
    for (const m of this.monitors) m.unload('helper stopped');
    closeFd(this.watchedUids.fd);
  }
}
