import { describe, expect, it } from 'vitest';
import { dueWarnings, evaluateTime, warningKey, type Countdown } from '../../../src/helper/time/evaluate-time.js';
import { tallyRollups } from '../../../src/helper/time/screen-time.js';
import { fixedZone } from '../../../src/helper/time/zone.js';
import { NO_TIME_RULES, type TimeRules } from '../../../src/shared/time-rules.js';
import { appRow } from './usage-fixtures.js';

const utc = fixedZone(0);
const MON_17 = Date.UTC(2025, 5, 2, 17); // a Monday
const MIDNIGHT = Date.UTC(2025, 5, 2);

function rules(partial: Partial<TimeRules>): TimeRules {
  return { ...NO_TIME_RULES, ...partial };
}
const everyDay = (windows: string[]) => ({
  days: { mon: windows, tue: windows, wed: windows, thu: windows, fri: windows, sat: windows, sun: windows },
  holidays: { dates: [], windows: [] },
});

function evaluate(r: TimeRules, rows = [appRow('firefox', MIDNIGHT + 16 * 3_600_000, 60)], running = ['firefox'], nowMs = MON_17) {
  return evaluateTime({ rules: r, nowMs, zone: utc, usage: tallyRollups(rows), runningComms: new Set(running) });
}

describe('evaluateTime', () => {
  it('reports used time even without rules, and stops nothing', () => {
    const decision = evaluate(NO_TIME_RULES);
    expect(decision.status).toEqual({
      allowedNow: true,
      nextChangeMs: null,
      screenTimeUsedSeconds: 60,
      screenTimeLeftSeconds: null,
      apps: [],
    });
    expect(decision.accountStop).toBeNull();
    expect(decision.dayStartMs).toBe(MIDNIGHT);
  });

  it('stops the account outside allowed hours', () => {
    const decision = evaluate(rules({ allowedHours: everyDay(['08:00-12:00']) }));
    expect(decision.accountStop).toBe('allowed_hours');
    expect(decision.status.nextChangeMs).toBe(Date.UTC(2025, 5, 3, 8));
    expect(decision.countdowns).toEqual([]);
  });

  it('stops the account when the screen-time budget is used up, and counts down before', () => {
    expect(evaluate(rules({ screenTimeSecondsPerDay: 60 })).accountStop).toBe('screen_time');
    const running = evaluate(rules({ screenTimeSecondsPerDay: 600 }));
    expect(running.accountStop).toBeNull();
    expect(running.status.screenTimeLeftSeconds).toBe(540);
    expect(running.countdowns).toEqual([
      { key: `screen@${MIDNIGHT}`, kind: 'screen_time', app: null, leftSeconds: 540, running: true },
    ]);
    // a budget of 0: no screen time today at all
    expect(evaluate(rules({ screenTimeSecondsPerDay: 0 }), []).accountStop).toBe('screen_time');
  });

  it('prefers allowed hours as the reason when both apply', () => {
    const both = rules({ allowedHours: everyDay(['08:00-09:00']), screenTimeSecondsPerDay: 0 });
    expect(evaluate(both).accountStop).toBe('allowed_hours');
  });

  it('ends an app at its budget, leaving the rest of the account running', () => {
    const rows = [appRow('supertux2', MIDNIGHT + 3_600_000, 60), appRow('supertux2', MIDNIGHT + 3_660_000, 45)];
    const decision = evaluate(rules({ appBudgets: [{ app: '/usr/games/supertux2', secondsPerDay: 100 }] }), rows, ['supertux2']);
    expect(decision.accountStop).toBeNull();
    expect(decision.exhaustedApps).toEqual([{ app: '/usr/games/supertux2', secondsPerDay: 100 }]);
    expect(decision.status.apps).toEqual([{ app: '/usr/games/supertux2', usedSeconds: 105, leftSeconds: 0 }]);
  });

  it('counts an app down only while it runs', () => {
    const r = rules({ appBudgets: [{ app: 'supertux2', secondsPerDay: 3600 }] });
    const idle = evaluate(r, [appRow('supertux2', MIDNIGHT, 60)], ['firefox']);
    expect(idle.countdowns).toEqual([
      { key: `app:supertux2@${MIDNIGHT}`, kind: 'screen_time', app: 'supertux2', leftSeconds: 3540, running: false },
    ]);
  });

  it('counts down to the end of the allowed window while the child is at it', () => {
    const decision = evaluate(rules({ allowedHours: everyDay(['16:00-17:10']) }));
    expect(decision.countdowns).toEqual([
      { key: `hours@${MON_17 + 600_000}`, kind: 'allowed_hours', app: null, leftSeconds: 600, running: true },
    ]);
    expect(evaluate(rules({ allowedHours: everyDay(['16:00-17:10']) }), [], ['bash']).countdowns[0]!.running).toBe(false);
  });

  it('resets at local midnight: yesterday’s rows are not today’s (the caller reads from dayStartMs)', () => {
    const justAfter = evaluate(rules({ screenTimeSecondsPerDay: 60 }), [], [], MIDNIGHT + 1000);
    expect(justAfter.dayStartMs).toBe(MIDNIGHT);
    expect(justAfter.accountStop).toBeNull();
  });
});

describe('dueWarnings', () => {
  const countdown = (leftSeconds: number, running = true): Countdown => ({
    key: 'screen@0',
    kind: 'screen_time',
    app: null,
    leftSeconds,
    running,
  });

  it('warns once per threshold, at the smallest threshold reached', () => {
    expect(dueWarnings([countdown(11 * 60)], [10, 2], new Set())).toEqual([]);
    const [ten] = dueWarnings([countdown(9.5 * 60)], [10, 2], new Set());
    expect(ten).toMatchObject({ minutes: 10, keys: [warningKey(countdown(0), 10)] });
    const given = new Set(ten!.keys);
    expect(dueWarnings([countdown(5 * 60)], [10, 2], given)).toEqual([]);
    const [two] = dueWarnings([countdown(90)], [10, 2], given);
    expect(two).toMatchObject({ minutes: 2 });
  });

  it('gives one warning when a countdown jumps past several thresholds', () => {
    const [only, ...rest] = dueWarnings([countdown(60)], [2, 10], new Set());
    expect(rest).toEqual([]);
    expect(only!.minutes).toBe(2);
    expect(only!.keys.sort()).toEqual(['screen@0#10', 'screen@0#2']);
  });

  it('says nothing while nothing runs, or once time is out', () => {
    expect(dueWarnings([countdown(60, false)], [10, 2], new Set())).toEqual([]);
    expect(dueWarnings([countdown(0)], [10, 2], new Set())).toEqual([]);
  });
});
