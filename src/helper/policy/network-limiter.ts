// Loads bpf/network-limiter.bpf.o at start and fills NET_LIMITS per child uid. Its cgroup_skb egress and ingress
// programs are attached at the cgroup2 root (so they see every local socket) only while some uid has a limit: an
// attached cgroup_skb program runs on every packet of every user, and with none attached the kernel's
// cgroup_bpf_enabled() static key keeps the packet path free of it. The kernel drops what exceeds the profile's
// token bucket; stats() reads what it let through and what it throttled. Without cgroup2 the limiter reports why
// and network limits are alerted only. With a pin dir its links and maps are pinned, so limits hold while the helper
// restarts, and a helper of the same build takes them over (buckets keep their tokens and counters).
import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { BpfMap, u32Key } from '../bpf/bpf-map.js';
import { BPF_ANY, bpf, check, checkPointer, koffi } from '../bpf/libbpf.js';
import { defaultObjectDir } from '../bpf/monitor-set.js';
import { ObjectPins, unpin } from '../bpf/pinned-object.js';
import { readStruct, writeStruct } from '../bpf/struct-layout.js';
import { describeError, notEnforced, type EnforcementResult, type EnforcementStatus } from './enforcement.js';
import { tokenBucketBurstBytes } from './limits-to-kernel.js';
import { MOUNTINFO_PATH, cgroup2MountPoint, parseMountinfo } from './mountinfo.js';
import { NetDirection, netBucket, netBucketKey, netLimit, type NetDirectionName } from './network-limiter-layouts.js';

// Not in ../bpf/libbpf.ts because only this module attaches to a cgroup.
const attachCgroup = koffi.load('libbpf.so.1').func('void *bpf_program__attach_cgroup(void *prog, int cgroup_fd)');

export const NETWORK_LIMITER_OBJECT = 'network-limiter.bpf.o';
const PROGRAMS = ['limit_upload', 'limit_download'] as const;
const BPF_NOEXIST = 1;
const EEXIST = 17;
/** elapsed × rate must stay within 64 bits in the kernel's refill (2 s × rate < 2^64). */
export const MAX_NETWORK_BYTES_PER_SECOND = 9e9;

export interface NetworkLimiterOptions {
  log: Logger;
  objectDir?: string;
  /** /proc/self/mountinfo's text (tests inject one without cgroup2). */
  readMountinfo?: () => string;
  /** bpffs directory to pin into and adopt from (see setPinDir). */
  pinDir?: string | null;
}

export interface NetworkLimit {
  profileId: number;
  uploadBytesPerSecond: number | null;
  downloadBytesPerSecond: number | null;
}

/** Cumulative counters of one profile's bucket in one direction since the limit was set. */
export interface NetworkThrottleStats {
  profileId: number;
  direction: NetDirectionName;
  passedBytes: number;
  passedPackets: number;
  /** Bytes dropped because the child was over its limit (a retransmitted segment counts each time). */
  droppedBytes: number;
  droppedPackets: number;
}

export interface NetworkLimiterStatus extends EnforcementStatus {
  cgroupRoot: string | null;
  /** Whether the programs are attached now (only while some uid is limited). */
  attached: boolean;
}

export class NetworkLimiter {
  private object: unknown = null;
  /** program name → its cgroup link, while attached. */
  private links = new Map<string, unknown>();
  private limits: BpfMap | null = null;
  private buckets: BpfMap | null = null;
  private cgroupRoot: string | null = null;
  private reason: string | null = 'network limiter not started';
  private pinDir: string | null;
  private pins: ObjectPins | null = null;
  /** uids found limited in a pinned NET_LIMITS and not limited again since. */
  private adoptedUids = new Set<number>();

  constructor(private readonly options: NetworkLimiterOptions) {
    this.pinDir = options.pinDir ?? null;
  }

  /** Pins under `dir` from the next start() on (the daemon's pin dir; the Enforcer builds the limiter). */
  setPinDir(dir: string | null): void {
    this.pinDir = dir;
  }

  /** The entry under the pin dir that holds this limiter's pins, while started with pinning. */
  get pinEntry(): string | null {
    return this.pins?.entry ?? null;
  }

