// /proc/self/mountinfo, parsed: where cgroup2 and the cgroup v1 controllers are mounted (hybrid systems have both;
// pure cgroup2 systems mount it at /sys/fs/cgroup) and which device backs a mount point. Pure; the caller reads.
import { parseDevice, type DeviceNumber } from './device-numbers.js';

export const MOUNTINFO_PATH = '/proc/self/mountinfo';

export interface MountEntry {
  device: DeviceNumber;
  /** Root of the mount within its filesystem ("/" unless a bind mount of a subdirectory). */
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
  superOptions: string[];
}

// Spaces, tabs, newlines and backslashes in paths are written as octal escapes (\040 for a space).
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** One entry per well-formed line; malformed lines are skipped. */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
    const fields = line.trim().split(' ');
    const separator = fields.indexOf('-');
    if (separator < 6 || fields.length < separator + 3) continue;
    const device = parseDevice(fields[2]!);
    if (!device) continue;
    entries.push({
      device,
      root: unescape(fields[3]!),
      mountPoint: unescape(fields[4]!),
      fsType: fields[separator + 1]!,
      source: unescape(fields[separator + 2]!),
      superOptions: (fields[separator + 3] ?? '').split(','),
    });
  }
  return entries;
}

/** The cgroup2 mount point, or null when cgroup2 is not mounted. The first one wins (it is usually the only one). */
export function cgroup2MountPoint(entries: MountEntry[]): string | null {
  return entries.find((e) => e.fsType === 'cgroup2' && e.root === '/')?.mountPoint ?? null;
}

/** Where a cgroup v1 controller (e.g. "blkio") is mounted, or null. */
export function cgroup1ControllerMountPoint(entries: MountEntry[], controller: string): string | null {
  const mount = entries.find((e) => e.fsType === 'cgroup' && e.root === '/' && e.superOptions.includes(controller));
  return mount?.mountPoint ?? null;
}

/** The mount that contains `path` (the longest mount point that is a prefix of it; later mounts shadow earlier). */
export function mountOf(entries: MountEntry[], path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const entry of entries) {
    const point = entry.mountPoint;
    const contains = point === '/' || path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (contains && (!best || point.length >= best.mountPoint.length)) best = entry;
  }
  return best;
}
