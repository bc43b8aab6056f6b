// One request frame in, one response out: parse, identify, authorize, validate, run the handler, check its result.
// Never throws: every failure becomes an error response, and anything unexpected is logged with its stack.

import {
  ErrorCode,
  describeIssues,
  isMethodName,
  methods,
  parseParams,
  parseRequestFrame,
  unknownMethodError,
  type MethodName,
  type ProtocolError,
  type Response,
} from '../../shared/protocol.js';
import { HelperError } from './errors.js';
import { checkAccess, scopeToCaller } from './roles.js';
import type { CallerIdentity, ServerOptions } from './types.js';

export type AnyHandler = (params: never, caller: CallerIdentity) => unknown;

export interface DispatchContext {
  /** The caller as of now; null when it has no role. May throw (a failing profile lookup). */
  identify(): CallerIdentity | null;
  notAuthorized(): ProtocolError;
  /** Handlers by method, the server's own (subscribe, unsubscribe) included. */
  handlers: Partial<Record<MethodName, AnyHandler>>;
  log: ServerOptions['log'];
  validateResults: boolean;
  /** "uid 1000 pid 4242", for log lines. */
  peerLabel: string;
}

function failure(id: number | null, error: ProtocolError): Response {
  return { id, ok: false, error };
}

function internalError(method: string): ProtocolError {
  return { code: ErrorCode.Internal, message: `the helper failed to handle ${method}; details are in its log` };
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

export async function dispatchFrame(text: string, ctx: DispatchContext): Promise<Response> {
  const parsed = parseRequestFrame(text);
  if (!parsed.ok) return failure(parsed.id, parsed.error);
  const { id, method: name, params: rawParams } = parsed.request;

  let caller: CallerIdentity | null;
  try {
    caller = ctx.identify();
  } catch (error) {
    ctx.log.error(`server: identifying ${ctx.peerLabel} failed: ${describeThrown(error)}`);
    return failure(id, internalError(name.slice(0, 64)));
  }
  // Before anything else, so that a caller without a role learns nothing, not even which methods exist.
  if (!caller) return failure(id, ctx.notAuthorized());

  if (!isMethodName(name)) return failure(id, unknownMethodError(name));
  const denied = checkAccess(name, caller);
  if (denied) return failure(id, denied);

  const validated = parseParams(name, rawParams);
  if (!validated.ok) return failure(id, validated.error);
  const scoped = scopeToCaller(name, validated.params, caller);
  if (!scoped.ok) return failure(id, scoped.error);

  const handler = ctx.handlers[name];
  if (!handler) {
    return failure(id, { code: ErrorCode.Unavailable, message: `${name} is not available in this helper` });
  }

  let result: unknown;
  try {
    result = await (handler as (params: unknown, caller: CallerIdentity) => unknown)(scoped.params, caller);
  } catch (error) {
    if (error instanceof HelperError) {
      const reported: ProtocolError = { code: error.code, message: error.message };
      if (error.details !== undefined) reported.details = error.details;
      if (error.code === ErrorCode.Internal) ctx.log.error(`server: ${name} from ${ctx.peerLabel}: ${describeThrown(error)}`);
      return failure(id, reported);
    }
    ctx.log.error(`server: ${name} from ${ctx.peerLabel} threw: ${describeThrown(error)}`);
    return failure(id, internalError(name));
  }

  if (ctx.validateResults) {
    const checked = methods[name].result.safeParse(result);
    if (!checked.success) {
      const issues = describeIssues(checked.error, 'result')
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join('; ');
      ctx.log.error(`server: ${name} handler returned a result that breaks the protocol: ${issues}`);
      return failure(id, internalError(name));
    }
    result = checked.data;
  }
  return { id, ok: true, result };
}