  get available(): boolean {
    return this.limits !== null;
  }

  get attached(): boolean {
    return this.links.size > 0;
  }

  status(): NetworkLimiterStatus {
    return {
      available: this.available,
      reason: this.available ? null : this.reason,
      cgroupRoot: this.cgroupRoot,
      attached: this.attached,
    };
  }

  /**
   * Loads, and adopts the links a previous helper pinned; attaching waits for the first limit (setLimit). Never
   * throws for what this machine lacks: the status says what and why.
   */
  start(): NetworkLimiterStatus {
    if (this.available) return this.status();
    try {
      this.load();
      this.reason = null;
      this.options.log.info(
        this.attached
          ? `network limiter attached at ${this.cgroupRoot} (taken over)`
          : `network limiter loaded; attaches at ${this.cgroupRoot} with the first network limit`,
      );
    } catch (error) {
      this.close();
      this.reason = `network limits are not enforced: ${describeError(error)}`;
      this.options.log.warn(this.reason);
    }
    return this.status();
  }

  private load(): void {
    const mountinfo = (this.options.readMountinfo ?? (() => readFileSync(MOUNTINFO_PATH, 'utf8')))();
    const root = cgroup2MountPoint(parseMountinfo(mountinfo));
    if (!root) {
      throw new Error(
        'cgroup2 is not mounted (mount -t cgroup2 none /sys/fs/cgroup/unified, or boot with the unified hierarchy)',
      );
    }
    const file = path.join(this.options.objectDir ?? defaultObjectDir(), NETWORK_LIMITER_OBJECT);
    if (!existsSync(file)) throw new Error(`BPF object ${file} not found; build it with "npm run build:bpf"`);

    this.object = checkPointer(`open ${NETWORK_LIMITER_OBJECT}`, bpf.objectOpenFile(file, null));
    this.pins = this.pinDir ? new ObjectPins(this.pinDir, file) : null;
    // Links a previous helper of this build pinned are adopted (its programs go on, with the same maps). Our own
    // copies are loaded all the same: once those links are detached, a later limit attaches ours.
    for (const name of PROGRAMS) {
      const link = this.pins?.openLink(name);
      if (link) this.links.set(name, link);
    }
    const adoptedLinks = this.links.size;
    const reusedMaps = this.pins?.reuseMaps(this.object) ?? [];
    check(`load ${NETWORK_LIMITER_OBJECT}`, bpf.objectLoad(this.object) as number);
    this.pinMaps();
    this.cgroupRoot = root;
    if (this.attached) this.attachMissing(); // a helper that died between its two link pins
    this.limits = this.map('NET_LIMITS');
    this.buckets = this.map('NET_BUCKETS');
    if (reusedMaps.length) {
      for (const key of this.limits.keys()) this.adoptedUids.add(key.readUInt32LE(0));
      this.options.log.info(`took over the previous helper's limiter (${adoptedLinks} links, ${this.adoptedUids.size} limits)`);
    }
  }

