// Time zones for tests that must not depend on the machine's TZ: a synthetic Central European zone with the 2025
// DST changes (UTC+1, UTC+2 from 2025-03-30 01:00 UTC, UTC+1 again from 2025-10-26 01:00 UTC).
import type { TimeZone } from '../../../src/helper/time/zone.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export const SPRING_FORWARD_UTC = Date.UTC(2025, 2, 30, 1, 0);
export const FALL_BACK_UTC = Date.UTC(2025, 9, 26, 1, 0);

export const berlin2025: TimeZone = {
  offsetMs: (utcMs) => (utcMs >= SPRING_FORWARD_UTC && utcMs < FALL_BACK_UTC ? 2 * HOUR : HOUR),
};

/** The instant a Berlin wall-clock time denotes, for times that exist once (tests choose them so). */
export function berlinTime(year: number, month: number, day: number, hour: number, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const summer = berlin2025.offsetMs(wall - 2 * HOUR);
  return wall - summer;
}
