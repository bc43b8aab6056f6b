// Local calendar arithmetic over an injectable time zone: local days, local midnight, and local wall times to
// instants, correct across DST changes (23- and 25-hour days, skipped and repeated hours). Pure: the zone is a
// function from an instant to its UTC offset, so tests can use a synthetic zone; the helper uses the machine's.

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export interface TimeZone {
  /** Local time minus UTC at the instant `utcMs`, in ms (+3_600_000 for UTC+1). */
  offsetMs(utcMs: number): number;
}

/** The machine's local time zone (TZ, /etc/localtime), as Date sees it. */
export const systemZone: TimeZone = {
  offsetMs: (utcMs) => -new Date(utcMs).getTimezoneOffset() * MINUTE_MS,
};

export function fixedZone(offsetMs: number): TimeZone {
  return { offsetMs: () => offsetMs };
}

/** A local civil day: days since 1970-01-01 in local time (not an instant). */
export type DayNumber = number;

export interface LocalTime {
  day: DayNumber;
  /** Milliseconds since local midnight by the wall clock. */
  msOfDay: number;
}

/** The wall clock at an instant. */
export function localTime(utcMs: number, zone: TimeZone): LocalTime {
  const wall = utcMs + zone.offsetMs(utcMs);
  const day = Math.floor(wall / DAY_MS);
  return { day, msOfDay: wall - day * DAY_MS };
}

export function localDay(utcMs: number, zone: TimeZone): DayNumber {
  return localTime(utcMs, zone).day;
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayIndex(day: DayNumber): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function dayFromDate(date: string): DayNumber {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(year, month - 1, dayOfMonth) / DAY_MS);
}

export function dateOfDay(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The earliest instant at which the wall clock shows `msOfDay` or later on `day`. On a normal day that is the one
 * instant with that wall time; in an hour repeated by a DST change it is the first of the two; in an hour skipped by
 * one it is the instant the clocks jump (a window ending at 02:30 on a day that skips from 02:00 to 03:00 ends at the
 * jump, and one starting then starts at the jump). So "allowed from 16:00" always means "once the clock shows 16:00".
 */
export function instantOf(day: DayNumber, msOfDay: number, zone: TimeZone): number {
  const wall = day * DAY_MS + msOfDay;
  // The offsets in force around that wall time; zones change offset at most once within a day or so.
  const offsets = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((t) => zone.offsetMs(t)))];
  const valid = offsets.map((o) => wall - o).filter((utc) => utc + zone.offsetMs(utc) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // Skipped wall time: the clock jumps over it somewhere between the two candidate instants. Find the jump.
  let lo = wall - Math.max(...offsets); // the clock still shows less than `wall` here
  let hi = wall - Math.min(...offsets); // and more than `wall` here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + zone.offsetMs(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Local midnight starting `day`. */
export function startOfDay(day: DayNumber, zone: TimeZone): number {
  return instantOf(day, 0, zone);
}

/** Local midnight of the day holding `utcMs`, and the next one: the day is 23, 24 or 25 hours long. */
export function dayBounds(utcMs: number, zone: TimeZone): { day: DayNumber; fromMs: number; toMs: number } {
  const day = localDay(utcMs, zone);
  return { day, fromMs: startOfDay(day, zone), toMs: startOfDay(day + 1, zone) };
}

/** ISO 8601 with the local offset: 2025-03-30T03:00:00+02:00. */
export function formatLocalIso(utcMs: number, zone: TimeZone): string {
  const offset = zone.offsetMs(utcMs);
  const wall = new Date(utcMs + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offset) / MINUTE_MS);
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
