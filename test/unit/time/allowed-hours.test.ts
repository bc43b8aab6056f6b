import { describe, expect, it } from 'vitest';
import { allowedIntervals, allowedState } from '../../../src/helper/time/allowed-hours.js';
import { fixedZone } from '../../../src/helper/time/zone.js';
import type { AllowedHours, Weekday } from '../../../src/shared/time-rules.js';
import { DAY, FALL_BACK_UTC, HOUR, MINUTE, SPRING_FORWARD_UTC, berlin2025, berlinTime } from './zones.js';

function hours(days: Partial<Record<Weekday, string[]>>, holidays: { dates?: string[]; windows?: string[] } = {}): AllowedHours {
  return {
    days: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], ...days },
    holidays: { dates: holidays.dates ?? [], windows: holidays.windows ?? [] },
  };
}

const weekdays = (windows: string[]) => ({ mon: windows, tue: windows, wed: windows, thu: windows, fri: windows });
const utc = fixedZone(0);
// 2025-06-02 is a Monday.
const at = (day: number, hour: number, minute = 0) => Date.UTC(2025, 5, day, hour, minute);

describe('allowedState', () => {
  it('allows everything without allowed hours', () => {
    expect(allowedState(null, at(2, 3), utc)).toEqual({ allowedNow: true, nextChangeMs: null });
  });

  it('is allowed inside a window and says when it closes; outside, when it opens', () => {
    const rules = hours(weekdays(['16:00-19:30']));
    expect(allowedState(rules, at(2, 17), utc)).toEqual({ allowedNow: true, nextChangeMs: at(2, 19, 30) });
    expect(allowedState(rules, at(2, 15, 59), utc)).toEqual({ allowedNow: false, nextChangeMs: at(2, 16) });
    // the end is exclusive, the start inclusive
    expect(allowedState(rules, at(2, 19, 30), utc)).toEqual({ allowedNow: false, nextChangeMs: at(3, 16) });
    expect(allowedState(rules, at(2, 16), utc).allowedNow).toBe(true);
  });

  it('runs a window across midnight into the next day, even into a day without windows of its own', () => {
    const rules = hours({ fri: ['22:00-01:00'] }); // Friday 6 June 22:00 → Saturday 01:00
    expect(allowedState(rules, at(6, 23), utc)).toEqual({ allowedNow: true, nextChangeMs: at(7, 1) });
    expect(allowedState(rules, at(7, 0, 30), utc)).toEqual({ allowedNow: true, nextChangeMs: at(7, 1) });
    expect(allowedState(rules, at(7, 1), utc)).toEqual({ allowedNow: false, nextChangeMs: at(13, 22) });
    // Friday's window does not apply on Friday early morning (that would be Thursday's)
    expect(allowedState(rules, at(6, 0, 30), utc).allowedNow).toBe(false);
  });

  it('merges windows that touch across midnight, so the next change is the real end', () => {
    const rules = hours({ fri: ['20:00-24:00'], sat: ['00:00-02:00', '10:00-12:00'] });
    expect(allowedState(rules, at(6, 21), utc)).toEqual({ allowedNow: true, nextChangeMs: at(7, 2) });
  });

  it('merges overlapping windows of one day', () => {
    const rules = hours({ mon: ['09:00-11:00', '10:00-12:00', '11:30-13:00'] });
    expect(allowedIntervals(rules, at(2, 0), at(3, 0), utc)).toEqual([[at(2, 9), at(2, 13)]]);
  });

  it('treats weekend days by their own windows', () => {
    const rules = hours({ ...weekdays(['16:00-18:00']), sat: ['09:00-20:00'], sun: ['10:00-12:00'] });
    expect(allowedState(rules, at(7, 10), utc)).toEqual({ allowedNow: true, nextChangeMs: at(7, 20) });
    expect(allowedState(rules, at(8, 13), utc)).toEqual({ allowedNow: false, nextChangeMs: at(9, 16) });
  });

  it('uses the holiday windows on holiday dates instead of the weekday', () => {
    const rules = hours(weekdays(['16:00-18:00']), { dates: ['2025-06-04'], windows: ['08:00-20:00'] });
    expect(allowedState(rules, at(4, 9), utc)).toEqual({ allowedNow: true, nextChangeMs: at(4, 20) });
    expect(allowedState(rules, at(4, 17), utc).allowedNow).toBe(true);
    expect(allowedState(rules, at(5, 9), utc)).toEqual({ allowedNow: false, nextChangeMs: at(5, 16) });
    // a holiday without windows allows nothing that day
    const none = hours(weekdays(['16:00-18:00']), { dates: ['2025-06-04'] });
    expect(allowedState(none, at(4, 17), utc)).toEqual({ allowedNow: false, nextChangeMs: at(5, 16) });
  });

  it('allows nothing on a week without windows, and says nothing changes', () => {
    expect(allowedState(hours({}), at(2, 12), utc)).toEqual({ allowedNow: false, nextChangeMs: null });
  });

  it('has no next change when every day is allowed all day', () => {
    const all = ['00:00-24:00'];
    const rules = hours({ ...weekdays(all), sat: all, sun: all });
    expect(allowedState(rules, at(2, 12), utc)).toEqual({ allowedNow: true, nextChangeMs: null });
  });

  it('follows the local clock, not UTC', () => {
    const rules = hours(weekdays(['16:00-18:00']));
    expect(allowedState(rules, Date.UTC(2025, 5, 2, 14, 30), berlin2025)).toEqual({
      allowedNow: true,
      nextChangeMs: Date.UTC(2025, 5, 2, 16),
    });
  });
});

