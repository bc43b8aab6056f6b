// Disk bandwidth limits through the kernel's block throttle: one cgroup per profile (e.g.
// /sys/fs/cgroup/blkio/dots-family/<profileId>), the child's processes moved into it, and a read and a write
// bytes-per-second limit on each block device that backs / and /home.
//
// cgroup v2's io.max is used when the io controller is on the v2 hierarchy; it throttles buffered writes too, at
// writeback. Otherwise cgroup v1's blkio.throttle.{read,write}_bps_device — which does NOT limit buffered writes:
// v1 charges writeback to the root cgroup, so only reads and direct I/O (O_DIRECT) are throttled there, and the
// helper alerts on buffered writes over the limit instead. Neither present → "not available: <reason>", and the
// caller only alerts.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { formatDevice, fromUserspaceDev, parseDevice, type DeviceNumber } from './device-numbers.js';
import {
  chooseBackend,
  realUidFromStatus,
  throttleWrites,
  uniqueDevices,
  type DiskThrottleBackend,
} from './disk-throttle-plan.js';
import { describeError, notEnforced, type EnforcementResult, type EnforcementStatus } from './enforcement.js';
import type { DiskRates } from './limits-to-kernel.js';
import { MOUNTINFO_PATH, cgroup2MountPoint, mountOf, parseMountinfo, type MountEntry } from './mountinfo.js';

export interface DiskThrottleOptions {
  log: Logger;
  /** Directory under the hierarchy root that holds the per-profile groups. */
  groupName?: string;
  /** Mount points whose block devices are throttled. */
  filesystems?: string[];
  /** /proc/self/mountinfo's text (tests inject one). */
  readMountinfo?: () => string;
}

export interface DiskThrottleStatus extends EnforcementStatus {
  backend: DiskThrottleBackend | null;
  /** <hierarchy root>/<groupName>, where the per-profile groups are. */
  groupRoot: string | null;
  /** "major:minor" of every throttled device. */
  devices: string[];
  /** false for cgroup v1 blkio: buffered writes reach the disk at writeback, charged to the root cgroup. */
  throttlesBufferedWrites: boolean;
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** The whole disk a device belongs to: the kernel throttles disks, and refuses partitions (ENODEV). */
function wholeDisk(device: DeviceNumber): DeviceNumber {
  const sys = `/sys/dev/block/${formatDevice(device)}`;
  if (!existsSync(`${sys}/partition`)) return device;
  return parseDevice(readFileSync(path.join(realpathSync(sys), '..', 'dev'), 'utf8')) ?? device;
}

/** The disk behind a mount point, or null for filesystems without one (tmpfs, NFS). */
function backingDisk(mounts: MountEntry[], mountPoint: string): DeviceNumber | null {
  const mount = mountOf(mounts, mountPoint);
  if (!mount) return null;
  let device: DeviceNumber | null = mount.device;
  if (device.major === 0) {
    // btrfs and overlay report an anonymous device; a block device as the mount's source is the real one.
    try {
      const st = statSync(mount.source);
      device = st.isBlockDevice() ? fromUserspaceDev(st.rdev) : null;
    } catch {
      device = null;
    }
  }
  return device && existsSync(`/sys/dev/block/${formatDevice(device)}`) ? wholeDisk(device) : null;
}

export class DiskThrottle {
  private backend: DiskThrottleBackend | null = null;
  private hierarchyRoot: string | null = null;
  private devices: DeviceNumber[] = [];
  private reason: string | null = 'disk throttle not started';
  private limited = new Map<number, DiskRates>();

  constructor(private readonly options: DiskThrottleOptions) {}

  get available(): boolean {
    return this.backend !== null;
  }

  private get groupRoot(): string | null {
    return this.hierarchyRoot && path.join(this.hierarchyRoot, this.options.groupName ?? 'dots-family');
  }

  status(): DiskThrottleStatus {
    return {
      available: this.available,
      reason: this.available ? null : `not available: ${this.reason}`,
      backend: this.backend,
      groupRoot: this.groupRoot,
      devices: this.devices.map(formatDevice),
      throttlesBufferedWrites: this.backend === 'cgroup2-io',
    };
  }

  /** Finds the interface and devices, and removes groups a previous run left behind. Never throws. */
  start(): DiskThrottleStatus {
    try {
      const mounts = parseMountinfo((this.options.readMountinfo ?? (() => readFileSync(MOUNTINFO_PATH, 'utf8')))());
      const v2 = cgroup2MountPoint(mounts);
      const choice = chooseBackend(mounts, {
        cgroup2Controllers: v2 ? readOrNull(path.join(v2, 'cgroup.controllers')) : null,
        blkioThrottleFiles: (root) => existsSync(path.join(root, 'blkio.throttle.write_bps_device')),
      });
      if (choice.backend === null) throw new Error(choice.reason);
      const filesystems = this.options.filesystems ?? ['/', '/home'];
      const devices = uniqueDevices(filesystems.map((fs) => backingDisk(mounts, fs)).filter((d) => d !== null));
      if (devices.length === 0) throw new Error(`no block device backs ${filesystems.join(' or ')}`);
      this.backend = choice.backend;
      this.hierarchyRoot = choice.hierarchyRoot;
      this.devices = devices;
      this.reason = null;
      this.removeLeftovers();
      const names = devices.map(formatDevice).join(' ');
      this.options.log.info(`disk throttle: ${this.backend} at ${this.groupRoot}, devices ${names}`);
    } catch (error) {
      this.backend = null;
      this.hierarchyRoot = null;
      this.reason = describeError(error);
      this.options.log.warn(`disk bandwidth limits are alerted only: ${this.reason}`);
    }
    return this.status();
  }

