// The pure half of disk throttling: which cgroup interface this machine offers, and what to write to it.
import { formatDevice, type DeviceNumber } from './device-numbers.js';
import type { DiskRates } from './limits-to-kernel.js';
import { cgroup1ControllerMountPoint, cgroup2MountPoint, type MountEntry } from './mountinfo.js';

export type DiskThrottleBackend = 'cgroup2-io' | 'cgroup1-blkio';

export type BackendChoice =
  | { backend: DiskThrottleBackend; hierarchyRoot: string }
  | { backend: null; reason: string };

export interface HierarchyFacts {
  /** Contents of <cgroup2 root>/cgroup.controllers, or null when unreadable. */
  cgroup2Controllers: string | null;
  /** Whether <blkio mount>/blkio.throttle.write_bps_device exists (kernel built with CONFIG_BLK_DEV_THROTTLING). */
  blkioThrottleFiles: (blkioRoot: string) => boolean;
}

/**
 * cgroup v2's io controller when the v2 hierarchy has it (it also throttles buffered writeback), else cgroup v1's
 * blkio throttle, else why neither is usable.
 */
export function chooseBackend(mounts: MountEntry[], facts: HierarchyFacts): BackendChoice {
  const v2 = cgroup2MountPoint(mounts);
  if (v2 && (facts.cgroup2Controllers ?? '').split(/\s+/).includes('io')) {
    return { backend: 'cgroup2-io', hierarchyRoot: v2 };
  }
  const blkio = cgroup1ControllerMountPoint(mounts, 'blkio');
  if (blkio && facts.blkioThrottleFiles(blkio)) return { backend: 'cgroup1-blkio', hierarchyRoot: blkio };
  if (blkio) {
    return {
      backend: null,
      reason: `cgroup v1 blkio at ${blkio} has no throttle files (kernel without CONFIG_BLK_DEV_THROTTLING)`,
    };
  }
  return {
    backend: null,
    reason: v2
      ? `the cgroup2 hierarchy at ${v2} has no io controller and no cgroup v1 blkio hierarchy is mounted`
      : 'neither cgroup2 (with the io controller) nor cgroup v1 blkio is mounted',
  };
}

/** File → lines to write, one write per line (the kernel takes one rule per write). */
export type ThrottleWrites = Array<{ file: string; line: string }>;

/**
 * The throttle settings for one cgroup. A null rate removes that direction's limit ("0" in v1, "max" in v2), so the
 * same function sets, changes and lifts limits.
 */
export function throttleWrites(
  backend: DiskThrottleBackend,
  devices: DeviceNumber[],
  rates: DiskRates,
): ThrottleWrites {
  const value = (rate: number | null, none: string) => (rate === null ? none : String(Math.max(1, Math.round(rate))));
  return devices.flatMap((device): ThrottleWrites => {
    const dev = formatDevice(device);
    if (backend === 'cgroup2-io') {
      const read = value(rates.readBytesPerSecond, 'max');
      const write = value(rates.writeBytesPerSecond, 'max');
      return [{ file: 'io.max', line: `${dev} rbps=${read} wbps=${write}` }];
    }
    return [
      { file: 'blkio.throttle.read_bps_device', line: `${dev} ${value(rates.readBytesPerSecond, '0')}` },
      { file: 'blkio.throttle.write_bps_device', line: `${dev} ${value(rates.writeBytesPerSecond, '0')}` },
    ];
  });
}

/** The real uid from /proc/<pid>/status ("Uid:\treal\teffective\tsaved\tfs"), the uid the monitors key on. */
export function realUidFromStatus(status: string): number | null {
  const match = /^Uid:\s+(\d+)/m.exec(status);
  return match ? Number(match[1]) : null;
}

/** Unique devices, in order. */
export function uniqueDevices(devices: DeviceNumber[]): DeviceNumber[] {
  const seen = new Set<string>();
  return devices.filter((d) => {
    const key = formatDevice(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