describe('allowed hours on DST-change days', () => {
  it('keeps 16:00-18:00 at 16:00-18:00 local on both sides of the spring change', () => {
    const rules = hours({ sat: ['16:00-18:00'], sun: ['16:00-18:00'] });
    const intervals = allowedIntervals(rules, Date.UTC(2025, 2, 29), Date.UTC(2025, 2, 31), berlin2025);
    expect(intervals).toEqual([
      [berlinTime(2025, 3, 29, 16), berlinTime(2025, 3, 29, 18)],
      [berlinTime(2025, 3, 30, 16), berlinTime(2025, 3, 30, 18)],
    ]);
    expect(intervals[0]![0]).toBe(Date.UTC(2025, 2, 29, 15)); // UTC+1
    expect(intervals[1]![0]).toBe(Date.UTC(2025, 2, 30, 14)); // UTC+2
  });

  it('ends and starts a window at the jump when its boundary is in the skipped hour', () => {
    const range = [Date.UTC(2025, 2, 29), Date.UTC(2025, 2, 31)] as const;
    // Saturday 22:00 (+1) until the clock shows 02:30: it jumps from 02:00 to 03:00, so the window ends at the jump
    const ending = allowedIntervals(hours({ sat: ['22:00-02:30'] }), ...range, berlin2025);
    expect(ending).toEqual([[Date.UTC(2025, 2, 29, 21), SPRING_FORWARD_UTC]]);
    // from 02:30 on Sunday: it starts at the jump (the clock then shows 03:00) and ends at 04:00 summer time
    const starting = allowedIntervals(hours({ sun: ['02:30-04:00'] }), ...range, berlin2025);
    expect(starting).toEqual([[SPRING_FORWARD_UTC, Date.UTC(2025, 2, 30, 2)]]);
    // together they touch at the jump and merge
    const both = allowedIntervals(hours({ sat: ['22:00-02:30'], sun: ['02:30-04:00'] }), ...range, berlin2025);
    expect(both).toEqual([[Date.UTC(2025, 2, 29, 21), Date.UTC(2025, 2, 30, 2)]]);
    // and a window wholly inside the skipped hour allows nothing
    expect(allowedIntervals(hours({ sun: ['02:10-02:50'] }), ...range, berlin2025)).toEqual([]);
  });

  it('gives a window over the repeated hour its real length (an hour more)', () => {
    const rules = hours({ sun: ['01:00-04:00'] });
    const [window] = allowedIntervals(rules, Date.UTC(2025, 9, 25), Date.UTC(2025, 9, 27), berlin2025);
    expect(window).toEqual([Date.UTC(2025, 9, 25, 23), Date.UTC(2025, 9, 26, 3)]); // 01:00 (+2) → 04:00 (+1)
    expect(window![1] - window![0]).toBe(4 * HOUR);
    expect(allowedState(rules, FALL_BACK_UTC + 30 * MINUTE, berlin2025)).toEqual({
      allowedNow: true, // the second 02:30
      nextChangeMs: Date.UTC(2025, 9, 26, 3),
    });
  });

  it('closes a midnight-crossing window at the right instant on the night of the change', () => {
    const rules = hours({ sat: ['22:00-01:00'] });
    const state = allowedState(rules, Date.UTC(2025, 9, 25, 21), berlin2025); // Saturday 23:00 (+2)
    expect(state).toEqual({ allowedNow: true, nextChangeMs: Date.UTC(2025, 9, 25, 23) }); // Sunday 01:00 (+2)
  });

  it('finds the next opening a week ahead across a change', () => {
    const rules = hours({ sat: ['10:00-11:00'] });
    const state = allowedState(rules, Date.UTC(2025, 2, 22, 12), berlin2025); // Saturday before, after 11:00
    expect(state).toEqual({ allowedNow: false, nextChangeMs: berlinTime(2025, 3, 29, 10) });
    const after = allowedState(rules, Date.UTC(2025, 2, 29, 12), berlin2025);
    expect(after.nextChangeMs).toBe(Date.UTC(2025, 3, 5, 8)); // 10:00 summer time
    expect(after.nextChangeMs! - Date.UTC(2025, 2, 29, 12)).toBeLessThan(7 * DAY);
  });
});
