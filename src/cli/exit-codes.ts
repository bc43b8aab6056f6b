// What dots-family-ctl exits with, and how every error becomes a message, a hint and one of these codes. Pure, so
// the mapping is unit-tested; main.ts only prints what describeError returns.
import { CommanderError } from 'commander';
import {
  HelperDisconnectedError,
  HelperRequestError,
  HelperTimeoutError,
  HelperUnreachableError,
} from '../shared/client/helper-client.js';
import { ErrorCode } from '../shared/protocol.js';
import { UnitParseError } from '../shared/units.js';

export const ExitCode = {
  Ok: 0,
  /** The helper answered with an error (not_found, conflict, bad_request, ...), or the helper timed out. */
  HelperError: 1,
  /** Bad arguments: unknown command or option, a value that does not parse. Nothing was sent to the helper. */
  Usage: 2,
  /** The helper's socket is missing, refused or inaccessible, or the connection dropped. */
  Unreachable: 3,
  /** The helper refused the caller: not root, not a parent, or a child asking about another profile. */
  PermissionDenied: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad command line, found before anything was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A failure the CLI itself detects after asking the helper (e.g. an account not in the profile). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.HelperError,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface DescribedError {
  exitCode: ExitCode;
  message: string;
  hint?: string;
  /** commander already printed its message (and usage) to stderr. */
  alreadyPrinted?: boolean;
}

export const START_HELPER_HINT = 'start it: sudo systemctl start dots-family-helper, or sudo dots-family-helper';
const PERMISSION_HINT =
  "run it as root (sudo), or as a member of the parents' group 'dots-family' (log in again after being added)";

function describeRequestError(error: HelperRequestError): DescribedError {
  switch (error.code) {
    case ErrorCode.PermissionDenied:
      return { exitCode: ExitCode.PermissionDenied, message: error.message, hint: PERMISSION_HINT };
    case ErrorCode.NotFound:
      return {
        exitCode: ExitCode.HelperError,
        message: error.message,
        hint: /profile/.test(error.message) ? 'see the profiles: dots-family-ctl profile list' : undefined,
      };
    case ErrorCode.Unavailable:
      return { exitCode: ExitCode.HelperError, message: error.message, hint: 'see: dots-family-ctl status' };
    case ErrorCode.Internal:
      return {
        exitCode: ExitCode.HelperError,
        message: error.message,
        hint: "the helper's log has the details: journalctl -u dots-family-helper",
      };
    default:
      return { exitCode: ExitCode.HelperError, message: error.message };
  }
}

function describeUnreachable(error: HelperUnreachableError): DescribedError {
  const where = `cannot reach the DOTS Family helper at ${error.socketPath} (${error.causeCode})`;
  if (error.causeCode === 'ENOENT' || error.causeCode === 'ECONNREFUSED') {
    return {
      exitCode: ExitCode.Unreachable,
      message: `${where}: it is not running`,
      hint: `${START_HELPER_HINT}; or point --socket (or $DOTS_SOCKET) at its socket`,
    };
  }
  return { exitCode: ExitCode.Unreachable, message: where, hint: error.hint };
}

/** Any error a command can end with → exit code, message and hint. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof CommanderError) {
    // Help and --version end through here too, with exit code 0.
    const exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return { exitCode, message: error.message, alreadyPrinted: true };
  }
  if (error instanceof UsageError) return { exitCode: ExitCode.Usage, message: error.message, hint: error.hint };
  if (error instanceof UnitParseError) return { exitCode: ExitCode.Usage, message: error.message };
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message, hint: error.hint };
  if (error instanceof HelperUnreachableError) return describeUnreachable(error);
  if (error instanceof HelperRequestError) return describeRequestError(error);
  if (error instanceof HelperTimeoutError) {
    const hint = 'give it longer with --timeout, e.g. --timeout 30s';
    return { exitCode: ExitCode.HelperError, message: error.message, hint };
  }
  if (error instanceof HelperDisconnectedError) {
    return {
      exitCode: ExitCode.Unreachable,
      message: error.message,
      hint: 'the helper may have stopped or crashed: journalctl -u dots-family-helper',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: ExitCode.HelperError, message: `unexpected error: ${message}` };
}

/** The lines main.ts writes to stderr for a described error. */
export function formatError(described: DescribedError, program = 'dots-family-ctl'): string {
  const lines = [`${program}: ${described.message}`];
  if (described.hint) lines.push(`  hint: ${described.hint}`);
  return lines.join('\n') + '\n';
}
