import type { ErrorCode } from '../../shared/protocol.js';

/**
 * An expected failure a handler reports to the client: the code goes on the wire as is, and so does the message,
 * so write it for a parent ("no profile named 'Sam'"), and keep secrets and paths the caller should not see out.
 */
export class HelperError extends Error {
  override readonly name = 'HelperError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The connecting process's credentials could not be read; the connection is refused. */
export class PeerCredentialsError extends Error {
  override readonly name = 'PeerCredentialsError';
}

/** startServer refuses to take over a socket path that is live or is not a socket. */
export class SocketInUseError extends Error {
  override readonly name = 'SocketInUseError';
}
