// What a failed connection attempt means for the parent: helper not running, or no permission. Pure.

import {
  HelperDisconnectedError,
  HelperRequestError,
  HelperTimeoutError,
  HelperUnreachableError,
} from '../shared/client/helper-client.js';
import type { SelfStatus } from '../shared/protocol.js';
import type { ConnectionState, HelperStartAdvice } from './preload-api.js';

export const CONNECTING: ConnectionState = { state: 'connecting', detail: null, nextAttemptAtMs: null, start: null };
export const CONNECTED: ConnectionState = { state: 'connected', detail: null, nextAttemptAtMs: null, start: null };

/** Thrown by the connection when the helper answers but the account is not a parent's. */
export class NotAParentError extends Error {
  override readonly name = 'NotAParentError';
  constructor(readonly self: SelfStatus) {
    super(
      self.role === 'child'
        ? `This account (${self.username ?? `uid ${self.uid}`}) belongs to ${self.profile.name}'s child profile. ` +
            'Open DOTS Family from a parent account.'
        : 'This account is not a parent account.',
    );
  }
}

export function failureState(
  error: unknown,
  startAdvice: () => HelperStartAdvice,
  nextAttemptAtMs: number | null,
): ConnectionState {
  if (error instanceof NotAParentError) {
    return { state: 'permission-denied', detail: error.message, nextAttemptAtMs, start: null };
  }
  if (error instanceof HelperRequestError && error.code === 'permission_denied') {
    return { state: 'permission-denied', detail: error.message, nextAttemptAtMs, start: null };
  }
  if (error instanceof HelperUnreachableError) {
    if (error.causeCode === 'EACCES') {
      return {
        state: 'permission-denied',
        detail: `No access to the helper's socket ${error.socketPath}: ${error.hint}.`,
        nextAttemptAtMs,
        start: null,
      };
    }
    const running = error.causeCode === 'ETIMEDOUT';
    return {
      state: 'helper-not-running',
      detail: running
        ? `The helper at ${error.socketPath} did not answer in time; it may be overloaded or stuck.`
        : `No helper is listening at ${error.socketPath}.`,
      nextAttemptAtMs,
      start: running ? null : startAdvice(),
    };
  }
  const detail =
    error instanceof HelperTimeoutError || error instanceof HelperDisconnectedError || error instanceof HelperRequestError
      ? error.message
      : error instanceof Error
        ? `Unexpected error: ${error.message}`
        : String(error);
  return { state: 'helper-not-running', detail, nextAttemptAtMs, start: startAdvice() };
}
