// Allowed hours → the instants they allow: per local day, that day's windows (or the holiday windows on a holiday),
// each from the instant the clock shows its start to the instant it shows its end (the next day's, for a window
// across midnight), merged. Pure over an injected zone.
import { MINUTES_PER_DAY, WEEKDAYS, parseWindow, type AllowedHours } from '../../shared/time-rules.js';
import {
  DAY_MS,
  MINUTE_MS,
  dayFromDate,
  instantOf,
  localDay,
  weekdayIndex,
  type DayNumber,
  type TimeZone,
} from './zone.js';

/** [startMs, endMs) */
export type Interval = readonly [number, number];

/** How far ahead the next change is looked for: a week covers every weekly pattern, plus a day of margin. */
export const NEXT_CHANGE_HORIZON_MS = 8 * DAY_MS;

export function windowsOfDay(hours: AllowedHours, day: DayNumber, holidays: ReadonlySet<DayNumber>): string[] {
  if (holidays.has(day)) return hours.holidays.windows;
  return hours.days[WEEKDAYS[weekdayIndex(day)]!];
}

export function holidaySet(hours: AllowedHours): Set<DayNumber> {
  return new Set(hours.holidays.dates.map(dayFromDate));
}

/** The allowed intervals overlapping [fromMs, toMs), merged and clipped to it, in order. */
export function allowedIntervals(hours: AllowedHours, fromMs: number, toMs: number, zone: TimeZone): Interval[] {
  const holidays = holidaySet(hours);
  const raw: Array<[number, number]> = [];
  // A window of the day before `fromMs` may still be open at it (one across midnight).
  for (let day = localDay(fromMs, zone) - 1; day <= localDay(toMs, zone); day++) {
    for (const text of windowsOfDay(hours, day, holidays)) {
      const window = parseWindow(text);
      const endDay = window.crossesMidnight || window.endMinute === MINUTES_PER_DAY ? day + 1 : day;
      const startMs = instantOf(day, window.startMinute * MINUTE_MS, zone);
      const endMs = instantOf(endDay, (window.endMinute % MINUTES_PER_DAY) * MINUTE_MS, zone);
      if (endMs > startMs) raw.push([startMs, endMs]);
    }
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of raw) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged
    .map(([start, end]): Interval => [Math.max(start, fromMs), Math.min(end, toMs)])
    .filter(([start, end]) => end > start);
}

export interface AllowedState {
  allowedNow: boolean;
  /** When allowedNow next flips; null when it does not within NEXT_CHANGE_HORIZON_MS (or never: no allowed hours). */
  nextChangeMs: number | null;
}

export function allowedState(hours: AllowedHours | null, nowMs: number, zone: TimeZone): AllowedState {
  if (hours === null) return { allowedNow: true, nextChangeMs: null };
  const horizonMs = nowMs + NEXT_CHANGE_HORIZON_MS;
  const intervals = allowedIntervals(hours, nowMs, horizonMs, zone);
  const current = intervals.find(([start, end]) => start <= nowMs && nowMs < end);
  if (current) return { allowedNow: true, nextChangeMs: current[1] < horizonMs ? current[1] : null };
  const next = intervals.find(([start]) => start > nowMs);
  return { allowedNow: false, nextChangeMs: next ? next[0] : null };
}
