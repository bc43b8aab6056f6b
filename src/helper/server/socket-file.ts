// The socket file's life: its directory, a stale file left by a crashed helper, its mode and owner, its removal.

import { chmodSync, chownSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { SocketInUseError } from './errors.js';
import type { ServerOptions } from './types.js';

const PROBE_TIMEOUT_MS = 1000;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Whether something accepts connections on a socket file. */
function probe(socketPath: string): Promise<'live' | 'stale' | 'gone'> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('live'); // a full accept backlog: something is there, just busy
    }, PROBE_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      const code = errorCode(error);
      if (code === 'ECONNREFUSED') resolve('stale');
      else if (code === 'ENOENT') resolve('gone');
      else reject(new SocketInUseError(`cannot probe ${socketPath}: ${error.message}`));
    });
  });
}

/**
 * Makes the socket directory (0755, so unprivileged clients can reach the socket in it) and clears the way for
 * the socket: a stale socket from a crashed helper is removed, but a live one — another helper — or anything that
 * is not a socket is left alone and startup fails.
 */
export async function prepareSocketPath(socketPath: string, log: ServerOptions['log']): Promise<void> {
  const directory = dirname(socketPath);
  try {
    statSync(directory);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    mkdirSync(directory, { recursive: true, mode: 0o755 });
    chmodSync(directory, 0o755); // mkdir's mode is filtered through the umask
    log.info(`server: created socket directory ${directory}`);
  }

  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) {
    throw new SocketInUseError(`${socketPath} exists and is not a socket; refusing to replace it`);
  }
  const state = await probe(socketPath);
  if (state === 'live') {
    throw new SocketInUseError(`another process (a running helper?) is listening on ${socketPath}; not starting`);
  }
  if (state === 'stale') {
    unlinkSync(socketPath);
    log.info(`server: removed stale socket ${socketPath} (nothing was listening on it)`);
  }
}

export function applySocketOwnership(
  socketPath: string,
  mode: number,
  groupId: number | null,
  log: ServerOptions['log'],
): void {
  chmodSync(socketPath, mode);
  if (process.getuid?.() !== 0) {
    log.warn(`server: not running as root; ${socketPath} stays owned by uid ${process.getuid?.()}`);
    return;
  }
  chownSync(socketPath, 0, groupId ?? 0);
}

/** The socket file's inode, to recognise our own socket when it is time to remove it. */
export function socketInode(socketPath: string): number | null {
  try {
    return lstatSync(socketPath).ino;
  } catch {
    return null;
  }
}

/** Removes the socket file if it is still the one we created (a newer helper may have replaced it). */
export function removeOwnSocket(socketPath: string, inode: number | null, log: ServerOptions['log']): void {
  try {
    if (inode !== null && lstatSync(socketPath).ino === inode) unlinkSync(socketPath);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') log.warn(`server: could not remove ${socketPath}: ${String(error)}`);
  }
}
