// Where the installed helper lives and listens. The packaged systemd unit uses the same paths.

import { DEFAULT_DB_PATH, DEFAULT_SOCKET_PATH } from '../shared/paths.js';

export { DEFAULT_DB_PATH, DEFAULT_SOCKET_PATH };
export const HELPER_LOG_PATH = '/var/log/dots-family-helper.log';

export const SYSTEMD_UNIT_NAME = 'dots-family-helper';
export const SYSTEMD_UNIT_PATHS = [
  '/etc/systemd/system/dots-family-helper.service',
  '/lib/systemd/system/dots-family-helper.service',
  '/usr/lib/systemd/system/dots-family-helper.service',
] as const;

/** DOTS_SOCKET (as the helper reads it) overrides the socket (development, tests); nothing else is configurable from outside. */
export function socketPathFrom(env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env.DOTS_SOCKET;
  return fromEnv && fromEnv.startsWith('/') ? fromEnv : DEFAULT_SOCKET_PATH;
}
