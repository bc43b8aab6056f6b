// The helper's Unix-socket server: accept, identify the peer by its kernel credentials, serve requests, publish.

import { createServer, type Socket } from 'node:net';
import {
  ErrorCode,
  encodeFrame,
  pushes,
  type ProtocolError,
  type PushDataOf,
  type PushName,
} from '../../shared/protocol.js';
import { groupId } from '../system/accounts.js';
import { Connection, type ConnectionEnvironment } from './connection.js';
import { PeerCredentialsError } from './errors.js';
import { readPeerCredentials } from './peer-credentials.js';
import { adminVia } from './roles.js';
import { applySocketOwnership, prepareSocketPath, removeOwnSocket, socketInode } from './socket-file.js';
import type { HelperServer, PeerCredentials, ServerLimits, ServerOptions } from './types.js';

export const DEFAULT_PARENTS_GROUP = 'dots-family';

/**
 * World-connectable, on purpose. Children must reach the helper to read their own status, so a 0660
 * root:dots-family socket would lock out exactly the accounts that need it, and a second socket would double the
 * surface. Connecting proves nothing here: every request is authorized from the peer's SO_PEERCRED/SO_PEERGROUPS
 * credentials, which the kernel records at connect() and no client can forge, and an account that is neither admin
 * nor a watched child gets permission_denied for every request. What an open socket does allow — opening
 * connections — is bounded by per-uid and total connection caps and per-connection input and output caps.
 * The file is still owned root:<parents group> so `ls -l` shows whose it is.
 */
export const DEFAULT_SOCKET_MODE = 0o666;

export const DEFAULT_LIMITS: ServerLimits = {
  maxQueuedOutputBytes: 16 * 1024 * 1024,
  maxInFlightPerConnection: 32,
  maxConnections: 256,
  maxConnectionsPerUnprivilegedUid: 16,
};

/** How long a parents-group lookup is trusted: `groupadd` takes effect within this, without a restart. */
const GROUP_CACHE_MS = 5000;

/** The parents group's gid, looked up through NSS at most every GROUP_CACHE_MS. */
class ParentsGroup {
  private gidValue: number | null = null;
  private checkedAtMs = -Infinity;
  private lookup: Promise<number | null> | null = null;
  private warnedMissing = false;

  constructor(
    readonly name: string,
    private readonly resolve: (name: string) => Promise<number | null>,
    private readonly log: ServerOptions['log'],
  ) {}

  gid(): Promise<number | null> {
    if (Date.now() - this.checkedAtMs < GROUP_CACHE_MS) return Promise.resolve(this.gidValue);
    this.lookup ??= this.refresh().finally(() => {
      this.lookup = null;
    });
    return this.lookup;
  }

  private async refresh(): Promise<number | null> {
    try {
      this.gidValue = await this.resolve(this.name);
    } catch (error) {
      // Keep the last known gid: a failing lookup should neither grant nor revoke rights by itself.
      this.log.warn(`server: looking up group '${this.name}' failed: ${String(error)}`);
    }
    this.checkedAtMs = Date.now();
    if (this.gidValue === null && !this.warnedMissing) {
      this.warnedMissing = true;
      this.log.warn(
        `server: parents group '${this.name}' does not exist, so only root can administer; ` +
          `create it with 'groupadd ${this.name}' and add the parents' accounts to it`,
      );
    } else if (this.gidValue !== null) {
      this.warnedMissing = false;
    }
    return this.gidValue;
  }
}

function refuse(socket: Socket, error: ProtocolError): void {
  socket.end(encodeFrame({ id: null, ok: false, error }));
  setTimeout(() => socket.destroy(), 1000).unref();
}

export async function startServer(options: ServerOptions): Promise<HelperServer> {
  const { socketPath, log } = options;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const parentsGroup = new ParentsGroup(
    options.authorize.parentsGroup ?? DEFAULT_PARENTS_GROUP,
    options.authorize.resolveGroupId ?? groupId,
    log,
  );
  const env: ConnectionEnvironment = {
    handlers: options.handlers,
    log,
    validateResults: options.validateResults ?? true,
    limits,
    parentsGroup: parentsGroup.name,
    resolveChild: options.authorize.resolveChild,
  };
  const connections = new Set<Connection>();
  let closing = false;

  const unprivilegedConnections = (uid: number) =>
    [...connections].filter((connection) => !connection.isAdmin && connection.peer.uid === uid).length;

  async function accept(socket: Socket): Promise<void> {
    // A client may reset the connection at any moment; without a listener that would crash the helper.
    socket.on('error', (error) => log.debug(`server: connection error: ${error.message}`));
    if (closing) {
      socket.destroy();
      return;
    }
    let peer: PeerCredentials;
    try {
      peer = readPeerCredentials(socket);
    } catch (error) {
      const reason = error instanceof PeerCredentialsError ? error.message : String(error);
      log.warn(`server: refused a connection whose credentials could not be read: ${reason}`);
      refuse(socket, {
        code: ErrorCode.PermissionDenied,
        message: 'the helper could not verify who is connecting; connection refused',
      });
      return;
    }
    const via = adminVia(peer, await parentsGroup.gid());
    if (closing || socket.destroyed) {
      socket.destroy();
      return;
    }
    if (connections.size >= limits.maxConnections) {
      log.warn(`server: refused uid ${peer.uid} pid ${peer.pid}: ${connections.size} connections already open`);
      refuse(socket, { code: ErrorCode.Unavailable, message: 'the helper has too many connections; try again later' });
      return;
    }
    if (!via && unprivilegedConnections(peer.uid) >= limits.maxConnectionsPerUnprivilegedUid) {
      log.warn(`server: refused uid ${peer.uid} pid ${peer.pid}: too many connections from this account`);
      refuse(socket, { code: ErrorCode.Unavailable, message: 'too many connections from this account' });
      return;
    }
    const connection = new Connection(socket, peer, via, env);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
    log.debug(`server: connection from ${connection.label} (${via ?? 'not admin'})`);
    socket.resume();
  }

  await prepareSocketPath(socketPath, log);
  // Paused until the peer is identified, so no request is read before its sender is known.
  const server = createServer({ pauseOnConnect: true });
  server.on('connection', (socket) => {
    accept(socket).catch((error: unknown) => {
      log.error(`server: accepting a connection failed: ${error instanceof Error ? error.stack : String(error)}`);
      socket.destroy();
    });
  });
  server.on('error', (error) => log.error(`server: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  applySocketOwnership(socketPath, options.socketMode ?? DEFAULT_SOCKET_MODE, await parentsGroup.gid(), log);
  const inode = socketInode(socketPath);
  log.info(`server: listening on ${socketPath}`);

  let closed: Promise<void> | undefined;

  return {
    socketPath,

    publish<P extends PushName>(push: P, data: PushDataOf<P>): void {
      const topic = pushes[push].topic;
      let adminFrame: string | undefined;
      const encodeOnce = () => (adminFrame ??= encodeFrame({ push, data }));
      for (const connection of connections) {
        if (connection.isSubscribed(topic)) connection.deliverPush(push, data, encodeOnce);
      }
    },

    connectionCount: () => connections.size,

    close(): Promise<void> {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const open = [...connections];
        for (const connection of open) connection.end();
        await Promise.all(open.map((connection) => connection.closed));
        await stopped;
        removeOwnSocket(socketPath, inode, log);
        log.info(`server: closed ${socketPath}`);
      })();
      return closed;
    },
  };
}
