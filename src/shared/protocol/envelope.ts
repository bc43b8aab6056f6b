// Message envelopes and their validation, shared by the server (requests in) and clients (responses, pushes in).
//
//   request   { id, method, params }
//   response  { id, ok: true, result } | { id, ok: false, error: { code, message, details? } }
//   push      { push, data }
//
// An error response's id is null when the request's id could not be read (not JSON, no id, frame too large).

import { z } from 'zod';
import { ERROR_CODES, ErrorCode } from './errors.js';
import { methods, type HandlerParamsOf, type MethodName } from './methods.js';

export const RequestIdSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * Params pass through untouched here (the method's schema checks them next). Not z.record: it copies keys into a
 * new object, and copying JSON's own "__proto__" key would set the copy's prototype instead.
 */
const ParamsObjectSchema = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'params must be an object' },
);

export const RequestSchema = z.strictObject({
  id: RequestIdSchema,
  method: z.string().min(1).max(64),
  params: ParamsObjectSchema,
});
export type RequestEnvelope = z.output<typeof RequestSchema>;

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export interface SuccessResponse<R = unknown> {
  id: number;
  ok: true;
  result: R;
}

export interface ErrorResponse {
  id: number | null;
  ok: false;
  error: ProtocolError;
}

export type Response<R = unknown> = SuccessResponse<R> | ErrorResponse;

export interface PushEnvelope {
  push: string;
  data: unknown;
}

export type ServerMessage = Response | PushEnvelope;

/** A readable, JSON-safe account of what failed validation. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export function describeIssues(error: z.ZodError, pathPrefix = ''): ValidationIssue[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: [pathPrefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    message: issue.message,
  }));
}

function summarize(issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${first.path === '' ? '' : `${first.path}: `}${first.message}${more}`;
}

export type ParsedRequest =
  | { ok: true; request: RequestEnvelope }
  | { ok: false; id: number | null; error: ProtocolError };

/** Best effort: the id of a malformed request, so the error can still be correlated. */
function readableId(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const parsed = RequestIdSchema.safeParse(value.id);
  return parsed.success ? parsed.data : null;
}

/** One frame's text → a request envelope (method and params not yet checked against the table). */
export function parseRequestFrame(text: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      id: null,
      error: { code: ErrorCode.BadRequest, message: `frame is not valid JSON: ${reason.slice(0, 200)}` },
    };
  }
  const parsed = RequestSchema.safeParse(value);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    return {
      ok: false,
      id: readableId(value),
      error: {
        code: ErrorCode.BadRequest,
        message: `malformed request (expected {"id": number, "method": string, "params": {...}}): ${summarize(issues)}`,
        details: { issues },
      },
    };
  }
  return { ok: true, request: parsed.data };
}

export type ParsedParams<M extends MethodName> =
  | { ok: true; params: HandlerParamsOf<M> }
  | { ok: false; error: ProtocolError };

export function unknownMethodError(method: string): ProtocolError {
  return { code: ErrorCode.UnknownMethod, message: `unknown method '${method.slice(0, 64)}'` };
}

/** Validates params against the method's schema: the helper's door. */
export function parseParams<M extends MethodName>(method: M, params: unknown): ParsedParams<M> {
  const parsed = methods[method].params.safeParse(params);
  if (parsed.success) return { ok: true, params: parsed.data as HandlerParamsOf<M> };
  const issues = describeIssues(parsed.error, 'params');
  return {
    ok: false,
    error: { code: ErrorCode.BadRequest, message: `invalid params for ${method}: ${summarize(issues)}`, details: { issues } },
  };
}


// --- what clients read -------------------------------------------------------------------------------------------

const ServerMessageSchema = z.union([
  z.strictObject({ id: RequestIdSchema, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({
    id: RequestIdSchema.nullable(),
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
  }),
  // Push names are not checked here: a client ignores pushes it does not know, so an older client keeps working.
  z.strictObject({ push: z.string(), data: z.unknown() }),
]);

/** One frame from the helper → a response or push envelope; null if it is not one. Results are not re-validated. */
export function parseServerFrame(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ServerMessageSchema.safeParse(value);
  if (!parsed.success) return null;
  // A present-but-undefined `result`/`data` cannot come out of JSON; the casts only restore the optional-ness zod adds.
  return parsed.data as ServerMessage;
}
