// A profile's time rules as the editor shows them: a week grid of allowed windows ('16:00-19:30'), holiday dates,
// durations typed with units ("2h", "1h 30m", "45m") and warning minutes ("10, 2"). Pure: TimeRules ⇄ form, with
// one error per input so each can be shown next to it. The helper validates the same rules again (params.ts).

import {
  COMM_MAX_LENGTH,
  MAX_APP_BUDGETS,
  MAX_BUDGET_SECONDS,
  MAX_HOLIDAY_DATES,
  MAX_WINDOWS_PER_DAY,
  WEEKDAYS,
  appComm,
  isCalendarDate,
  windowProblem,
  type TimeRules,
  type Weekday,
} from '../../shared/time-rules.js';
import { UnitParseError, formatDuration, parseDuration } from '../../shared/units.js';
import { appInputError } from './accounts.js';

export const WEEKDAY_LABELS: Readonly<Record<Weekday, string>> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The grid's rows: the seven weekdays and the holiday row. */
export type DayRow = Weekday | 'holiday';
export const DAY_ROWS: readonly DayRow[] = [...WEEKDAYS, 'holiday'];

/** What a day gets when the parent turns "any time" off for a profile that had no allowed hours. */
export const DEFAULT_WINDOW = '08:00-20:00';

export interface AppBudgetInput {
  app: string;
  duration: string;
}

export interface TimeRulesForm {
  anyTime: boolean;
  windows: Record<DayRow, string[]>;
  holidayDates: string[];
  /** '' = no budget. */
  screenTime: string;
  appBudgets: AppBudgetInput[];
  /** Minutes, separated by commas; '' = no warnings. */
  warnMinutes: string;
}

export interface TimeRulesErrors {
  windows: Record<DayRow, Array<string | null>>;
  /** A problem of a day as a whole (too many windows). */
  days: Record<DayRow, string | null>;
  holidayDates: Array<string | null>;
  screenTime: string | null;
  appBudgets: Array<{ app: string | null; duration: string | null }>;
  warnMinutes: string | null;
}

export type TimeRulesCheck = { ok: true; rules: TimeRules; errors: TimeRulesErrors } | { ok: false; errors: TimeRulesErrors };

/** Seconds → the text the duration inputs take back ("2h", "1h 30m", "45m"). */
export function formatBudgetInput(seconds: number | null): string {
  if (seconds === null) return '';
  return seconds === 0 ? '0m' : formatDuration(seconds * 1000);
}

