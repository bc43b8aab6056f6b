// The renderer's only door to the helper: window.dots (the preload API). Outcomes become a thrown HelperCallError
// carrying the code, so stores can tell "permission denied" from "helper not running" from "name taken".

import type { DotsApi, CallError } from '../../main/preload-api.js';
import type { MethodName, ParamsOf, PushMessage, ResultOf, Topic } from '../../shared/protocol.js';

export class HelperCallError extends Error {
  override readonly name = 'HelperCallError';
  constructor(
    readonly method: MethodName,
    readonly code: CallError['code'],
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class PreloadMissingError extends Error {
  override readonly name = 'PreloadMissingError';
  constructor() {
    super('window.dots is missing: the app was opened outside DOTS Family (the preload did not run)');
  }
}

export function dotsApi(): DotsApi {
  const api = (globalThis as { dots?: DotsApi }).dots;
  if (!api) throw new PreloadMissingError();
  return api;
}

export async function callHelper<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
  const outcome = await dotsApi().call(method, params);
  if (outcome.ok) return outcome.result;
  throw new HelperCallError(method, outcome.error.code, outcome.error.message, outcome.error.details);
}

export function subscribePushes(topics: readonly Topic[], onPush: (message: PushMessage) => void): () => void {
  return dotsApi().subscribe(topics, onPush);
}

/** What a view says when a call failed: the helper's message, with the action a parent can take where we know it. */
export function describeError(error: unknown): string {
  if (error instanceof HelperCallError) {
    switch (error.code) {
      case 'helper_unreachable':
        return `The DOTS Family helper is not reachable: ${error.message}`;
      case 'permission_denied':
        return `Permission denied: ${error.message}. Parents must be root or in the parents group.`;
      default:
        return error.message;
    }
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
