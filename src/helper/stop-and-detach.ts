// `dots-family-helper --stop-and-detach`: stops the running helper (found through its pid file), then lifts what a
// helper keeps in force across restarts — its pinned programs, links and maps, and its disk throttle groups — so
// nothing of DOTS Family is left enforcing. The uninstall script and a sysadmin's "turn it all off" use it.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { silentLogger } from './log.js';
import { DiskThrottle } from './policy/disk-throttle.js';
import { removeIfEmpty, removePins } from './system/bpffs.js';

const STOP_TIMEOUT_MS = 30_000;

export function writePidFile(file: string): void {
  writeFileSync(file, `${process.pid}\n`, { mode: 0o644 });
}

/** Removes the pid file if it is still this process's. */
export function removePidFile(file: string): void {
  if (readPid(file) === process.pid) unlinkSync(file);
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Running, and not a zombie (an exited helper whose parent has not reaped it yet has stopped all the same). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A pid file can outlive its helper and the pid be reused: only a process that is a helper gets the signal. */
function isHelper(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((arg) => arg.endsWith('dots-family-helper') || /helper\/cli\.[jt]s$/.test(arg));
  } catch {
    return false;
  }
}

export async function stopAndDetach(pidFile: string, pinDir: string): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  const pid = readPid(pidFile);
  if (pid !== null && alive(pid) && isHelper(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) {
      return { ok: false, lines: [`helper (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; nothing detached`] };
    }
    lines.push(`stopped the helper (pid ${pid})`);
  } else {
    lines.push(pid === null ? `no helper pid file at ${pidFile}` : `the helper of ${pidFile} (pid ${pid}) is not running`);
  }
  try {
    unlinkSync(pidFile);
  } catch {
    // already gone
  }

  const pins = removePins(pinDir);
  removeIfEmpty(pinDir);
  lines.push(pins ? `unpinned ${pins} links and maps under ${pinDir}: detached` : `nothing pinned under ${pinDir}`);
  // start() removes the groups a previous run left (moving their processes back to the root group).
  const disk = new DiskThrottle({ log: silentLogger });
  if (disk.start().available) disk.close();
  lines.push('disk throttle groups removed');
  return { ok: true, lines };
}
