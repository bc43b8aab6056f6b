// The BPF filesystem, where the helper pins its maps and links so that enforcement outlives the helper process (a
// restart or an upgrade leaves no gap). A machine booted without systemd may not have it mounted; the helper (root)
// mounts it, the way systemd would. Pins are plain directory entries: listing and unlinking them is ordinary fs work.
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmdirSync,
  statSync,
  statfsSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import koffi from 'koffi';

export const BPFFS_PATH = '/sys/fs/bpf';
/** Where the installed helper pins everything; `rm -r` of it (or --stop-and-detach) detaches what is not running. */
export const DEFAULT_PIN_DIR = `${BPFFS_PATH}/dots-family`;
const BPF_FS_MAGIC = 0xcafe4a11;

let mount: ((source: string, target: string, type: string, flags: number, data: null) => number) | null = null;
let flock: ((fd: number, operation: number) => number) | null = null;
const LOCK_EX = 2;
const LOCK_NB = 4;

function isBpffs(dir: string): boolean {
  try {
    return statfsSync(dir).type === BPF_FS_MAGIC;
  } catch {
    return false;
  }
}

/** The nearest existing ancestor of `dir` (the pin dir itself need not exist yet). */
function existingAncestor(dir: string): string {
  let current = path.resolve(dir);
  while (!existsSync(current)) current = path.dirname(current);
  return current;
}

/**
 * Makes `pinDir` usable: mounts bpffs at /sys/fs/bpf when the pin dir lives there and it is not mounted, then
 * creates the directory. null when usable, else why not (the helper then runs without pins, and says so).
 */
export function ensurePinDir(pinDir: string): string | null {
  const resolved = path.resolve(pinDir);
  if (!isBpffs(existingAncestor(resolved))) {
    const underDefault = resolved === BPFFS_PATH || resolved.startsWith(`${BPFFS_PATH}/`);
    if (!underDefault) return `${pinDir} is not on a BPF filesystem (mount -t bpf bpf <dir>)`;
    if (!existsSync(BPFFS_PATH)) return `${BPFFS_PATH} does not exist: the kernel lacks sysfs or bpffs`;
    mount ??= koffi
      .load('libc.so.6')
      .func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)');
    if (mount('bpf', BPFFS_PATH, 'bpf', 0, null) !== 0) {
      return `bpffs is not mounted and mounting it failed (errno ${koffi.errno()}); run: mount -t bpf bpf ${BPFFS_PATH}`;
    }
  }
  try {
    mkdirSync(resolved, { recursive: true, mode: 0o700 });
  } catch (error) {
    return `cannot create ${pinDir}: ${(error as Error).message}`;
  }
  return null;
}

/**
 * Takes the pin dir for this process (flock on the directory; the kernel drops it when the process exits). Two
 * helpers adopting the same pins would undo each other's limits, so a second one gets null and runs without pins.
 * Returns the fd to pass to unlockPinDir.
 */
export function lockPinDir(pinDir: string): number | null {
  flock ??= koffi.load('libc.so.6').func('int flock(int fd, int operation)');
  const fd = openSync(pinDir, constants.O_RDONLY | constants.O_DIRECTORY);
  if (flock(fd, LOCK_EX | LOCK_NB) === 0) return fd;
  closeSync(fd);
  return null;
}

export function unlockPinDir(fd: number): void {
  closeSync(fd);
}

/** Names directly under `dir` (none when it does not exist). */
export function listPins(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Unpins everything under `target` (a pin or a directory of pins) and removes the directories. A link whose last
 * holder was its pin detaches here; a map goes when no program uses it any more. Returns how many pins went.
 */
export function removePins(target: string): number {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) {
    unlinkSync(target);
    return 1;
  }
  let removed = 0;
  for (const name of readdirSync(target)) removed += removePins(path.join(target, name));
  rmdirSync(target);
  return removed;
}

/** Removes `dir` if it is empty (the pin root after the last object left it). */
export function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty, or already gone: both fine
  }
}

/** Removes every entry of the pin root not in `keep`: what an older build (or a stopped helper) left attached. */
export function removeStalePins(root: string, keep: Iterable<string>): string[] {
  const wanted = new Set(keep);
  const stale = listPins(root).filter((name) => !wanted.has(name));
  for (const name of stale) removePins(path.join(root, name));
  return stale;
}
