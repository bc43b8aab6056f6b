// Desktop notifications in a child's session: notify-send run as the child (its uid and gid, no supplementary
// groups, no shell), on the session bus of its systemd --user instance. Run as the child, not as root, so the child's
// own bus (which the child controls) never talks to a root process. Without a bus (not logged in graphically) or
// without notify-send, the notice is skipped and logged: the alert push still reaches the child's DOTS clients.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Logger } from '../log.js';
import { accountByUid } from '../system/accounts.js';

export interface DesktopNotice {
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
}

export interface DesktopNotifierOptions {
  log: Logger;
  /** Default 'notify-send' (libnotify-bin), looked up in a fixed PATH. */
  command?: string;
  /** Where a uid's session bus lives. Default /run/user/<uid>. */
  runtimeDir?: (uid: number) => string;
  /** The account's primary gid. Default: NSS (getent). */
  lookupGid?: (uid: number) => Promise<number | null>;
}

const NOTIFY_TIMEOUT_MS = 10_000;
const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';

export class DesktopNotifier {
  /** notify-send processes running as a child now: not to be ended with the child's programs. */
  readonly ownPids = new Set<number>();
  private readonly gids = new Map<number, number | null>();
  private missingCommandLogged = false;

  constructor(private readonly options: DesktopNotifierOptions) {}

  /**
   * Looks up the account's gid ahead of time, so that notify() can start notify-send at once — before the account's
   * programs are denied at exec, which would kill notify-send too.
   */
  async prepare(uid: number): Promise<void> {
    if (this.gids.has(uid)) return;
    try {
      const gid = await (this.options.lookupGid ?? defaultLookupGid)(uid);
      this.gids.set(uid, gid);
    } catch (error) {
      this.options.log.warn(`desktop notifications for uid ${uid}: ${(error as Error).message}`);
    }
  }

  /** Shows `notice` in the session of `uid`, if it has one. Never throws. Returns whether notify-send was started. */
  notify(uid: number, notice: DesktopNotice): boolean {
    const { log } = this.options;
    const gid = this.gids.get(uid);
    if (gid === undefined) {
      void this.prepare(uid);
      log.info(`desktop notice for uid ${uid} skipped: its account is still being looked up`);
      return false;
    }
    if (gid === null) {
      log.info(`desktop notice for uid ${uid} skipped: no such account`);
      return false;
    }
    const runtimeDir = (this.options.runtimeDir ?? ((u) => `/run/user/${u}`))(uid);
    const bus = `${runtimeDir}/bus`;
    if (!existsSync(bus)) {
      log.debug(`desktop notice for uid ${uid} skipped: no session bus at ${bus} (not logged in)`);
      return false;
    }
    const args = ['--app-name=DOTS Family', `--urgency=${notice.urgency}`, '--', notice.title, notice.body];
    try {
      const child = spawn(this.options.command ?? 'notify-send', args, {
        uid,
        gid,
        cwd: '/',
        // Only what notify-send needs: DISPLAY and the rest of root's environment stay out.
        env: { DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus}`, XDG_RUNTIME_DIR: runtimeDir, PATH: SAFE_PATH },
        stdio: 'ignore',
        timeout: NOTIFY_TIMEOUT_MS,
      });
      const pid = child.pid;
      if (pid !== undefined) this.ownPids.add(pid);
      child.on('error', (error: NodeJS.ErrnoException) => this.failed(uid, error));
      child.on('exit', (code, signal) => {
        if (pid !== undefined) this.ownPids.delete(pid);
        if (code !== 0) log.info(`notify-send for uid ${uid} ended with ${signal ?? `exit code ${code}`}`);
      });
      return pid !== undefined;
    } catch (error) {
      this.failed(uid, error as NodeJS.ErrnoException);
      return false;
    }
  }

  private failed(uid: number, error: NodeJS.ErrnoException): void {
    if (error.code === 'ENOENT') {
      if (!this.missingCommandLogged) {
        this.options.log.warn(
          'notify-send is not installed (Debian/Ubuntu: libnotify-bin): children get no desktop warnings, ' +
            'only the alerts their DOTS Family app shows',
        );
      }
      this.missingCommandLogged = true;
      return;
    }
    this.options.log.warn(`desktop notice for uid ${uid} failed: ${error.message}`);
  }
}

async function defaultLookupGid(uid: number): Promise<number | null> {
  return (await accountByUid(uid))?.gid ?? null;
}
