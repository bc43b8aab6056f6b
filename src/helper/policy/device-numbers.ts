// Device numbers in their two encodings. The kernel's internal dev_t (what a BPF program reads from
// inode->i_sb->s_dev, and what bpf/events.h calls "kernel dev_t") is major << 20 | minor. Userspace's dev_t (what
// stat(2) and Node's fs.Stats.dev return) is glibc's 64-bit encoding: minor bits 0-7 and 20-31, major bits 8-19 and
// 32-43. Comparing one with the other without converting silently never matches.

export interface DeviceNumber {
  major: number;
  minor: number;
}

const KERNEL_MINOR_BITS = 20;
const KERNEL_MINOR_MASK = (1 << KERNEL_MINOR_BITS) - 1;

/** Splits a userspace dev_t (fs.Stats.dev / rdev; pass the bigint form for devices above 2^53). */
export function fromUserspaceDev(dev: number | bigint): DeviceNumber {
  const d = BigInt(dev);
  // glibc's gnu_dev_major/minor: the high parts are truncated to 32 bits before masking.
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n);
  const minor = (d & 0xffn) | ((d >> 12n) & 0xffffff00n);
  return { major: Number(major), minor: Number(minor) };
}

/** The kernel's dev_t of a device: major << 20 | minor, as an unsigned 32-bit number. */
export function toKernelDev({ major, minor }: DeviceNumber): number {
  if (major < 0 || major >= 1 << 12 || minor < 0 || minor > KERNEL_MINOR_MASK) {
    throw new RangeError(`device ${major}:${minor} does not fit the kernel's dev_t (12-bit major, 20-bit minor)`);
  }
  return ((major << KERNEL_MINOR_BITS) | minor) >>> 0;
}

export function fromKernelDev(dev: number): DeviceNumber {
  return { major: dev >>> KERNEL_MINOR_BITS, minor: dev & KERNEL_MINOR_MASK };
}

/** fs.Stats.dev → the kernel encoding that BLOCKED_EXES and exec records use. */
export function kernelDevFromUserspace(dev: number | bigint): number {
  return toKernelDev(fromUserspaceDev(dev));
}

/** "254:1", as cgroup files and /proc/self/mountinfo write it. */
export function formatDevice({ major, minor }: DeviceNumber): string {
  return `${major}:${minor}`;
}

export function parseDevice(text: string): DeviceNumber | null {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}
