// The helper's scheduling priority. On a saturated machine a helper at the default priority waits for a CPU while
// the ring buffers fill, and the kernel drops records (the benchmark saw drops at nice 0 and none at -10). So the
// helper renices itself, every thread of it: Linux's setpriority() applies to one thread, and V8's and libuv's
// threads already exist by the time this runs.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** What the helper runs at unless told otherwise (the systemd unit's Nice= is the same). */
export const DEFAULT_HELPER_NICE = -10;

export function parseNice(text: string): number {
  const nice = Number(text);
  if (text.trim() === '' || !Number.isInteger(nice) || nice < -20 || nice > 19) {
    throw new RangeError(`--nice must be an integer from -20 to 19, not "${text}"`);
  }
  return nice;
}

/** Sets every thread of this process to `nice`; returns the nice value the main thread had before. */
export function setProcessNice(nice: number, taskDir = '/proc/self/task'): number {
  const before = getPriority(0);
  for (const tid of readdirSync(taskDir)) {
    try {
      setPriority(Number(tid), nice);
    } catch (error) {
      // A thread that ended between the listing and the call is fine; anything else is not.
      if ((error as { info?: { code?: string } }).info?.code !== 'ESRCH') throw error;
    }
  }
  return before;
}
