#!/usr/bin/env node
// dots-family-helper: the root daemon (foreground), `--check` to verify the monitors attach on this kernel, or
// `--stop-and-detach` to stop a running helper and lift everything it left in the kernel.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatCheck, runMonitorCheck } from './check.js';
import { DEFAULT_SOCKET_PATH } from '../shared/paths.js';
import { startHelper } from './daemon.js';
import { formatLiveMetrics } from './live-console.js';
import { createLogger, type LogLevel } from './log.js';
import { removePidFile, stopAndDetach, writePidFile } from './stop-and-detach.js';
import { DEFAULT_DB_PATH } from './store/index.js';
import { DEFAULT_PIN_DIR } from './system/bpffs.js';
import { DEFAULT_HELPER_NICE, parseNice, setProcessNice } from './system/priority.js';

const USAGE = `Usage: dots-family-helper [options]

Runs the DOTS Family root helper in the foreground: eBPF monitors, database, policy and the socket API.
SIGTERM or SIGINT flushes pending writes and exits. Programs and maps are pinned under the pin dir; on exit they
are detached, or kept attached (limits stay enforced) for the next helper to take over with no gap.

Options:
  --db PATH            database file (default ${DEFAULT_DB_PATH}, or $DOTS_DB)
  --socket PATH        Unix socket (default ${DEFAULT_SOCKET_PATH}, or $DOTS_SOCKET); the pid file
                       helper.pid is written beside it
  --bpf-dir DIR        where the *.bpf.o objects are (default: build/bpf of this install, or $DOTS_BPF_DIR)
  --pin-dir DIR        bpffs directory for pins (default ${DEFAULT_PIN_DIR}, or $DOTS_PIN_DIR)
  --keep-attached-on-exit
                       on exit, leave programs attached and pinned for the next helper (default under systemd)
  --detach-on-exit     on exit, detach everything (default when not started by systemd)
  --stop-and-detach    stop the helper whose pid file is beside --socket, then unpin and detach everything under
                       --pin-dir (what a helper kept attached), and exit
  --parents-group NAME members may administer (default dots-family)
  --log-level LEVEL    debug, info, warn or error (default info)
  --nice N             scheduling priority of every helper thread, -20..19 (default ${DEFAULT_HELPER_NICE}: ahead of
                       the load it watches, so the ring buffers are read before they fill); write --nice=-5
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
        'pin-dir': { type: 'string' },
        'keep-attached-on-exit': { type: 'boolean' },
        'detach-on-exit': { type: 'boolean' },
        'stop-and-detach': { type: 'boolean' },
        'parents-group': { type: 'string' },
        'log-level': { type: 'string' },
        nice: { type: 'string' },
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
  let nice = DEFAULT_HELPER_NICE;
  try {
    if (args.nice !== undefined) nice = parseNice(args.nice);
  } catch (error) {
    process.stderr.write(`dots-family-helper: ${(error as Error).message}\n`);
    return 2;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('dots-family-helper: must run as root (it loads eBPF programs and owns the database)\n');
    return 1;
  }
  if (args['bpf-dir']) process.env.DOTS_BPF_DIR = args['bpf-dir'];
  if (args['keep-attached-on-exit'] && args['detach-on-exit']) {
    process.stderr.write('dots-family-helper: --keep-attached-on-exit and --detach-on-exit exclude each other\n');
    return 2;
  }
  const socketPath = args.socket ?? process.env.DOTS_SOCKET ?? DEFAULT_SOCKET_PATH;
  const pinDir = args['pin-dir'] ?? process.env.DOTS_PIN_DIR ?? DEFAULT_PIN_DIR;
  const pidFile = path.join(path.dirname(socketPath), 'helper.pid');

  if (args['stop-and-detach']) {
    const report = await stopAndDetach(pidFile, pinDir);
    process.stdout.write(report.lines.join('\n') + '\n');
    return report.ok ? 0 : 1;
  }

  if (args.check) {
    const result = runMonitorCheck(args.json ? undefined : createLogger({ level: 'error', scope: 'check' }));
    process.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : formatCheck(result) + '\n');
    return result.ok ? 0 : 1;
  }

  const log = createLogger({ level: level as LogLevel });
  const niceBefore = setProcessNice(nice);
  if (niceBefore !== nice) log.info(`running at nice ${nice} (was ${niceBefore})`);
  let lastConsoleMs = 0;
  const helper = await startHelper({
    dbPath: args.db ?? process.env.DOTS_DB ?? DEFAULT_DB_PATH,
    socketPath,
    parentsGroup: args['parents-group'],
    pinDir,
    // systemd sets INVOCATION_ID: there a stop is a restart or an upgrade far more often than a removal (which
    // uses --stop-and-detach); a helper started by hand cleans up after itself.
    keepAttachedOnExit: args['keep-attached-on-exit'] || (!args['detach-on-exit'] && !!process.env.INVOCATION_ID),
    log,
    onMetrics: args.console
      ? (metrics) => {
          if (Date.now() - lastConsoleMs < 3000) return;
          lastConsoleMs = Date.now();
          const names = new Map(helper.store.profiles.list().map((p) => [p.id, p.name]));
          process.stdout.write(formatLiveMetrics(metrics, names) + '\n');
        }
      : undefined,
    onAlert: args.console
      ? (alert) => {
          const name = helper.store.profiles.get(alert.profileId)?.name ?? `profile ${alert.profileId}`;
          process.stdout.write(`ALERT ${name} [${alert.kind}] ${alert.message}\n`);
        }
      : undefined,
  });

  writePidFile(pidFile);
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
  removePidFile(pidFile);
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
