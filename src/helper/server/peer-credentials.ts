// Who is on the other end of an accepted Unix socket, from the kernel: SO_PEERCRED (pid, uid, gid) and
// SO_PEERGROUPS (supplementary groups), both captured when the peer called connect() and impossible to forge.
//
// Groups come from SO_PEERGROUPS (Linux ≥ 4.13) rather than /proc/<pid>/status because the pid can be reused: a
// process can connect, hand the socket to a child and exit, and /proc would then describe whoever got the pid next.
// /proc is only the fallback for older kernels, and only trusted when its effective uid matches SO_PEERCRED's.

import koffi from 'koffi';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { PeerCredentialsError } from './errors.js';
import type { PeerCredentials } from './types.js';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const SO_PEERGROUPS = 59;
const ERANGE = 34;
const UCRED_BYTES = 12;
/** NGROUPS_MAX on Linux. */
const MAX_GROUPS = 65536;

interface Ucred {
  pid: number;
  uid: number;
  gid: number;
}

interface LibcSockopt {
  peerCred(fd: number, level: number, name: number, out: Partial<Ucred>, length: number[]): number;
  peerGroups(fd: number, level: number, name: number, out: Uint32Array, length: number[]): number;
}

let libc: LibcSockopt | undefined;

/** libc is loaded once, on the first connection. */
function sockopt(): LibcSockopt {
  if (!libc) {
    const lib = koffi.load('libc.so.6');
    const ucred = koffi.struct({ pid: 'int32_t', uid: 'uint32_t', gid: 'uint32_t' });
    const length = koffi.inout(koffi.pointer('uint32_t'));
    libc = {
      peerCred: lib.func('getsockopt', 'int', ['int', 'int', 'int', koffi.out(koffi.pointer(ucred)), length]),
      peerGroups: lib.func('getsockopt', 'int', ['int', 'int', 'int', 'void *', length]),
    };
  }
  return libc;
}

/** The file descriptor behind a net.Socket accepted from a Unix-socket server (Node's Pipe handle exposes it). */
function socketFd(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
    throw new PeerCredentialsError('the socket has no file descriptor to read peer credentials from');
  }
  return fd;
}

function peerGroupsFromSocket(fd: number): number[] | null {
  const { peerGroups } = sockopt();
  let capacity = 64;
  for (;;) {
    const buffer = new Uint32Array(capacity);
    const length = [capacity * 4];
    if (peerGroups(fd, SOL_SOCKET, SO_PEERGROUPS, buffer, length) === 0) {
      return Array.from(buffer.subarray(0, Math.floor((length[0] ?? 0) / 4)));
    }
    const errno = koffi.errno();
    const needed = Math.ceil((length[0] ?? 0) / 4);
    if (errno !== ERANGE || needed <= capacity || needed > MAX_GROUPS) return null;
    capacity = needed;
  }
}

/** The `Groups:` of a /proc/<pid>/status text, if its effective uid (second `Uid:` field) is `expectedUid`. */
export function parseProcStatusGroups(statusText: string, expectedUid: number): number[] | null {
  const uidLine = /^Uid:\s+(\d+)\s+(\d+)/m.exec(statusText);
  if (!uidLine || Number(uidLine[2]) !== expectedUid) return null;
  const groupsLine = /^Groups:[ \t]*(.*)$/m.exec(statusText);
  if (!groupsLine) return null;
  return (groupsLine[1] ?? '')
    .trim()
    .split(/\s+/)
    .filter((field) => field !== '')
    .map(Number)
    .filter((gid) => Number.isInteger(gid) && gid >= 0);
}

function peerGroupsFromProc(pid: number, uid: number): number[] | null {
  if (pid <= 0) return null;
  try {
    return parseProcStatusGroups(readFileSync(`/proc/${pid}/status`, 'utf8'), uid);
  } catch {
    return null; // the process is gone: no supplementary groups, which can only lower its rights
  }
}

/**
 * Reads the peer's credentials of an accepted connection. Throws PeerCredentialsError when they cannot be read;
 * the caller must then refuse the connection. Supplementary groups that cannot be read count as none.
 */
export function readPeerCredentials(socket: Socket): PeerCredentials {
  const fd = socketFd(socket);
  const cred: Partial<Ucred> = {};
  const length = [UCRED_BYTES];
  if (sockopt().peerCred(fd, SOL_SOCKET, SO_PEERCRED, cred, length) !== 0) {
    throw new PeerCredentialsError(`getsockopt(SO_PEERCRED) failed with errno ${koffi.errno()}`);
  }
  const { pid, uid, gid } = cred;
  if (typeof pid !== 'number' || typeof uid !== 'number' || typeof gid !== 'number') {
    throw new PeerCredentialsError('getsockopt(SO_PEERCRED) returned no credentials');
  }
  const groups = peerGroupsFromSocket(fd) ?? peerGroupsFromProc(pid, uid) ?? [];
  return { pid, uid, gid, groups };
}
