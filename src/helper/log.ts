// The helper's log: one readable line per message on stderr (journald adds its own timestamps under systemd).
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(scope: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(
  { level = 'info', scope = 'helper', write = (line: string) => process.stderr.write(line + '\n') }:
  { level?: LogLevel; scope?: string; write?: (line: string) => void } = {},
): Logger {
  const emit = (at: LogLevel, message: string) => {
    if (ORDER[at] < ORDER[level]) return;
    write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} [${scope}] ${message}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (sub) => createLogger({ level, scope: `${scope}/${sub}`, write }),
  };
}

/** A logger that drops everything (tests, `--check --json`). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
