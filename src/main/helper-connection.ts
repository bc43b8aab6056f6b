// Main's one connection to the helper: connect, check the account is a parent's, subscribe to every topic, and
// reconnect with backoff when it drops. Plain Node (no Electron) so it is tested with a fake client and fake timers.

import {
  HelperDisconnectedError,
  HelperRequestError,
  HelperTimeoutError,
  HelperUnreachableError,
} from '../shared/client/helper-client.js';
import {
  TOPICS,
  isPushName,
  pushes,
  type MethodName,
  type ParamsOf,
  type PushMessage,
  type ResultOf,
  type Topic,
} from '../shared/protocol.js';
import { CONNECTED, CONNECTING, NotAParentError, failureState } from './connection-state.js';
import type { CallError, CallOutcome, ConnectionState, HelperStartAdvice } from './preload-api.js';
import { ReconnectPolicy } from './reconnect-policy.js';

/** What main needs of shared/client/helper-client.ts's HelperClient. */
export interface HelperClientLike {
  readonly connected: boolean;
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  subscribe(topics: readonly Topic[], listener: (message: PushMessage) => void): Promise<() => Promise<void>>;
  onDisconnect(listener: (error: Error | null) => void): () => void;
  close(): Promise<void>;
}

export interface HelperConnectionOptions {
  socketPath: string;
  connect(socketPath: string): Promise<HelperClientLike>;
  /** Asked each time the helper is found not running (a systemd unit may have been installed meanwhile). */
  startAdvice(): HelperStartAdvice;
  policy?: ReconnectPolicy;
  now?: () => number;
  setTimer?: (callback: () => void, delayMs: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  log?: (message: string) => void;
}

export function toCallError(error: unknown): CallError {
  if (error instanceof HelperRequestError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  if (
    error instanceof HelperUnreachableError ||
    error instanceof HelperDisconnectedError ||
    error instanceof HelperTimeoutError
  ) {
    return { code: 'helper_unreachable', message: error.message };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** A push's data checked against its schema; a malformed push is dropped (and logged), never forwarded. */
export function validPush(message: { push: string; data: unknown }): PushMessage | null {
  if (!isPushName(message.push)) return null;
  const parsed = pushes[message.push].data.safeParse(message.data);
  return parsed.success ? ({ push: message.push, data: parsed.data } as PushMessage) : null;
}

export class HelperConnection {
  private client: HelperClientLike | null = null;
  private connectedAtMs = 0;
  private timer: unknown = null;
  private running = false;
  private attempting = false;
  private current: ConnectionState = CONNECTING;
  private readonly policy: ReconnectPolicy;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, delayMs: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private readonly log: (message: string) => void;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly pushListeners = new Set<(message: PushMessage) => void>();
  private readonly connectedListeners = new Set<() => void>();

  constructor(private readonly options: HelperConnectionOptions) {
    this.policy = options.policy ?? new ReconnectPolicy();
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
    this.log = options.log ?? ((message) => console.warn(`dots-family: ${message}`));
  }

  get state(): ConnectionState {
    return this.current;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onPush(listener: (message: PushMessage) => void): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  /** Each time a connection is established (and subscribed). */
  onConnected(listener: () => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.attempt();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    const client = this.client;
    this.client = null;
    await client?.close();
  }

  /** Try at once (the parent just started the helper), with backoff starting over. */
  retryNow(): void {
    if (!this.running || this.client) return;
    this.policy.reset();
    this.cancelTimer();
    void this.attempt();
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<CallOutcome<M>> {
    const client = this.client;
    if (!client) {
      return {
        ok: false,
        error: { code: 'helper_unreachable', message: this.current.detail ?? 'not connected to the helper yet' },
      };
    }
    try {
      return { ok: true, result: await client.call(method, params) };
    } catch (error) {
      return { ok: false, error: toCallError(error) };
    }
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private scheduleAttempt(after: unknown): void {
    const delayMs = this.policy.nextDelayMs();
    const next = this.now() + delayMs;
    this.setState(after === null ? { ...CONNECTING, nextAttemptAtMs: next } : failureState(after, this.options.startAdvice, next));
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.attempt();
    }, delayMs);
  }

  private async attempt(): Promise<void> {
    if (!this.running || this.attempting || this.client) return;
    this.attempting = true;
    let client: HelperClientLike | null = null;
    let ended: Error | null | undefined;
    try {
      client = await this.options.connect(this.options.socketPath);
      client.onDisconnect((error) => {
        ended = error;
        if (this.client === client) this.onDisconnected(error);
      });
      const self = await client.call('self.status', {});
      if (self.role !== 'admin') throw new NotAParentError(self);
      await client.subscribe(TOPICS, (message) => this.deliver(message));
      if (ended !== undefined) throw ended ?? new HelperDisconnectedError('the helper closed the connection');
    } catch (error) {
      void client?.close().catch(() => undefined);
      this.attempting = false;
      if (this.running) this.scheduleAttempt(error);
      return;
    }
    this.attempting = false;
    if (!this.running) {
      void client.close();
      return;
    }
    this.client = client;
    this.connectedAtMs = this.now();
    this.setState(CONNECTED);
    for (const listener of this.connectedListeners) listener();
  }

  private onDisconnected(error: Error | null): void {
    this.client = null;
    this.policy.connectionEnded(this.now() - this.connectedAtMs);
    if (!this.running) return;
    this.log(`lost the helper connection: ${error?.message ?? 'closed'}`);
    // The first retry after a drop is quick; say "connecting" rather than "not running" until it fails.
    this.scheduleAttempt(null);
  }

  private deliver(message: PushMessage): void {
    const valid = validPush(message);
    if (!valid) {
      this.log(`dropped a malformed '${message.push}' push from the helper`);
      return;
    }
    for (const listener of this.pushListeners) listener(valid);
  }
}
