#!/usr/bin/env node
// dots-family-helper: the root daemon (foreground), or `--check` to verify the monitors attach on this kernel.
import { parseArgs } from 'node:util';
import { formatCheck, runMonitorCheck } from './check.js';
import { DEFAULT_SOCKET_PATH, startHelper } from './daemon.js';
import { formatLiveMetrics } from './live-console.js';
import { createLogger, type LogLevel } from './log.js';
import { DEFAULT_DB_PATH } from './store/index.js';

const USAGE = `Usage: dots-family-helper [options]

Runs the DOTS Family root helper in the foreground: eBPF monitors, database, policy and the socket API.
SIGTERM or SIGINT detaches every program, flushes pending writes and exits.

Options:
  --db PATH            database file (default ${DEFAULT_DB_PATH}, or $DOTS_DB)
  --socket PATH        Unix socket (default ${DEFAULT_SOCKET_PATH}, or $DOTS_SOCKET)
  --bpf-dir DIR        where the *.bpf.o objects are (default: build/bpf of this install, or $DOTS_BPF_DIR)
  --parents-group NAME members may administer (default dots-family)
  --log-level LEVEL    debug, info, warn or error (default info)
  --console            print each child's live numbers every few seconds
  --check              load and attach every monitor, print the result, detach, and exit
                       (exit code 0 only when all five monitors attach)
  --json               with --check: print JSON
  --help               show this help
`;

const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        socket: { type: 'string' },
        'bpf-dir': { type: 'string' },
        'parents-group': { type: 'string' },
        'log-level': { type: 'string' },
        console: { type: 'boolean' },
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
  const level = args['log-level'] ?? 'info';
  if (!LOG_LEVELS.has(level)) {
    process.stderr.write(`dots-family-helper: --log-level must be debug, info, warn or error, not "${level}"\n`);
    return 2;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('dots-family-helper: must run as root (it loads eBPF programs and owns the database)\n');
    return 1;
  }
  if (args['bpf-dir']) process.env.DOTS_BPF_DIR = args['bpf-dir'];

  if (args.check) {
    const result = runMonitorCheck(args.json ? undefined : createLogger({ level: 'error', scope: 'check' }));
    process.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : formatCheck(result) + '\n');
    return result.ok ? 0 : 1;
  }

  const log = createLogger({ level: level as LogLevel });
  let lastConsoleMs = 0;
  const helper = await startHelper({
    dbPath: args.db ?? process.env.DOTS_DB ?? DEFAULT_DB_PATH,
    socketPath: args.socket ?? process.env.DOTS_SOCKET ?? DEFAULT_SOCKET_PATH,
    parentsGroup: args['parents-group'],
    log,
    onMetrics: args.console
      ? (metrics) => {
          if (Date.now() - lastConsoleMs < 3000) return;
          lastConsoleMs = Date.now();
          const names = new Map(helper.store.profiles.list().map((p) => [p.id, p.name]));
          process.stdout.write(formatLiveMetrics(metrics, names) + '\n');
        }
      : undefined,
  });

  await new Promise<void>((resolve) => {
    let stopping = false;
    // Kept installed: a second signal (a wrapper relaying it, an impatient Ctrl-C) must not kill the helper halfway
    // through detaching programs and flushing writes. SIGKILL remains the way to force it.
    const stop = (signal: string) => {
      if (stopping) return log.warn(`${signal}: already stopping, please wait`);
      stopping = true;
      log.info(`${signal}: stopping`);
      resolve();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  await helper.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`dots-family-helper: ${error.message}\n`);
    process.exitCode = 1;
  },
);
