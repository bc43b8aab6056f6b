import { describe, expect, it } from 'vitest';
import {
  dateOfDay,
  dayBounds,
  dayFromDate,
  fixedZone,
  formatLocalIso,
  instantOf,
  localTime,
  weekdayIndex,
} from '../../../src/helper/time/zone.js';
import { DAY, FALL_BACK_UTC, HOUR, MINUTE, SPRING_FORWARD_UTC, berlin2025 } from './zones.js';

const SPRING_DAY = dayFromDate('2025-03-30');
const AUTUMN_DAY = dayFromDate('2025-10-26');

describe('local days', () => {
  it('converts dates and days, and names Monday 0 and Sunday 6', () => {
    expect(dateOfDay(dayFromDate('2025-12-24'))).toBe('2025-12-24');
    expect(dayFromDate('1970-01-01')).toBe(0);
    expect(weekdayIndex(dayFromDate('2025-03-30'))).toBe(6); // a Sunday
    expect(weekdayIndex(dayFromDate('2025-03-31'))).toBe(0); // a Monday
    expect(weekdayIndex(dayFromDate('1969-12-31'))).toBe(2); // a Wednesday, before the epoch
  });

  it('puts an instant on its local day, not its UTC day', () => {
    const lateUtc = Date.UTC(2025, 5, 1, 23, 30); // 01:30 on 2 June in Berlin summer time
    expect(dateOfDay(localTime(lateUtc, berlin2025).day)).toBe('2025-06-02');
    expect(localTime(lateUtc, berlin2025).msOfDay).toBe(90 * MINUTE);
    expect(dateOfDay(localTime(lateUtc, fixedZone(-5 * HOUR)).day)).toBe('2025-06-01');
  });

  it('has a 23-hour day when the clocks go forward and a 25-hour one when they go back', () => {
    const spring = dayBounds(Date.UTC(2025, 2, 30, 12), berlin2025);
    expect(spring.toMs - spring.fromMs).toBe(23 * HOUR);
    expect(spring.fromMs).toBe(Date.UTC(2025, 2, 29, 23)); // midnight at UTC+1
    expect(spring.toMs).toBe(Date.UTC(2025, 2, 30, 22)); // next midnight at UTC+2
    const autumn = dayBounds(Date.UTC(2025, 9, 26, 12), berlin2025);
    expect(autumn.toMs - autumn.fromMs).toBe(25 * HOUR);
    const plain = dayBounds(Date.UTC(2025, 6, 1, 12), berlin2025);
    expect(plain.toMs - plain.fromMs).toBe(DAY);
  });
});

describe('instantOf: the earliest instant the clock shows a wall time', () => {
  it('is the one instant on an ordinary day', () => {
    expect(instantOf(dayFromDate('2025-07-01'), 16 * HOUR, berlin2025)).toBe(Date.UTC(2025, 6, 1, 14));
  });

  it('is the jump itself for a wall time the spring change skips', () => {
    // 02:00–03:00 does not exist on 2025-03-30: 02:30 "happens" when the clock jumps from 02:00 to 03:00
    expect(instantOf(SPRING_DAY, 2 * HOUR + 30 * MINUTE, berlin2025)).toBe(SPRING_FORWARD_UTC);
    expect(instantOf(SPRING_DAY, 2 * HOUR, berlin2025)).toBe(SPRING_FORWARD_UTC);
    expect(instantOf(SPRING_DAY, 3 * HOUR, berlin2025)).toBe(SPRING_FORWARD_UTC);
    expect(instantOf(SPRING_DAY, HOUR + 59 * MINUTE, berlin2025)).toBe(SPRING_FORWARD_UTC - MINUTE);
  });

  it('is the first of the two for a wall time the autumn change repeats', () => {
    // 02:30 happens at 00:30 UTC (summer time) and again at 01:30 UTC (winter time)
    expect(instantOf(AUTUMN_DAY, 2 * HOUR + 30 * MINUTE, berlin2025)).toBe(FALL_BACK_UTC - 30 * MINUTE);
    expect(instantOf(AUTUMN_DAY, 3 * HOUR, berlin2025)).toBe(FALL_BACK_UTC + HOUR);
  });

  it('works in zones west of UTC and at half hours', () => {
    expect(instantOf(dayFromDate('2025-01-15'), 0, fixedZone(-8 * HOUR))).toBe(Date.UTC(2025, 0, 15, 8));
    expect(instantOf(dayFromDate('2025-01-15'), 0, fixedZone(5.5 * HOUR))).toBe(Date.UTC(2025, 0, 14, 18, 30));
  });
});

describe('formatLocalIso', () => {
  it('writes the wall time with its offset', () => {
    expect(formatLocalIso(SPRING_FORWARD_UTC, berlin2025)).toBe('2025-03-30T03:00:00+02:00');
    expect(formatLocalIso(SPRING_FORWARD_UTC - 1000, berlin2025)).toBe('2025-03-30T01:59:59+01:00');
    expect(formatLocalIso(Date.UTC(2025, 0, 1), fixedZone(-5.5 * HOUR))).toBe('2024-12-31T18:30:00-05:30');
  });
});