  /** Attaches each program that has no link yet; on failure, detaches what it attached. */
  private attachMissing(): void {
    const root = this.cgroupRoot!;
    const cgroupFd = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      for (const name of PROGRAMS) {
        if (this.links.has(name)) continue;
        const link = checkPointer(`attach ${name} to cgroup ${root}`, attachCgroup(this.program(name), cgroupFd));
        this.links.set(name, link);
        this.pinLink(link, name);
      }
    } catch (error) {
      this.detach();
      throw error;
    } finally {
      closeSync(cgroupFd); // the links hold the cgroup
    }
  }

  /** Destroys and unpins every link: with no cgroup_skb program left, packets skip cgroup BPF altogether. */
  private detach(): void {
    for (const [name, link] of this.links) {
      if (this.pins) {
        try {
          unpin(path.join(this.pins.dir, `link_${name}`));
        } catch (error) {
          this.options.log.warn(`${describeError(error)}; ${name} stays attached through its pin`);
          continue;
        }
      }
      ObjectPins.releaseLink(link, false);
      this.links.delete(name);
    }
  }

  private detachIfUnlimited(): void {
    if (!this.attached || !this.limits || this.limits.keys(1).length > 0) return;
    this.detach();
    if (!this.attached) this.options.log.info('network limiter detached (no network limits)');
  }

  private pinMaps(): void {
    if (!this.pins) return;
    try {
      this.pins.pinMaps(this.object);
    } catch (error) {
      this.options.log.warn(`${describeError(error)}; network limits stop while the helper restarts`);
      this.pins.remove();
      this.pins = null;
    }
  }

  private pinLink(link: unknown, name: string): void {
    if (!this.pins) return;
    try {
      this.pins.pinLink(link, name);
    } catch (error) {
      this.options.log.warn(`${describeError(error)}; network limits stop while the helper restarts`);
      this.pins.remove();
      this.pins = null;
    }
  }

  /**
   * After every stored profile was applied: lifts the limits a previous helper set that no profile asks for now,
   * and detaches adopted links if nothing is limited.
   */
  finishAdoption(): number[] {
    const stale = [...this.adoptedUids];
    for (const uid of stale) this.clear(uid);
    this.adoptedUids.clear();
    this.detachIfUnlimited();
    return stale;
  }

  private program(name: string): unknown {
    for (let prog = bpf.objectNextProgram(this.object, null); prog; prog = bpf.objectNextProgram(this.object, prog)) {
      if (bpf.programName(prog) === name) return prog;
    }
    throw new Error(`${NETWORK_LIMITER_OBJECT} has no program ${name}`);
  }

  private map(name: string): BpfMap {
    const map = checkPointer(`find map ${name}`, bpf.objectFindMapByName(this.object, name));
    return new BpfMap(
      name,
      check(`fd of ${name}`, bpf.mapFd(map) as number),
      bpf.mapKeySize(map) as number,
      bpf.mapValueSize(map) as number,
    );
  }

  /**
   * Limits what `uid`'s sockets send and receive; null (or 0) leaves a direction unlimited. Every uid of a profile
   * shares the profile's buckets. The first limit attaches the programs; no rate at all clears the uid.
   */
  setLimit(
    uid: number,
    profileId: number,
    uploadBytesPerSecond: number | null,
    downloadBytesPerSecond: number | null,
  ): EnforcementResult {
    if (!Number.isInteger(uid) || uid < 0 || uid > 0xfffffffe) throw new RangeError(`invalid uid ${uid}`);
    if (!Number.isInteger(profileId) || profileId < 0 || profileId > 0xffffffff) {
      throw new RangeError(`invalid profile id ${profileId}`);
    }
    const upload = normaliseRate(uploadBytesPerSecond, 'upload');
    const download = normaliseRate(downloadBytesPerSecond, 'download');
    if (!this.limits || !this.buckets) return notEnforced(this.reason ?? 'network limiter not started');
    this.adoptedUids.delete(uid);
    if (!upload && !download) {
      this.clear(uid);
      return { enforced: true };
    }

    if (this.links.size < PROGRAMS.length) {
      try {
        this.attachMissing();
      } catch (error) {
        const reason = `network limits are not enforced: ${describeError(error)}`;
        this.options.log.warn(reason);
        return notEnforced(reason);
      }
      this.options.log.info(`network limiter attached at ${this.cgroupRoot} (first network limit)`);
    }
    if (upload) this.createBucket(profileId, NetDirection.UPLOAD, upload);
    if (download) this.createBucket(profileId, NetDirection.DOWNLOAD, download);
    const value = writeStruct(netLimit, {
      profile_id: profileId,
      upload_bytes_per_second: upload,
      upload_burst_bytes: upload ? tokenBucketBurstBytes(upload) : 0,
      download_bytes_per_second: download,
      download_burst_bytes: download ? tokenBucketBurstBytes(download) : 0,
    });
    this.limits.update(u32Key(uid), value, BPF_ANY);
    return { enforced: true };
  }

  /** A bucket that already exists keeps its tokens and counters; a changed rate takes effect at its next refill. */
  private createBucket(profileId: number, direction: number, bytesPerSecond: number): void {
    const key = writeStruct(netBucketKey, { profile_id: profileId, direction });
    const value = writeStruct(netBucket, {
      tokens: BigInt(tokenBucketBurstBytes(bytesPerSecond)),
      refilled_ns: process.hrtime.bigint(), // CLOCK_MONOTONIC, like bpf_ktime_get_ns()
    });
    const result = bpf.mapUpdate(this.buckets!.fd, key, value, BPF_NOEXIST) as number;
    if (result !== -EEXIST) check('create bucket in NET_BUCKETS', result);
  }

  limitOf(uid: number): NetworkLimit | null {
    const value = this.limits?.lookup(u32Key(uid));
    if (!value) return null;
    const raw = readStruct(new DataView(value.buffer, value.byteOffset, value.length), netLimit);
    const rate = (n: unknown) => ((n as number) > 0 ? (n as number) : null);
    return {
      profileId: raw.profile_id as number,
      uploadBytesPerSecond: rate(raw.upload_bytes_per_second),
      downloadBytesPerSecond: rate(raw.download_bytes_per_second),
    };
  }

  /**
   * Removes uid's limit. A profile's buckets (and their counters) go with the last of its uids, the programs with
   * the last limited uid.
   */
  clear(uid: number): void {
    if (!this.limits || !this.buckets) return;
    this.adoptedUids.delete(uid);
    const profileId = this.limitOf(uid)?.profileId;
    this.limits.delete(u32Key(uid));
    if (profileId !== undefined) this.deleteBucketsIfUnused(profileId);
    this.detachIfUnlimited();
  }

  private deleteBucketsIfUnused(profileId: number): void {
    const stillUsed = this.limits!.keys().some((key) => this.limitOf(key.readUInt32LE(0))?.profileId === profileId);
    if (stillUsed) return;
    for (const direction of [NetDirection.UPLOAD, NetDirection.DOWNLOAD]) {
      this.buckets!.delete(writeStruct(netBucketKey, { profile_id: profileId, direction }));
    }
  }

  stats(): NetworkThrottleStats[] {
    if (!this.buckets) return [];
    const out: NetworkThrottleStats[] = [];
    for (const key of this.buckets.keys()) {
      const value = this.buckets.lookup(key);
      if (!value) continue;
      const raw = readStruct(new DataView(value.buffer, value.byteOffset, value.length), netBucket);
      out.push({
        profileId: key.readUInt32LE(netBucketKey.offsetOf('profile_id')),
        direction: key.readUInt32LE(netBucketKey.offsetOf('direction')) === NetDirection.UPLOAD ? 'upload' : 'download',
        passedBytes: raw.passed_bytes as number,
        passedPackets: raw.passed_packets as number,
        droppedBytes: raw.dropped_bytes as number,
        droppedPackets: raw.dropped_packets as number,
      });
    }
    return out.sort((a, b) => a.profileId - b.profileId || a.direction.localeCompare(b.direction));
  }

  /**
   * Detaches both programs and frees the object (limits stop at once). keepPinned: the pinned programs and limits
   * stay in force for the next helper; this process only lets go. Safe to call twice.
   */
  close({ keepPinned = false } = {}): void {
    if (!keepPinned) this.pins?.remove();
    for (const link of this.links.values()) ObjectPins.releaseLink(link, keepPinned && this.pins !== null);
    this.links.clear();
    this.pins = null;
    this.adoptedUids.clear();
    if (this.object) bpf.objectClose(this.object);
    this.object = null;
    this.limits = null;
    this.buckets = null;
    this.cgroupRoot = null;
    this.reason = 'network limiter stopped';
  }
}

function normaliseRate(rate: number | null, what: string): number {
  if (rate === null || rate === 0) return 0;
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`invalid ${what} rate ${rate} bytes/s`);
  if (rate > MAX_NETWORK_BYTES_PER_SECOND) {
    throw new RangeError(
      `${what} limit ${rate} bytes/s is above the limiter's maximum ${MAX_NETWORK_BYTES_PER_SECOND}`,
    );
  }
  return Math.max(1, Math.round(rate));
}
