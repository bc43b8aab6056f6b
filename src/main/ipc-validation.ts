// What main accepts from the renderer on 'dots:call': a method of the protocol table (except the subscription
// methods, which main owns) with params that pass that method's schema. The helper validates again at its door;
// this keeps a compromised renderer from reaching it with anything the protocol does not name.

import { SERVER_METHODS, isMethodName, parseParams, type MethodName } from '../shared/protocol.js';
import type { CallError } from './preload-api.js';
import { APP_ORIGIN } from './app-protocol.js';

export type ValidatedCall = { ok: true; method: MethodName; params: unknown } | { ok: false; error: CallError };

const MAIN_OWNED: ReadonlySet<string> = new Set(SERVER_METHODS);

export function validateCall(method: unknown, params: unknown): ValidatedCall {
  if (typeof method !== 'string' || !isMethodName(method)) {
    const shown = typeof method === 'string' ? `'${method.slice(0, 64)}'` : typeof method;
    return { ok: false, error: { code: 'rejected', message: `unknown method ${shown}` } };
  }
  if (MAIN_OWNED.has(method)) {
    return {
      ok: false,
      error: { code: 'rejected', message: `${method} is handled by the app; use window.dots.subscribe` },
    };
  }
  const parsed = parseParams(method, params ?? {});
  if (!parsed.ok) return { ok: false, error: { ...parsed.error, code: 'rejected' } };
  return { ok: true, method, params: params ?? {} };
}

/** Only the app's own page may call: not a page navigated to by mistake, not a frame. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  if (!isMainFrame || !frameUrl) return false;
  try {
    // Node's URL gives non-special schemes an opaque origin ("null"), so compare scheme and host.
    const url = new URL(frameUrl);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
