// The dots-family-ctl command tree (commander), and `run`: argv in, exit code out. main.ts is only the entry point,
// so tests can run commands in-process.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { registerActivityCommands } from './commands/activity.js';
import { registerAlertCommands } from './commands/alerts.js';
import type { CliContext } from './commands/common.js';
import { registerProfileCommands } from './commands/profile.js';
import { registerReportCommands } from './commands/report.js';
import { registerStatusCommands } from './commands/status.js';
import { registerTimeCommands } from './commands/time.js';
import { registerWatchCommand } from './commands/watch.js';
import { describeError, formatError, type ExitCode } from './exit-codes.js';
import { DEFAULT_SOCKET_PATH, DEFAULT_TIMEOUT_MS, processOutput } from './session.js';

export const PROGRAM_NAME = 'dots-family-ctl';

const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  the helper answered with an error (e.g. no such profile), or did not answer in time
  2  usage error: unknown command or option, a value that does not parse (e.g. 500XB)
  3  the helper is not reachable (not running, or wrong --socket)
  4  permission denied: run as root or as a member of the parents' group

Examples:
  dots-family-ctl profile create child --user alice
  dots-family-ctl profile set-memory-limit child 500MB
  dots-family-ctl profile set-disk-latency-alert child 100ms
  dots-family-ctl profile set-bandwidth-limit child 10Mbps
  dots-family-ctl alerts list --since 2h --unacked
  dots-family-ctl time hours child --weekdays 15:00-19:30 --weekend 08:00-20:00
  dots-family-ctl time budget child 2h
  dots-family-ctl report daily child
  dots-family-ctl report export child --since 7d --until today --format csv -o usage.csv`;

/** The package's version (src/cli and dist/cli are both two levels below package.json). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function createProgram(ctx: CliContext): Command {
  const program = new Command(PROGRAM_NAME)
    .version(packageVersion(), '--version', 'print the version')
    .description('DOTS Family parental controls: profiles, limits, alerts and usage, through the root helper')
    .addOption(
      new Option('--socket <path>', "the helper's Unix socket").env('DOTS_SOCKET').default(DEFAULT_SOCKET_PATH),
    )
    .option('--json', 'machine output: the result as JSON (watch: one message per line)')
    .option('--timeout <ms>', 'how long to wait for the helper, in ms or with a unit (30s)', String(DEFAULT_TIMEOUT_MS))
    .addHelpText('after', EXIT_CODES_HELP)
    // Errors become exceptions (exit code decided in run); settings below are inherited by every subcommand.
    .exitOverride()
    .showSuggestionAfterError()
    .showHelpAfterError(`(${PROGRAM_NAME} --help for usage)`)
    .configureOutput({
      writeOut: (text) => ctx.output.stdout(text),
      writeErr: (text) => ctx.output.stderr(text),
      outputError: (text, write) => write(`${PROGRAM_NAME}: ${text.replace(/^error: /, '')}`),
    });

  registerProfileCommands(program, ctx);
  registerAlertCommands(program, ctx);
  registerStatusCommands(program, ctx);
  registerActivityCommands(program, ctx);
  registerTimeCommands(program, ctx);
  registerReportCommands(program, ctx);
  registerWatchCommand(program, ctx);
  return program;
}

export function defaultContext(): CliContext {
  return {
    output: processOutput,
    cwd: process.cwd(),
    now: () => Date.now(),
    onInterrupt(handler) {
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

/** Runs one command line (without node and the script); resolves to the exit code. */
export async function run(argv: readonly string[], ctx: CliContext = defaultContext()): Promise<ExitCode> {
  try {
    await createProgram(ctx).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const described = describeError(error);
    if (!described.alreadyPrinted) ctx.output.stderr(formatError(described, PROGRAM_NAME));
    return described.exitCode;
  }
}
