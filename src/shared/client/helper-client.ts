// A typed client of the helper's socket, for the CLI and Electron main (the renderer reaches it through main).
// One connection; calls are correlated by id and may complete in any order. Reconnecting is the caller's policy:
// watch onDisconnect and connect again.

import { connect as connectSocket, type Socket } from 'node:net';
import {
  ErrorCode,
  FrameDecoder,
  MAX_FRAME_BYTES,
  MAX_SERVER_FRAME_BYTES,
  encodeFrame,
  exceedsUtf8Bytes,
  isPushName,
  parseServerFrame,
  pushes,
  type EventsQueryResult,
  type MethodName,
  type ParamsOf,
  type PushMessage,
  type ResultOf,
  type Topic,
} from '../protocol.js';
import type { EventTable } from '../event-rows.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export class HelperClientError extends Error {
  override name = 'HelperClientError';
}

/** The socket is missing, refused or inaccessible: the helper is not running, or not reachable from here. */
export class HelperUnreachableError extends HelperClientError {
  override name = 'HelperUnreachableError';
  constructor(
    readonly socketPath: string,
    /** ENOENT, ECONNREFUSED, EACCES, ETIMEDOUT, ... */
    readonly causeCode: string,
    /** What to do about it, for a person. */
    readonly hint: string,
  ) {
    super(`cannot reach the DOTS Family helper at ${socketPath} (${causeCode}): ${hint}`);
  }
}

/** The helper answered with an error. */
export class HelperRequestError extends HelperClientError {
  override name = 'HelperRequestError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly method: string | null = null,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class HelperTimeoutError extends HelperClientError {
  override name = 'HelperTimeoutError';
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`the helper did not answer ${method} within ${timeoutMs} ms`);
  }
}

/** The connection ended (or was closed) before an answer came. */
export class HelperDisconnectedError extends HelperClientError {
  override name = 'HelperDisconnectedError';
}

export interface ConnectOptions {
  /** Limit for connecting, and the default limit for each call. Default 10 s. */
  timeoutMs?: number;
  /** Where an exception thrown by a push listener goes. Default: console.error. */
  onListenerError?: (error: unknown) => void;
}

export interface CallOptions {
  timeoutMs?: number;
}

export type PushListener = (message: PushMessage) => void;

