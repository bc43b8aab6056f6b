// libbpf attaches tp/ programs through tracefs. A freshly booted machine without systemd may not have it mounted;
// the helper (root) mounts it, the way systemd would, rather than fail every tracepoint.
import { existsSync } from 'node:fs';
import koffi from 'koffi';

export const TRACEFS_PATH = '/sys/kernel/tracing';
const LEGACY_TRACEFS_PATH = '/sys/kernel/debug/tracing';

let mount: ((source: string, target: string, type: string, flags: number, data: null) => number) | null = null;

/** null when tracefs is usable (already or now mounted), else why not. */
export function ensureTracefsMounted(): string | null {
  if (existsSync(`${TRACEFS_PATH}/events`) || existsSync(`${LEGACY_TRACEFS_PATH}/events`)) return null;
  if (!existsSync(TRACEFS_PATH)) return `${TRACEFS_PATH} does not exist: the kernel lacks tracefs (CONFIG_TRACING)`;
  mount ??= koffi.load('libc.so.6').func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)');
  if (mount('nodev', TRACEFS_PATH, 'tracefs', 0, null) !== 0) {
    return `tracefs is not mounted and mounting it failed (errno ${koffi.errno()}); run: mount -t tracefs nodev ${TRACEFS_PATH}`;
  }
  return null;
}
