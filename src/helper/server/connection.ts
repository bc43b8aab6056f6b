// One client connection: frames in, responses and pushes out, its subscriptions, and the bounds that keep one
// client from costing the helper unbounded memory (queued input is capped by pausing the socket, queued output by
// dropping the client).

import type { Socket } from 'node:net';
import {
  ErrorCode,
  FrameDecoder,
  MAX_FRAME_BYTES,
  MAX_SERVER_FRAME_BYTES,
  TOPICS,
  encodeFrame,
  exceedsUtf8Bytes,
  type AdminVia,
  type ProtocolError,
  type PushDataOf,
  type PushName,
  type Response,
  type Topic,
} from '../../shared/protocol.js';
import { dispatchFrame, type AnyHandler, type DispatchContext } from './dispatch.js';
import { HelperError } from './errors.js';
import { checkTopicAccess, identifyCaller, notAuthorizedError, pushForChild } from './roles.js';
import type { CallerIdentity, PeerCredentials, ServerLimits, ServerOptions } from './types.js';

/** What every connection of one server shares. */
export interface ConnectionEnvironment {
  handlers: ServerOptions['handlers'];
  log: ServerOptions['log'];
  validateResults: boolean;
  limits: ServerLimits;
  parentsGroup: string;
  resolveChild: ServerOptions['authorize']['resolveChild'];
}

/** How long a connection being closed may take to flush before it is cut. */
const END_GRACE_MS = 2000;

export class Connection {
  readonly label: string;
  readonly closed: Promise<void>;
  private readonly subscriptions = new Set<Topic>();
  private readonly decoder = new FrameDecoder(MAX_FRAME_BYTES);
  private readonly dispatchContext: DispatchContext;
  /** Frames read but not yet dispatched, because maxInFlightPerConnection requests are running. */
  private backlog: string[] = [];
  private backlogHead = 0;
  private inFlight = 0;
  private paused = false;
  private ending = false;
  private endTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    readonly peer: PeerCredentials,
    readonly adminVia: AdminVia | null,
    private readonly env: ConnectionEnvironment,
  ) {
    this.label = `uid ${peer.uid} pid ${peer.pid}`;
    const handlers: Partial<Record<string, AnyHandler>> = {
      ...env.handlers,
      subscribe: (params: { topics: Topic[] }, caller: CallerIdentity) => this.subscribe(params.topics, caller),
      unsubscribe: (params: { topics: Topic[] }) => this.unsubscribe(params.topics),
    };
    this.dispatchContext = {
      identify: () => this.identify(),
      notAuthorized: () => notAuthorizedError(peer, env.parentsGroup),
      handlers,
      log: env.log,
      validateResults: env.validateResults,
      peerLabel: this.label,
    };
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => clearTimeout(this.endTimer));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  get isAdmin(): boolean {
    return this.adminVia !== null;
  }

  /** Admin rights are fixed at connect (the kernel's credentials); a child's profile is looked up each time. */
  identify(): CallerIdentity | null {
    return identifyCaller(this.peer, this.adminVia, this.adminVia ? null : this.env.resolveChild(this.peer.uid));
  }

  isSubscribed(topic: Topic): boolean {
    return this.subscriptions.has(topic);
  }

  /** Sends a push if this connection may see it: all of it for an admin, a child's own part for a child. */
  deliverPush<P extends PushName>(push: P, data: PushDataOf<P>, adminFrame: () => string): void {
    if (this.isAdmin) {
      this.write(adminFrame());
      return;
    }
    let caller: CallerIdentity | null;
    try {
      caller = this.identify();
    } catch (error) {
      this.env.log.error(`server: identifying ${this.label} for a ${push} push failed: ${String(error)}`);
      return;
    }
    if (caller?.role !== 'child') return; // the account left its profile: it gets nothing more
    const own = pushForChild(push, data, caller.profileId);
    if (own !== null) this.write(encodeFrame({ push, data: own }));
  }

  /** Ends the connection after flushing what is queued; cuts it if that takes longer than END_GRACE_MS. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    this.socket.end();
    this.endTimer = setTimeout(() => this.socket.destroy(), END_GRACE_MS);
    this.endTimer.unref();
  }

  private subscribe(topics: readonly Topic[], caller: CallerIdentity): { topics: Topic[] } {
    const denied = checkTopicAccess(topics, caller);
    if (denied) throw new HelperError(denied.code, denied.message);
    for (const topic of topics) this.subscriptions.add(topic);
    return { topics: TOPICS.filter((topic) => this.subscriptions.has(topic)) };
  }

  private unsubscribe(topics: readonly Topic[]): { topics: Topic[] } {
    for (const topic of topics) this.subscriptions.delete(topic);
    return { topics: TOPICS.filter((topic) => this.subscriptions.has(topic)) };
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    for (const frame of this.decoder.push(chunk)) {
      if (frame.kind === 'too_large') {
        this.env.log.warn(`server: ${this.label} sent a frame over ${frame.limitBytes} bytes; closing its connection`);
        this.writeError(null, {
          code: ErrorCode.FrameTooLarge,
          message: `frame exceeds ${frame.limitBytes} bytes without a newline; closing the connection`,
        });
        this.end();
        return;
      }
      if (frame.kind === 'invalid') {
        this.writeError(null, { code: ErrorCode.BadRequest, message: 'frame is not valid UTF-8 text' });
        continue;
      }
      this.backlog.push(frame.text);
    }
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.env.limits.maxInFlightPerConnection && this.backlogHead < this.backlog.length) {
      const text = this.backlog[this.backlogHead] as string;
      this.backlog[this.backlogHead++] = '';
      this.inFlight++;
      void this.run(text);
    }
    const waiting = this.backlogHead < this.backlog.length;
    if (!waiting) {
      this.backlog = [];
      this.backlogHead = 0;
    }
    // Read no more from a client whose earlier requests are still waiting for a slot.
    if (waiting && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!waiting && this.paused && !this.ending) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private async run(text: string): Promise<void> {
    try {
      this.respond(await dispatchFrame(text, this.dispatchContext));
    } catch (error) {
      // dispatchFrame answers every failure itself; reaching this is a bug in the server.
      this.env.log.error(`server: dispatching a request from ${this.label} failed: ${String(error)}`);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private respond(response: Response): void {
    const frame = encodeFrame(response);
    if (!exceedsUtf8Bytes(frame, MAX_SERVER_FRAME_BYTES)) {
      this.write(frame);
      return;
    }
    this.env.log.warn(`server: a response to ${this.label} exceeds ${MAX_SERVER_FRAME_BYTES} bytes; sent an error instead`);
    this.writeError(response.id, {
      code: ErrorCode.FrameTooLarge,
      message: `the result exceeds ${MAX_SERVER_FRAME_BYTES / (1024 * 1024)} MiB; narrow the query (shorter time range, lower limit)`,
    });
  }

  private writeError(id: number | null, error: ProtocolError): void {
    this.write(encodeFrame({ id, ok: false, error }));
  }

  private write(frame: string): void {
    if (this.ending || this.socket.destroyed) return; // closing: the client already has its final error, if any
    // Judge the queue before adding to it, so one large response to an idle client always goes out.
    if (this.socket.writableLength > this.env.limits.maxQueuedOutputBytes) {
      this.env.log.warn(
        `server: ${this.label} is not reading (${this.socket.writableLength} bytes queued); dropping the connection`,
      );
      this.ending = true;
      this.socket.destroy();
      return;
    }
    this.socket.write(frame);
  }
}