interface PendingCall {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Subscription {
  topics: ReadonlySet<Topic>;
  listener: PushListener;
}

function unreachable(socketPath: string, code: string, timeoutMs: number): HelperUnreachableError {
  const hints: Record<string, string> = {
    ENOENT: 'the socket does not exist, so the helper is not running; start it with `sudo systemctl start dots-family-helper`',
    ECONNREFUSED:
      'nothing is listening on the socket; the helper stopped or crashed — see `journalctl -u dots-family-helper` and restart it',
    EACCES: 'permission denied on the socket or its directory; they should be world-accessible (srw-rw-rw-, 0755)',
    ETIMEDOUT: `the helper did not accept the connection within ${timeoutMs} ms; it may be overloaded or stuck`,
  };
  return new HelperUnreachableError(socketPath, code, hints[code] ?? 'check that the helper is running');
}

export class HelperClient {
  private readonly pending = new Map<number, PendingCall>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly disconnectListeners = new Set<(error: Error | null) => void>();
  private readonly decoder = new FrameDecoder(MAX_SERVER_FRAME_BYTES);
  private nextId = 1;
  /** Why the connection is gone; set once. */
  private endedWith: Error | null | undefined;
  /** The last error the helper sent without a request id (e.g. why it refused the connection). */
  private lastUnaddressedError: HelperRequestError | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly socketPath: string,
    private readonly timeoutMs: number,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.finish(new HelperDisconnectedError(`connection to the helper failed: ${error.message}`)));
    socket.on('close', () =>
      this.finish(this.lastUnaddressedError ?? new HelperDisconnectedError('the helper closed the connection')),
    );
  }

  /** Connects to the helper's socket; rejects with HelperUnreachableError when it is not there. */
  static connect(socketPath: string, options: ConnectOptions = {}): Promise<HelperClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const onListenerError =
      options.onListenerError ?? ((error: unknown) => console.error('dots-family: a push listener threw:', error));
    return new Promise((resolve, reject) => {
      const socket = connectSocket(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(unreachable(socketPath, 'ETIMEDOUT', timeoutMs));
      }, timeoutMs);
      const onError = (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(unreachable(socketPath, error.code ?? 'EIO', timeoutMs));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new HelperClient(socket, socketPath, timeoutMs, onListenerError));
      });
    });
  }

  get connected(): boolean {
    return this.endedWith === undefined;
  }

  /** events.query: rows typed by the table asked for. */
  call<T extends EventTable>(
    method: 'events.query',
    params: ParamsOf<'events.query'> & { table: T },
    options?: CallOptions,
  ): Promise<EventsQueryResult<T>>;
  call<M extends MethodName>(method: M, params: ParamsOf<M>, options?: CallOptions): Promise<ResultOf<M>>;
  call(method: MethodName, params: unknown, options: CallOptions = {}): Promise<unknown> {
    if (this.endedWith !== undefined) {
      return Promise.reject(this.endedWith ?? new HelperDisconnectedError('the client is closed'));
    }
    const id = this.nextId;
    this.nextId = this.nextId >= Number.MAX_SAFE_INTEGER ? 1 : this.nextId + 1;
    const frame = encodeFrame({ id, method, params });
    if (exceedsUtf8Bytes(frame, MAX_FRAME_BYTES + 1)) {
      return Promise.reject(
        new HelperRequestError(ErrorCode.FrameTooLarge, `${method} request exceeds ${MAX_FRAME_BYTES} bytes`, method),
      );
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id); // an answer arriving later is dropped
        reject(new HelperTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  /**
   * Subscribes to topics and calls `listener` with every push of them. Resolves once the helper has confirmed;
   * the returned function removes the listener and unsubscribes from topics no other listener wants.
   */
  async subscribe(topics: readonly Topic[], listener: PushListener): Promise<() => Promise<void>> {
    const subscription: Subscription = { topics: new Set(topics), listener };
    await this.call('subscribe', { topics: [...topics] });
    this.subscriptions.add(subscription);
    return async () => {
      if (!this.subscriptions.delete(subscription)) return;
      const stillWanted = new Set([...this.subscriptions].flatMap((other) => [...other.topics]));
      const unwanted = topics.filter((topic) => !stillWanted.has(topic));
      if (unwanted.length > 0 && this.connected) await this.call('unsubscribe', { topics: unwanted });
    };
  }

  /** Called once when the connection ends: with null after close(), with the reason otherwise. */
  onDisconnect(listener: (error: Error | null) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /** Ends the connection; pending calls reject with HelperDisconnectedError. */
  close(): Promise<void> {
    if (this.endedWith !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.finish(null);
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.decoder.push(chunk)) {
      if (frame.kind !== 'frame') {
        this.abort(`the helper sent ${frame.kind === 'too_large' ? 'an oversized' : 'a non-UTF-8'} frame`);
        return;
      }
      const message = parseServerFrame(frame.text);
      if (message === null) {
        this.abort('the helper sent a frame that is not a protocol message');
        return;
      }
      if ('push' in message) {
        this.deliver(message.push, message.data);
        continue;
      }
      if (message.id === null) {
        // An error the helper could not tie to a request: it concerns the whole connection.
        if (message.ok) continue;
        const error = new HelperRequestError(message.error.code, message.error.message, null, message.error.details);
        this.lastUnaddressedError = error;
        this.rejectAll(error);
        continue;
      }
      const call = this.pending.get(message.id);
      if (!call) continue; // timed out already
      this.pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.ok) call.resolve(message.result);
      else call.reject(new HelperRequestError(message.error.code, message.error.message, call.method, message.error.details));
    }
  }

  private deliver(push: string, data: unknown): void {
    if (!isPushName(push)) return; // a newer helper's push this client does not know
    const topic = pushes[push].topic;
    const message = { push, data } as PushMessage;
    for (const subscription of this.subscriptions) {
      if (!subscription.topics.has(topic)) continue;
      try {
        subscription.listener(message);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  private abort(reason: string): void {
    this.finish(new HelperDisconnectedError(`${reason}; connection to ${this.socketPath} dropped`));
    this.socket.destroy();
  }

  private rejectAll(error: Error): void {
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.pending.clear();
  }

  private finish(error: Error | null): void {
    if (this.endedWith !== undefined) return;
    this.endedWith = error;
    this.rejectAll(error ?? new HelperDisconnectedError('the client was closed'));
    for (const listener of this.disconnectListeners) listener(error);
    this.disconnectListeners.clear();
  }
}

/** Connects to the helper's socket. Shorthand for HelperClient.connect. */
export function connect(socketPath: string, options: ConnectOptions = {}): Promise<HelperClient> {
  return HelperClient.connect(socketPath, options);
}
