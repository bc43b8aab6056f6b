#!/usr/bin/env node
// dots-family-helper: the root daemon, or `--check` to verify the monitors attach on this kernel.
import { parseArgs } from 'node:util';
import { formatCheck, runMonitorCheck } from './check.js';
import { createLogger } from './log.js';

const USAGE = `Usage: dots-family-helper [options]

Runs the DOTS Family root helper: eBPF monitors, database, policy and the socket API.

Options:
  --check              load and attach every monitor, print the result, detach, and exit
                       (exit code 0 only when all five monitors attach)
  --json               with --check: print JSON
  --help               show this help
`;

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        check: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`dots-family-helper: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('dots-family-helper: must run as root (it loads eBPF programs and owns the database)\n');
    return 1;
  }
  if (args.check) {
    const result = runMonitorCheck(args.json ? undefined : createLogger({ level: 'error', scope: 'check' }));
    process.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : formatCheck(result) + '\n');
    return result.ok ? 0 : 1;
  }
  process.stderr.write('dots-family-helper: daemon mode is not wired yet; use --check\n');
  return 1;
}

process.exitCode = main(process.argv.slice(2));