/** Seconds → "1 h 30 min", "42 s", as the helper words durations. */
export function formatMinutes(seconds: number): string {
  if (seconds >= 0.5 && seconds < 59.5) return `${Math.round(seconds)} s`;
  const minutes = Math.round(Math.max(0, seconds) / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function timeRulesFormOf(rules: TimeRules): TimeRulesForm {
  const hours = rules.allowedHours;
  const windows = Object.fromEntries(
    DAY_ROWS.map((row) => {
      if (!hours) return [row, [DEFAULT_WINDOW]];
      return [row, [...(row === 'holiday' ? hours.holidays.windows : hours.days[row])]];
    }),
  ) as Record<DayRow, string[]>;
  return {
    anyTime: hours === null,
    windows,
    holidayDates: [...(hours?.holidays.dates ?? [])],
    screenTime: formatBudgetInput(rules.screenTimeSecondsPerDay),
    appBudgets: rules.appBudgets.map((b) => ({ app: b.app, duration: formatBudgetInput(b.secondsPerDay) })),
    warnMinutes: rules.warnMinutesBefore.join(', '),
  };
}

const BARE_NUMBER = /^\d+(?:\.\d*)?$/;

/** "2h", "1h 30m", "45m" → whole seconds, or why not. */
export function parseBudget(text: string): { ok: true; seconds: number } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (BARE_NUMBER.test(trimmed)) return { ok: false, error: `Add a unit, e.g. '${trimmed}m' or '${trimmed}h'.` };
  let ms: number;
  try {
    ms = parseDuration(trimmed);
  } catch (error) {
    if (error instanceof UnitParseError) return { ok: false, error: `${error.message}.` };
    throw error;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 0) return { ok: false, error: 'Cannot be negative.' };
  if (seconds > MAX_BUDGET_SECONDS) return { ok: false, error: 'At most 24h a day.' };
  return { ok: true, seconds };
}

function parseWarnMinutes(text: string): { ok: true; minutes: number[] } | { ok: false; error: string } {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const minutes: number[] = [];
  for (const part of parts) {
    const value = Number(part.replace(/\s*min$/, ''));
    if (!Number.isInteger(value) || value < 1 || value > 120) {
      return { ok: false, error: `"${part}" is not a whole number of minutes from 1 to 120.` };
    }
    if (minutes.includes(value)) return { ok: false, error: `${value} is listed twice.` };
    minutes.push(value);
  }
  if (minutes.length > 4) return { ok: false, error: 'At most 4 warnings.' };
  return { ok: true, minutes: minutes.sort((a, b) => b - a) };
}

/** The form → TimeRules for timeRules.set, or the errors to show. */
export function checkTimeRulesForm(form: TimeRulesForm): TimeRulesCheck {
  const errors: TimeRulesErrors = {
    windows: Object.fromEntries(DAY_ROWS.map((row) => [row, form.windows[row].map((w) => windowProblem(w.trim()))])) as Record<
      DayRow,
      Array<string | null>
    >,
    days: Object.fromEntries(
      DAY_ROWS.map((row) => [
        row,
        form.windows[row].length > MAX_WINDOWS_PER_DAY ? `At most ${MAX_WINDOWS_PER_DAY} windows a day.` : null,
      ]),
    ) as Record<DayRow, string | null>,
    holidayDates: form.holidayDates.map((date, index) => {
      if (!isCalendarDate(date.trim())) return 'Pick a date (YYYY-MM-DD).';
      return form.holidayDates.findIndex((d) => d.trim() === date.trim()) < index ? 'Listed twice.' : null;
    }),
    screenTime: null,
    appBudgets: [],
    warnMinutes: null,
  };
  if (form.holidayDates.length > MAX_HOLIDAY_DATES) errors.holidayDates.push(`At most ${MAX_HOLIDAY_DATES} dates.`);

  let screenTimeSeconds: number | null = null;
  if (form.screenTime.trim() !== '') {
    const parsed = parseBudget(form.screenTime);
    if (parsed.ok) screenTimeSeconds = parsed.seconds;
    else errors.screenTime = parsed.error;
  }

  const seenComms = new Map<string, number>();
  const appBudgets: TimeRules['appBudgets'] = [];
  form.appBudgets.forEach((budget, index) => {
    const app = budget.app.trim();
    let appError = appInputError(app);
    if (!appError && appComm(app) === '') appError = 'Name the program, not a directory.';
    if (!appError && seenComms.has(appComm(app))) {
      appError = `Same program as line ${seenComms.get(appComm(app))! + 1} (names match on their first ${COMM_MAX_LENGTH} characters).`;
    }
    if (app !== '') seenComms.set(appComm(app), seenComms.get(appComm(app)) ?? index);
    const parsed = budget.duration.trim() === '' ? ({ ok: false, error: 'How long a day, e.g. 1h.' } as const) : parseBudget(budget.duration);
    errors.appBudgets.push({ app: appError, duration: parsed.ok ? null : parsed.error });
    if (!appError && parsed.ok) appBudgets.push({ app, secondsPerDay: parsed.seconds });
  });
  if (form.appBudgets.length > MAX_APP_BUDGETS) errors.warnMinutes = `At most ${MAX_APP_BUDGETS} app budgets.`;

  const warn = parseWarnMinutes(form.warnMinutes);
  if (!warn.ok) errors.warnMinutes = warn.error;

  const hasError =
    DAY_ROWS.some((row) => errors.days[row] !== null || errors.windows[row].some((e) => e !== null)) ||
    errors.holidayDates.some((e) => e !== null) ||
    errors.screenTime !== null ||
    errors.appBudgets.some((e) => e.app !== null || e.duration !== null) ||
    errors.warnMinutes !== null;
  if (hasError || !warn.ok) return { ok: false, errors };

  const trimmed = (row: DayRow) => form.windows[row].map((w) => w.trim());
  const rules: TimeRules = {
    allowedHours: form.anyTime
      ? null
      : {
          days: Object.fromEntries(WEEKDAYS.map((day) => [day, trimmed(day)])) as Record<Weekday, string[]>,
          holidays: { dates: form.holidayDates.map((d) => d.trim()).sort(), windows: trimmed('holiday') },
        },
    screenTimeSecondsPerDay: screenTimeSeconds,
    appBudgets,
    warnMinutesBefore: warn.minutes,
  };
  return { ok: true, rules, errors };
}

/** Whether two rule sets mean the same (holiday order and warning order do not matter). */
export function sameTimeRules(a: TimeRules, b: TimeRules): boolean {
  const normal = (rules: TimeRules) =>
    JSON.stringify({
      ...rules,
      allowedHours: rules.allowedHours && {
        days: WEEKDAYS.map((day) => rules.allowedHours!.days[day]),
        holidays: { dates: [...rules.allowedHours.holidays.dates].sort(), windows: rules.allowedHours.holidays.windows },
      },
      appBudgets: rules.appBudgets.map((budget) => [budget.app, budget.secondsPerDay]),
      warnMinutesBefore: [...rules.warnMinutesBefore].sort((x, y) => y - x),
    });
  return normal(a) === normal(b);
}
