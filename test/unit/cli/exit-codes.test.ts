import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  CliError,
  ExitCode,
  START_HELPER_HINT,
  UsageError,
  describeError,
  formatError,
} from '../../../src/cli/exit-codes.js';
import {
  HelperDisconnectedError,
  HelperRequestError,
  HelperTimeoutError,
  HelperUnreachableError,
} from '../../../src/shared/client/helper-client.js';
import { ERROR_CODES, type ErrorCode } from '../../../src/shared/protocol.js';
import { UnitParseError } from '../../../src/shared/units.js';

describe('describeError', () => {
  it('maps permission_denied to 4 and every other helper error code to 1', () => {
    for (const code of ERROR_CODES) {
      const described = describeError(new HelperRequestError(code as ErrorCode, `failed with ${code}`, 'profiles.get'));
      const expected = code === 'permission_denied' ? ExitCode.PermissionDenied : ExitCode.HelperError;
      expect(described.exitCode, code).toBe(expected);
      expect(described.message).toBe(`failed with ${code}`);
    }
    expect(describeError(new HelperRequestError('permission_denied', 'no')).hint).toMatch(/sudo.*dots-family/);
  });

  it('points a not-found profile at profile list', () => {
    const described = describeError(new HelperRequestError('not_found', 'no profile named "kid"'));
    expect(described).toEqual({
      exitCode: ExitCode.HelperError,
      message: 'no profile named "kid"',
      hint: 'see the profiles: dots-family-ctl profile list',
    });
  });

  it('maps an unreachable helper to 3 and says how to start it', () => {
    for (const cause of ['ENOENT', 'ECONNREFUSED']) {
      const described = describeError(new HelperUnreachableError('/run/x.sock', cause, 'client hint'));
      expect(described.exitCode).toBe(ExitCode.Unreachable);
      expect(described.message).toBe(
        `cannot reach the DOTS Family helper at /run/x.sock (${cause}): it is not running`,
      );
      expect(described.hint).toContain(START_HELPER_HINT);
    }
    const denied = describeError(new HelperUnreachableError('/run/x.sock', 'EACCES', 'fix the socket mode'));
    expect(denied).toMatchObject({ exitCode: ExitCode.Unreachable, hint: 'fix the socket mode' });
    expect(describeError(new HelperDisconnectedError('the helper closed the connection')).exitCode).toBe(
      ExitCode.Unreachable,
    );
  });

  it('maps a timeout to 1 with a --timeout hint', () => {
    expect(describeError(new HelperTimeoutError('usage.query', 10_000))).toMatchObject({
      exitCode: ExitCode.HelperError,
      hint: expect.stringMatching(/--timeout/),
    });
  });

  it('maps usage errors, unit errors and commander errors to 2, help and version to 0', () => {
    expect(describeError(new UsageError('bad', 'hint')).exitCode).toBe(ExitCode.Usage);
    expect(describeError(new UnitParseError('size', 'unknown_unit', '500XB', "unknown unit 'XB'")).exitCode).toBe(
      ExitCode.Usage,
    );
    const unknown = new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'frob'");
    expect(describeError(unknown)).toMatchObject({ exitCode: ExitCode.Usage, alreadyPrinted: true });
    expect(describeError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')).exitCode).toBe(ExitCode.Ok);
    expect(describeError(new CommanderError(0, 'commander.version', '0.1.0')).exitCode).toBe(ExitCode.Ok);
  });

  it('keeps the exit code a CLI error chose; anything unexpected is 1', () => {
    expect(describeError(new CliError('x', ExitCode.PermissionDenied)).exitCode).toBe(ExitCode.PermissionDenied);
    expect(describeError(new TypeError('boom'))).toEqual({
      exitCode: ExitCode.HelperError,
      message: 'unexpected error: boom',
    });
  });
});

describe('formatError', () => {
  it('prints "dots-family-ctl: message" and the hint on the next line', () => {
    expect(formatError({ exitCode: 2, message: "unknown unit 'XB' in '500XB'", hint: 'use MB' })).toBe(
      "dots-family-ctl: unknown unit 'XB' in '500XB'\n  hint: use MB\n",
    );
    expect(formatError({ exitCode: 1, message: 'no' })).toBe('dots-family-ctl: no\n');
  });
});
