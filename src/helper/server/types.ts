// What the socket server is given and what it hands to handlers.

import type { Logger } from '../log.js';
import type {
  AdminVia,
  HandlerMethodName,
  HandlerParamsOf,
  HandlerResultOf,
  PushDataOf,
  PushName,
} from '../../shared/protocol.js';

/** The kernel's word on who is at the other end of a connection (SO_PEERCRED, SO_PEERGROUPS), at connect time. */
export interface PeerCredentials {
  pid: number;
  /** effective uid and gid of the connecting process */
  uid: number;
  gid: number;
  /** supplementary groups */
  groups: readonly number[];
}

/** Who is calling, as handlers see it. A child's profile is the one its account belongs to right now. */
export type CallerIdentity =
  | (PeerCredentials & { role: 'admin'; via: AdminVia })
  | (PeerCredentials & { role: 'child'; profileId: number; profileName: string });

/** The profile an account belongs to. */
export interface ChildProfile {
  profileId: number;
  profileName: string;
}

/**
 * A request handler. Params are validated (defaults applied); for a child caller, `params.profile` of a
 * child-access method has been checked and replaced by the child's numeric profile id. Throw HelperError for an
 * expected failure (not_found, conflict, ...); anything else becomes `internal` with its stack in the log.
 */
export type Handler<M extends HandlerMethodName> = (
  params: HandlerParamsOf<M>,
  caller: CallerIdentity,
) => Promise<HandlerResultOf<M>> | HandlerResultOf<M>;

/** One handler per method. Annotate the helper's table with this type so a missing method fails the build. */
export type HandlerTable = { [M in HandlerMethodName]: Handler<M> };

/** The helper's Logger (src/helper/log.ts) fits; the server needs only these. */
export type ServerLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface AuthorizeOptions {
  /** Members of this group (primary or supplementary, at connect time) are admins. Default 'dots-family'. */
  parentsGroup?: string;
  /**
   * The profile an account is watched under, or null. Called on every request and push of a non-admin connection
   * so that adding or removing an account takes effect at once; keep it cheap (a synchronous lookup).
   */
  resolveChild: (uid: number) => ChildProfile | null;
  /** gid of a group by name, null if none. Default: NSS through getent (src/helper/system/accounts.ts). */
  resolveGroupId?: (name: string) => Promise<number | null>;
}

export interface ServerLimits {
  /** Output queued for one client before it is dropped as too slow. Default 16 MiB. */
  maxQueuedOutputBytes: number;
  /** Requests of one connection running at once; past it the server stops reading that socket. Default 32. */
  maxInFlightPerConnection: number;
  /** Connections in total. Default 256. */
  maxConnections: number;
  /** Connections of one non-admin uid. Default 16. */
  maxConnectionsPerUnprivilegedUid: number;
}

export interface ServerOptions {
  socketPath: string;
  /** Methods without a handler answer `unavailable`. */
  handlers: Partial<HandlerTable>;
  authorize: AuthorizeOptions;
  log: ServerLogger;
  /** Default 0o666; see the comment on DEFAULT_SOCKET_MODE in server.ts before changing it. */
  socketMode?: number;
  limits?: Partial<ServerLimits>;
  /**
   * Check every handler result against the method's result schema (and strip unknown fields) before sending.
   * Default true: a drifting handler then fails loudly in the helper instead of subtly in a client.
   */
  validateResults?: boolean;
}

export interface HelperServer {
  readonly socketPath: string;
  /** Sends a push to every connection subscribed to its topic; a child gets only what concerns its own profile. */
  publish<P extends PushName>(push: P, data: PushDataOf<P>): void;
  connectionCount(): number;
  /** Stops accepting, ends every connection, removes the socket file. */
  close(): Promise<void>;
}