  /** The profile's cgroup directory (exists only while it has a limit). */
  cgroupOf(profileId: number): string | null {
    return this.groupRoot && path.join(this.groupRoot, String(profileId));
  }

  /** Sets (or changes) a profile's limits; both null lifts them. Processes join through adopt/adoptExisting. */
  setLimit(profileId: number, rates: DiskRates): EnforcementResult {
    if (!Number.isInteger(profileId) || profileId < 0) throw new RangeError(`invalid profile id ${profileId}`);
    if (!this.backend) return notEnforced(this.status().reason!);
    if (rates.readBytesPerSecond === null && rates.writeBytesPerSecond === null) {
      this.clear(profileId);
      return { enforced: true };
    }
    const group = this.cgroupOf(profileId)!;
    try {
      this.ensureGroup(group);
      for (const { file, line } of throttleWrites(this.backend, this.devices, rates)) {
        writeFileSync(path.join(group, file), line);
      }
    } catch (error) {
      return notEnforced(`could not throttle ${group}: ${describeError(error)}`);
    }
    this.limited.set(profileId, { ...rates });
    return { enforced: true };
  }

  private ensureGroup(group: string): void {
    if (this.backend === 'cgroup2-io') {
      // A v2 controller reaches a group only when every ancestor enables it for its children.
      writeFileSync(path.join(this.hierarchyRoot!, 'cgroup.subtree_control'), '+io');
      mkdirSync(this.groupRoot!, { recursive: true });
      writeFileSync(path.join(this.groupRoot!, 'cgroup.subtree_control'), '+io');
    }
    mkdirSync(group, { recursive: true });
  }

  /** Moves a process (all its threads) into its profile's group. false when the profile has no limit or it exited. */
  adopt(pid: number, profileId: number): boolean {
    if (!this.limited.has(profileId)) return false;
    try {
      writeFileSync(path.join(this.cgroupOf(profileId)!, 'cgroup.procs'), String(pid));
      return true;
    } catch (error) {
      if (errno(error) === 'ESRCH' || errno(error) === 'EINVAL') return false; // exited (or a zombie)
      throw error;
    }
  }

  /** Adopts every running process whose real uid is `uid`. Returns how many moved. */
  adoptExisting(uid: number, profileId: number): number {
    if (!this.limited.has(profileId)) return 0;
    let moved = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let status: string;
      try {
        status = readFileSync(`/proc/${entry}/status`, 'utf8');
      } catch {
        continue; // exited while we looked
      }
      if (realUidFromStatus(status) === uid && this.adopt(Number(entry), profileId)) moved++;
    }
    return moved;
  }

  /** Lifts a profile's limits: its processes go back to the root group and its group is removed. */
  clear(profileId: number): void {
    this.limited.delete(profileId);
    const group = this.cgroupOf(profileId);
    if (group) this.removeGroup(group);
  }

  private removeGroup(group: string): void {
    for (let attempt = 0; attempt < 5 && existsSync(group); attempt++) {
      for (const pid of readOrNull(path.join(group, 'cgroup.procs'))?.split('\n').filter(Boolean) ?? []) {
        try {
          writeFileSync(path.join(this.hierarchyRoot!, 'cgroup.procs'), pid);
        } catch (error) {
          if (errno(error) !== 'ESRCH' && errno(error) !== 'EINVAL') throw error;
        }
      }
      try {
        rmdirSync(group);
      } catch (error) {
        // EBUSY: a process forked into the group while we emptied it; go round again.
        if (errno(error) !== 'EBUSY' && errno(error) !== 'ENOENT') throw error;
      }
    }
    if (existsSync(group)) this.options.log.warn(`could not remove ${group}: processes keep joining it`);
  }

  private removeLeftovers(): void {
    const root = this.groupRoot!;
    if (!existsSync(root)) return;
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory() && /^\d+$/.test(entry.name)) this.removeGroup(path.join(root, entry.name));
    }
  }

  /** Lifts every limit and removes the groups (the helper is stopping: enforcement stops with it). */
  close(): void {
    if (!this.backend) return;
    for (const profileId of [...this.limited.keys()]) this.clear(profileId);
    this.removeLeftovers();
    try {
      rmdirSync(this.groupRoot!);
    } catch (error) {
      if (errno(error) !== 'ENOENT') {
        this.options.log.warn(`could not remove ${this.groupRoot}: ${describeError(error)}`);
      }
    }
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
