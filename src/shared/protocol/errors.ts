// Error codes a response can carry. Clients switch on these; messages are for people.

export const ErrorCode = {
  /** The frame is not JSON, the envelope is malformed, or params fail the method's schema. */
  BadRequest: 'bad_request',
  UnknownMethod: 'unknown_method',
  /** A referenced profile, account, app or alert does not exist. */
  NotFound: 'not_found',
  /** The caller's role (from its peer credentials) may not do this, or not for this profile. */
  PermissionDenied: 'permission_denied',
  /** The request collides with current state: duplicate profile name, account already in another profile. */
  Conflict: 'conflict',
  /** The helper cannot do it right now: a monitor failed to load, the method is not in this build. */
  Unavailable: 'unavailable',
  /** A bug or an unexpected failure in the helper; details are in the helper's log, not in the response. */
  Internal: 'internal',
  /**
   * A request line longer than MAX_FRAME_BYTES (the helper answers, then closes the connection), or a result that
   * would not fit in MAX_SERVER_FRAME_BYTES (narrow the query; the connection stays open).
   */
  FrameTooLarge: 'frame_too_large',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES = Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
