// Arguments that name things (profiles, accounts, monitors, alerts) or windows of time. Pure.
import path from 'node:path';
import { MONITOR_NAMES, type MonitorName } from '../shared/events.js';
import { EVENT_TABLES, type EventTable } from '../shared/event-rows.js';
import type { ProfileRef } from '../shared/protocol.js';
import { QUERY_LIMIT_MAX, UID_MAX } from '../shared/protocol.js';
import { AGE_GROUPS, type AgeGroup } from '../shared/time-rules.js';
import { parseDuration } from '../shared/units.js';
import { UsageError } from './exit-codes.js';

const DIGITS = /^\d+$/;

/** "7" is profile id 7 (a profile name cannot be only digits); anything else is a name. */
export function parseProfileRef(text: string): ProfileRef {
  return DIGITS.test(text) ? Number(text) : text;
}

/** "1001" is a uid, anything else a login name. */
export function parseAccount(text: string): { uid: number } | { username: string } {
  if (DIGITS.test(text)) return { uid: parseUid(text) };
  return { username: text };
}

export function parseUid(text: string): number {
  const uid = Number(text);
  if (!DIGITS.test(text) || uid > UID_MAX) throw new UsageError(`'${text}' is not a uid (0–${UID_MAX})`);
  return uid;
}

export function parsePositiveInt(text: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!DIGITS.test(text) || value < 1 || value > max) {
    throw new UsageError(`${what} must be a whole number from 1 to ${max}, not '${text}'`);
  }
  return value;
}

export function parseQueryLimit(text: string): number {
  return parsePositiveInt(text, '--limit', QUERY_LIMIT_MAX);
}

/** "process" or "process-monitor" → "process-monitor". */
export function parseMonitorName(text: string): MonitorName {
  const name = text.endsWith('-monitor') ? text : `${text}-monitor`;
  if (!(MONITOR_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`no monitor named '${text}'`, `monitors: ${MONITOR_NAMES.join(', ')}`);
  }
  return name as MonitorName;
}

export function parseEventTable(text: string): EventTable {
  const table = text.replace('-', '_');
  if (!(EVENT_TABLES as readonly string[]).includes(table)) {
    throw new UsageError(`no event table '${text}'`, `tables: ${EVENT_TABLES.join(', ')}`);
  }
  return table as EventTable;
}

export const USAGE_BUCKETS = ['minute', 'hour', 'day'] as const;
export type UsageBucket = (typeof USAGE_BUCKETS)[number];

export function parseBucket(text: string): UsageBucket {
  if (!(USAGE_BUCKETS as readonly string[]).includes(text)) {
    throw new UsageError(`--bucket must be ${USAGE_BUCKETS.join(', ')}, not '${text}'`);
  }
  return text as UsageBucket;
}

export function parseAgeGroup(text: string): AgeGroup {
  if (!(AGE_GROUPS as readonly string[]).includes(text)) {
    throw new UsageError(`--age-group must be ${AGE_GROUPS.join(', ')}, not '${text}'`);
  }
  return text as AgeGroup;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * --since: a duration back from now ("2h", "7d", "1h 30m"), "today" (local midnight), a local date
 * ("2025-06-01", midnight local time), or an ISO date-time ("2025-06-01T14:00", local unless it has a zone).
 * → epoch milliseconds.
 */
export function parseSince(text: string, nowMs: number): number {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'today') {
    const midnight = new Date(nowMs);
    midnight.setHours(0, 0, 0, 0);
    return midnight.getTime();
  }
  const date = LOCAL_DATE.exec(trimmed);
  if (date) {
    // new Date('2025-06-01') would be UTC midnight; a parent means their own midnight.
    const ms = new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3])).getTime();
    if (Number.isNaN(ms)) throw new UsageError(`'${text}' is not a date`);
    return ms;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]/.test(trimmed)) {
    const ms = Date.parse(trimmed.replace(' ', 'T'));
    if (Number.isNaN(ms)) throw new UsageError(`'${text}' is not a date and time`, "e.g. '2025-06-01T14:00'");
    return ms;
  }
  let agoMs: number;
  try {
    agoMs = parseDuration(trimmed);
  } catch (error) {
    throw new UsageError(
      `--since '${text}' is neither a duration nor a date: ${(error as Error).message}`,
      "e.g. --since 2h, --since 7d, --since today, --since 2025-06-01",
    );
  }
  return Math.max(0, Math.round(nowMs - agoMs));
}

/** --timeout: milliseconds ("5000") or a duration ("30s"). */
export function parseTimeout(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    throw new UsageError(`--timeout: ${(error as Error).message}`);
  }
  if (ms < 1) throw new UsageError(`--timeout must be at least 1 ms, not '${text}'`);
  return Math.round(ms);
}

/** App names for apps.block: a command name, or a path — relative paths are made absolute here. */
export function absoluteApp(app: string, cwd: string): string {
  return !app.includes('/') || app.startsWith('/') ? app : path.posix.resolve(cwd, app);
}
