// Whether and how the app may start the helper when it is not running, and the exact command for the password
// prompt. sudo-prompt takes one shell string (it runs `pkexec /bin/bash -c "<string>"`), so the string is built
// only from constants and from paths the app itself owns (its executable and resources directory), each quoted
// and refused outright if it holds a character that is special to either shell.

import type { HelperStartAdvice } from './preload-api.js';
import { DEFAULT_DB_PATH, DEFAULT_SOCKET_PATH, HELPER_LOG_PATH, SYSTEMD_UNIT_NAME, SYSTEMD_UNIT_PATHS } from './helper-paths.js';

export interface LauncherEnvironment {
  fileExists(path: string): boolean;
  /** The app's executable; run with ELECTRON_RUN_AS_NODE=1 it is the Node runtime the helper's native modules were built for. */
  executablePath: string;
  /** The helper's entry point shipped with the app (resources/helper/cli.js when packaged). */
  helperEntryPath: string;
}

export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
  constructor(readonly path: string) {
    super(
      `the path '${path}' contains characters that cannot be passed safely to the administrator prompt; ` +
        `start the helper yourself: sudo systemctl start ${SYSTEMD_UNIT_NAME}`,
    );
  }
}

/**
 * Single-quotes an absolute path for the inner bash. The outer shell sees the whole command inside double quotes,
 * where $ ` \ " ! are still special, so those (and quotes, newlines, control characters) are refused, not escaped.
 */
export function quotePath(path: string): string {
  if (!path.startsWith('/') || !/^[A-Za-z0-9 _.+@%,:=/-]+$/.test(path) || path.includes('..')) {
    throw new UnsafePathError(path);
  }
  return `'${path}'`;
}

export function findSystemdUnit(env: Pick<LauncherEnvironment, 'fileExists'>): string | null {
  return SYSTEMD_UNIT_PATHS.find((path) => env.fileExists(path)) ?? null;
}

export function decideHelperStart(env: LauncherEnvironment): HelperStartAdvice {
  const unitPath = findSystemdUnit(env);
  if (unitPath) {
    return { kind: 'systemd', unitPath, command: `sudo systemctl start ${SYSTEMD_UNIT_NAME}` };
  }
  if (!env.fileExists(env.helperEntryPath)) {
    return {
      kind: 'unavailable',
      reason: `The helper is not installed (${env.helperEntryPath} is missing). Reinstall DOTS Family.`,
    };
  }
  try {
    quotePath(env.executablePath);
    quotePath(env.helperEntryPath);
  } catch (error) {
    return { kind: 'unavailable', reason: (error as Error).message };
  }
  return { kind: 'prompt', helperPath: env.helperEntryPath };
}

function checkedFlag(flag: string): string {
  if (!/^--[a-z][a-z-]*$/.test(flag)) throw new Error(`not a plain flag: ${flag}`);
  return flag;
}

/** The fixed helper arguments: foreground daemon on the standard database and socket. */
export const HELPER_ARGS = ['--db', DEFAULT_DB_PATH, '--socket', DEFAULT_SOCKET_PATH] as const;

/**
 * The command sudo-prompt runs as root: detach (setsid -f) so the prompt returns at once and the helper outlives
 * the app, log to a root-owned file, no stdin.
 */
export function helperStartCommand(env: LauncherEnvironment): string {
  const args = HELPER_ARGS.map((arg) => (arg.startsWith('/') ? quotePath(arg) : checkedFlag(arg)));
  return [
    'setsid -f env ELECTRON_RUN_AS_NODE=1',
    quotePath(env.executablePath),
    quotePath(env.helperEntryPath),
    ...args,
    `</dev/null >>${quotePath(HELPER_LOG_PATH)} 2>&1`,
  ].join(' ');
}
