// The one object the preload exposes to the renderer (`window.dots`), and the IPC channels behind it. Types only
// plus string constants: the renderer imports this file type-only, the preload (a sandboxed CommonJS script that
// cannot require local files) repeats the channel names and is type-checked against them.

import type { ErrorCode, MethodName, ParamsOf, PushMessage, ResultOf, Topic } from '../shared/protocol.js';

export const DOTS_CHANNELS = {
  /** invoke(method, params) → CallOutcome */
  call: 'dots:call',
  /** main → renderer: PushFrame */
  push: 'dots:push',
  /** main → renderer: ConnectionState, whenever it changes */
  connection: 'dots:connection',
  /** invoke() → the current ConnectionState */
  connectionGet: 'dots:connection:get',
  /** invoke() → StartHelperOutcome */
  startHelper: 'dots:start-helper',
} as const;

export type ConnectionStateName = 'connecting' | 'connected' | 'helper-not-running' | 'permission-denied';

/** How the parent can start the helper when it is not running. */
export type HelperStartAdvice =
  /** A systemd unit is installed: the app does not start the helper itself. */
  | { kind: 'systemd'; unitPath: string; command: string }
  /** The app can start it after an administrator password prompt (pkexec). */
  | { kind: 'prompt'; helperPath: string }
  /** The helper is not installed where the app expects it. */
  | { kind: 'unavailable'; reason: string };

export interface ConnectionState {
  state: ConnectionStateName;
  /** For people: what happened and what to do. null when connected. */
  detail: string | null;
  /** Epoch ms of the next connection attempt while not connected; null when none is scheduled. */
  nextAttemptAtMs: number | null;
  /** Set in helper-not-running. */
  start: HelperStartAdvice | null;
}

/** Errors the app adds to the helper's own codes. */
export type AppErrorCode =
  /** Not connected to the helper (not running, socket gone, connection dropped mid-call). */
  | 'helper_unreachable'
  /** The app refused the call before sending it (unknown method, bad params shape). */
  | 'rejected';

export interface CallError {
  code: ErrorCode | AppErrorCode;
  message: string;
  details?: unknown;
}

/**
 * A call's outcome as a value, not a rejection: errors crossing the context bridge keep only their message, and the
 * renderer needs the code (permission_denied, conflict, not_found…) to say the right thing.
 */
export type CallOutcome<M extends MethodName = MethodName> =
  | { ok: true; result: ResultOf<M> }
  | { ok: false; error: CallError };

/** A helper push as main forwards it, with its topic so the preload can filter without the protocol table. */
export type PushFrame = PushMessage & { topic: Topic };

export type StartHelperOutcome =
  | { ok: true; message: string }
  | { ok: false; message: string };

export interface DotsApi {
  /** One request to the helper, validated by main against the protocol table before it is sent. */
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<CallOutcome<M>>;
  /** Pushes of the given topics until the returned function is called. */
  subscribe(topics: readonly Topic[], onPush: (message: PushMessage) => void): () => void;
  /** Calls back with the current state at once, then on every change, until the returned function is called. */
  onConnectionState(callback: (state: ConnectionState) => void): () => void;
  /** Starts the helper (password prompt) when it is not running and no systemd unit manages it. */
  startHelper(): Promise<StartHelperOutcome>;
}
