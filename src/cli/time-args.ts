// The time commands' arguments → time rules: allowed windows per day, holiday dates, budgets and warnings. Pure: the
// commands read the current rules, change them with these functions and write the whole object back (timeRules.set
// replaces it), so every parse and every change is unit-tested here.
import {
  MAX_BUDGET_SECONDS,
  MAX_WINDOWS_PER_DAY,
  WEEKDAYS,
  appComm,
  isCalendarDate,
  windowProblem,
  type AllowedHours,
  type TimeRules,
  type Weekday,
} from '../shared/time-rules.js';
import { parseDuration } from '../shared/units.js';
import { UsageError } from './exit-codes.js';
import { NO_LIMIT_WORDS } from './limits-args.js';

const isNoneWord = (text: string) => (NO_LIMIT_WORDS as readonly string[]).includes(text.trim().toLowerCase());

/** A window covering the whole day: what a day not restricted yet allows. */
export const WHOLE_DAY = '00:00-24:00';

/** "16:00-19:30,21:00-22:00" → its windows; "none" → [] (nothing allowed that day). `flag` names it in errors. */
export function parseWindows(text: string, flag: string): string[] {
  if (text.trim().toLowerCase() === 'none') return [];
  const windows = text.split(',').map((w) => w.trim());
  for (const window of windows) {
    const problem = windowProblem(window);
    if (problem) throw new UsageError(`${flag}: ${problem}`, "give HH:MM-HH:MM windows separated by commas, or 'none'");
  }
  if (windows.length > MAX_WINDOWS_PER_DAY) {
    throw new UsageError(`${flag}: at most ${MAX_WINDOWS_PER_DAY} windows per day, not ${windows.length}`);
  }
  return windows;
}

/** "2025-12-24,2025-12-25" → those dates; "none" → []. */
export function parseHolidayDates(text: string): string[] {
  if (isNoneWord(text)) return [];
  const dates = text.split(',').map((d) => d.trim());
  const bad = dates.find((d) => !isCalendarDate(d));
  if (bad !== undefined) {
    throw new UsageError(`--holidays: '${bad}' is not a date`, 'give YYYY-MM-DD dates separated by commas');
  }
  return [...new Set(dates)];
}

/** "2h", "90m", "1h 30m" → seconds per day; "none" → null (no budget). A unit is required. */
export function parseBudget(text: string): number | null {
  if (isNoneWord(text)) return null;
  if (/^\s*\d+(\.\d*)?\s*$/.test(text) && Number(text) !== 0) {
    throw new UsageError(`missing unit in '${text}'`, "give one, e.g. '2h' or '90m' (or 'none' to remove the budget)");
  }
  const seconds = Math.round(parseDuration(text) / 1000);
  if (seconds > MAX_BUDGET_SECONDS) throw new UsageError(`'${text}' is more than a day; a daily budget is at most 24h`);
  return seconds;
}

/** "10,2" → [10, 2] minutes before time runs out; "none" → no warnings. */
export function parseWarnMinutes(text: string): number[] {
  if (isNoneWord(text)) return [];
  const minutes = text.split(',').map((part) => {
    const trimmed = part.trim();
    const value = Number(trimmed);
    if (!/^\d+$/.test(trimmed) || value < 1 || value > 120) {
      throw new UsageError(`warning times are whole minutes from 1 to 120, not '${trimmed}'`, 'e.g. 10,2');
    }
    return value;
  });
  if (new Set(minutes).size !== minutes.length) throw new UsageError('warning times must not repeat');
  if (minutes.length > 4) throw new UsageError('at most 4 warnings');
  return minutes;
}

export type HoursOptions = Partial<Record<Weekday | 'weekdays' | 'weekend' | 'holidayWindows' | 'holidays', string>> & {
  any?: boolean;
};

const WEEKDAY_SET: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const WEEKEND_SET: readonly Weekday[] = ['sat', 'sun'];

/** Allowed hours with nothing restricted yet: every day and holiday the whole day. */
export function wholeDayHours(): AllowedHours {
  const days = Object.fromEntries(WEEKDAYS.map((day) => [day, [WHOLE_DAY]])) as Record<Weekday, string[]>;
  return { days, holidays: { dates: [], windows: [WHOLE_DAY] } };
}

/** What `time hours` changes, parsed (and checked) before anything is read or written. */
export type HoursChange =
  | { any: true }
  | { any: false; days: Partial<Record<Weekday, string[]>>; holidayWindows?: string[]; holidayDates?: string[] };

/** `time hours` options → the change: --weekdays / --weekend first, then single days over them. */
export function parseHoursOptions(options: HoursOptions): HoursChange {
  const flags = [...WEEKDAYS, 'weekdays', 'weekend', 'holidayWindows', 'holidays'] as const;
  const given = flags.filter((flag) => options[flag] !== undefined);
  if (options.any) {
    if (given.length) throw new UsageError('--any removes the allowed hours; give it alone');
    return { any: true };
  }
  if (given.length === 0) {
    throw new UsageError('no hours given', 'e.g. --weekdays 15:00-19:30 --weekend 08:00-20:00, or --any');
  }
  const days: Partial<Record<Weekday, string[]>> = {};
  const setDays = (names: readonly Weekday[], text: string, flag: string) => {
    const windows = parseWindows(text, flag);
    for (const day of names) days[day] = windows;
  };
  if (options.weekdays !== undefined) setDays(WEEKDAY_SET, options.weekdays, '--weekdays');
  if (options.weekend !== undefined) setDays(WEEKEND_SET, options.weekend, '--weekend');
  for (const day of WEEKDAYS) {
    const text = options[day];
    if (text !== undefined) setDays([day], text, `--${day}`);
  }
  return {
    any: false,
    days,
    ...(options.holidayWindows === undefined
      ? {}
      : { holidayWindows: parseWindows(options.holidayWindows, '--holiday-windows') }),
    ...(options.holidays === undefined ? {} : { holidayDates: parseHolidayDates(options.holidays) }),
  };
}

/**
 * The change applied to the current rules. Days not named keep their windows, or allow the whole day when there
 * were no allowed hours before.
 */
export function applyHoursChange(rules: TimeRules, change: HoursChange): TimeRules {
  if (change.any) return { ...structuredClone(rules), allowedHours: null };
  const hours = rules.allowedHours ? structuredClone(rules.allowedHours) : wholeDayHours();
  for (const day of WEEKDAYS) {
    const windows = change.days[day];
    if (windows) hours.days[day] = [...windows];
  }
  if (change.holidayWindows) hours.holidays.windows = [...change.holidayWindows];
  if (change.holidayDates) hours.holidays.dates = [...change.holidayDates];
  return { ...structuredClone(rules), allowedHours: hours };
}

/** Sets (or with null removes; no budget is fine) one app's daily budget, matched by the name the kernel sees. */
export function withAppBudget(rules: TimeRules, app: string, secondsPerDay: number | null): TimeRules {
  const comm = appComm(app);
  const others = rules.appBudgets.filter((b) => appComm(b.app) !== comm);
  const appBudgets = secondsPerDay === null ? others : [...others, { app, secondsPerDay }];
  return { ...structuredClone(rules), appBudgets };
}
