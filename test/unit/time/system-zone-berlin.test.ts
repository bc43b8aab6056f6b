// The machine's zone as the helper reads it (systemZone, through Date), under a real DST zone. Vitest runs each file
// in its own worker, and Node re-reads TZ when it is assigned, so this file alone lives in Berlin.
process.env.TZ = 'Europe/Berlin';

import { describe, expect, it } from 'vitest';
import { allowedState } from '../../../src/helper/time/allowed-hours.js';
import { dayBounds, dayFromDate, instantOf, systemZone } from '../../../src/helper/time/zone.js';
import { FALL_BACK_UTC, HOUR, MINUTE, SPRING_FORWARD_UTC, berlin2025 } from './zones.js';

describe('systemZone in Europe/Berlin', () => {
  it('has the offsets of the synthetic zone the other tests use', () => {
    for (const utc of [
      Date.UTC(2025, 0, 1),
      SPRING_FORWARD_UTC - 1,
      SPRING_FORWARD_UTC,
      Date.UTC(2025, 6, 1, 12),
      FALL_BACK_UTC - 1,
      FALL_BACK_UTC,
      Date.UTC(2025, 11, 31, 23),
    ]) {
      expect(systemZone.offsetMs(utc), new Date(utc).toISOString()).toBe(berlin2025.offsetMs(utc));
    }
  });

  it('makes the change days 23 and 25 hours long', () => {
    const spring = dayBounds(Date.UTC(2025, 2, 30, 10), systemZone);
    expect(spring.toMs - spring.fromMs).toBe(23 * HOUR);
    expect(new Date(spring.fromMs).getHours()).toBe(0);
    const autumn = dayBounds(Date.UTC(2025, 9, 26, 10), systemZone);
    expect(autumn.toMs - autumn.fromMs).toBe(25 * HOUR);
  });

  it('agrees with Date on existing wall times, and resolves skipped and repeated ones as documented', () => {
    const day = dayFromDate('2025-03-30');
    expect(instantOf(day, 12 * HOUR, systemZone)).toBe(new Date(2025, 2, 30, 12, 0).getTime());
    expect(instantOf(day, 2 * HOUR + 30 * MINUTE, systemZone)).toBe(SPRING_FORWARD_UTC);
    const autumn = dayFromDate('2025-10-26');
    expect(instantOf(autumn, 2 * HOUR + 30 * MINUTE, systemZone)).toBe(new Date(2025, 9, 26, 2, 30).getTime());
  });

  it('evaluates allowed hours by the local clock on the change day', () => {
    const days = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: ['16:00-18:00'] };
    const rules = { days, holidays: { dates: [], windows: [] } };
    expect(allowedState(rules, new Date(2025, 2, 30, 17, 0).getTime(), systemZone)).toEqual({
      allowedNow: true,
      nextChangeMs: new Date(2025, 2, 30, 18, 0).getTime(),
    });
  });
});
