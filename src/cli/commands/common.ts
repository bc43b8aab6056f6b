// What every command shares: its session (from the global options), and profile names for output.
import type { Command } from 'commander';
import { HelperRequestError } from '../../shared/client/helper-client.js';
import { ErrorCode } from '../../shared/protocol.js';
import type { ProfileNames } from '../output-activity.js';
import { parseTimeout } from '../query-args.js';
import { Session, type Output } from '../session.js';

export interface CliContext {
  output: Output;
  cwd: string;
  now(): number;
  /** Runs `handler` on Ctrl-C / SIGTERM; returns the function that stops listening. */
  onInterrupt(handler: () => void): () => void;
}

interface RawGlobals {
  socket: string;
  json?: boolean;
  timeout: string;
}

export function sessionFor(ctx: CliContext, command: Command): Session {
  const globals = command.optsWithGlobals<RawGlobals>();
  return new Session(
    { socketPath: globals.socket, json: globals.json === true, timeoutMs: parseTimeout(globals.timeout) },
    ctx.output,
  );
}

/** Runs a command's body with a session, and always closes its connection. */
export async function withSession(ctx: CliContext, command: Command, body: (session: Session) => Promise<void>) {
  const session = sessionFor(ctx, command);
  try {
    await body(session);
  } finally {
    await session.close();
  }
}

/** Profile names by id: every profile for a parent, its own for a child. */
export async function profileNames(session: Session): Promise<ProfileNames> {
  try {
    const profiles = await session.call('profiles.list', {});
    return new Map(profiles.map((p) => [p.id, p.name]));
  } catch (error) {
    if (!(error instanceof HelperRequestError) || error.code !== ErrorCode.PermissionDenied) throw error;
    const self = await session.call('self.status', {});
    return new Map(self.role === 'child' ? [[self.profile.id, self.profile.name]] : []);
  }
}

/** Accumulates a repeatable option's values. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
