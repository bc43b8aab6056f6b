import { describe, expect, it } from 'vitest';
import {
  LimitsSchema,
  TimeRulesParamsSchema,
  TimeRulesSchema,
  applyLimitsPatch,
  methods,
} from '../../../src/shared/protocol.js';
import { NO_LIMITS } from '../../../src/shared/model.js';
import {
  AGE_GROUPS,
  NO_TIME_RULES,
  parseWindow,
  presetLimits,
  windowProblem,
  type TimeRules,
} from '../../../src/shared/time-rules.js';

const valid: TimeRules = {
  allowedHours: {
    days: { mon: ['16:00-19:30'], tue: [], wed: ['22:00-01:00'], thu: [], fri: ['00:00-24:00'], sat: [], sun: [] },
    holidays: { dates: ['2025-12-24', '2024-02-29'], windows: ['09:00-12:00', '14:00-18:00'] },
  },
  screenTimeSecondsPerDay: 7200,
  appBudgets: [{ app: 'supertux2', secondsPerDay: 3600 }, { app: '/usr/bin/sleep', secondsPerDay: 5 }],
  warnMinutesBefore: [10, 2],
};

const accepts = (rules: unknown) => TimeRulesParamsSchema.safeParse(rules).success;
const withHours = (days: Partial<Record<string, string[]>>) => ({
  ...valid,
  allowedHours: { ...valid.allowedHours!, days: { ...valid.allowedHours!.days, ...days } },
});

describe('time rules params', () => {
  it('accepts well-formed rules and no rules', () => {
    expect(TimeRulesParamsSchema.parse(valid)).toEqual(valid);
    expect(accepts(NO_TIME_RULES)).toBe(true);
  });

  it.each([
    ['a time past 24:00', withHours({ mon: ['16:00-24:30'] })],
    ['hours without two digits', withHours({ mon: ['9:00-12:00'] })],
    ['minutes past 59', withHours({ mon: ['09:60-12:00'] })],
    ['a start at 24:00', withHours({ mon: ['24:00-02:00'] })],
    ['an empty window', withHours({ mon: ['10:00-10:00'] })],
    ['nine windows in a day', withHours({ mon: Array.from({ length: 9 }, (_, i) => `0${i}:00-0${i}:30`) })],
    ['an unknown day', withHours({ funday: [] })],
    ['a date that does not exist', { ...valid, allowedHours: { ...valid.allowedHours!, holidays: { dates: ['2025-02-29'], windows: [] } } }],
    ['a date in another format', { ...valid, allowedHours: { ...valid.allowedHours!, holidays: { dates: ['24.12.2025'], windows: [] } } }],
    ['a repeated date', { ...valid, allowedHours: { ...valid.allowedHours!, holidays: { dates: ['2025-12-24', '2025-12-24'], windows: [] } } }],
    ['a budget over 24 h', { ...valid, screenTimeSecondsPerDay: 86_401 }],
    ['a negative budget', { ...valid, screenTimeSecondsPerDay: -1 }],
    ['fractional seconds', { ...valid, screenTimeSecondsPerDay: 1.5 }],
    ['two budgets for one program', { ...valid, appBudgets: [{ app: 'sleep', secondsPerDay: 1 }, { app: '/bin/sleep', secondsPerDay: 2 }] }],
    ['a relative path', { ...valid, appBudgets: [{ app: 'games/supertux2', secondsPerDay: 1 }] }],
    ['a warning of 0 minutes', { ...valid, warnMinutesBefore: [0] }],
    ['an extra key', { ...valid, bedtime: '21:00' }],
  ])('refuses %s', (_what, rules) => {
    expect(accepts(rules)).toBe(false);
  });

  it('explains a bad window in words a parent can act on', () => {
    expect(windowProblem('9-12')).toMatch(/16:00-19:30/);
    expect(windowProblem('10:00-10:00')).toMatch(/empty/);
    expect(parseWindow('22:00-01:00')).toEqual({ startMinute: 1320, endMinute: 60, crossesMidnight: true });
    expect(parseWindow('00:00-24:00')).toEqual({ startMinute: 0, endMinute: 1440, crossesMidnight: false });
  });

  it('types timeRules.set params as TimeRules and timeRules.get results as what was stored', () => {
    const params = methods['timeRules.set'].params.parse({ profile: 'Robin', rules: valid });
    expect(params.rules).toEqual(valid);
    expect(TimeRulesSchema.parse(valid)).toEqual(valid);
  });
});

describe('limits with time rules', () => {
  it('keeps the time rules through a limits patch', () => {
    const current = { ...NO_LIMITS, time: valid };
    const patched = applyLimitsPatch(current, { memory: { max_process_memory_mb: 500 } });
    expect(patched.time).toEqual(valid);
    expect(patched.time).not.toBe(valid);
    expect(applyLimitsPatch(NO_LIMITS, {})).not.toHaveProperty('time');
  });

  it('still reads limits stored before time rules existed', () => {
    expect(LimitsSchema.parse(NO_LIMITS)).toEqual(NO_LIMITS);
  });
});

describe('age-group presets', () => {
  it.each(AGE_GROUPS)('fills every limit for %s with values the protocol accepts', (group) => {
    const limits = presetLimits(group);
    expect(LimitsSchema.parse(limits)).toEqual(limits);
    expect(TimeRulesParamsSchema.parse(limits.time)).toEqual(limits.time);
    expect(limits.memory.max_process_memory_mb).toBeGreaterThan(0);
    expect(limits.network.max_download_mbps).toBeGreaterThan(0);
    expect(limits.diskIo.max_bandwidth_mbps).toBeGreaterThan(0);
    expect(limits.time!.screenTimeSecondsPerDay).toBeGreaterThan(0);
    expect(limits.time!.allowedHours).not.toBeNull();
  });

  it('gives older children more time', () => {
    const budget = (group: (typeof AGE_GROUPS)[number]) => presetLimits(group).time!.screenTimeSecondsPerDay!;
    expect(budget('5-7')).toBeLessThan(budget('8-12'));
    expect(budget('8-12')).toBeLessThan(budget('13-17'));
  });

  it('hands out copies: editing one profile’s limits does not change the preset', () => {
    presetLimits('5-7').time!.allowedHours!.days.mon.push('20:00-21:00');
    expect(presetLimits('5-7').time!.allowedHours!.days.mon).toEqual(['15:00-18:00']);
  });

  it('lets profiles.create take an age group', () => {
    expect(methods['profiles.create'].params.safeParse({ name: 'Robin', ageGroup: '8-12' }).success).toBe(true);
    expect(methods['profiles.create'].params.safeParse({ name: 'Robin', ageGroup: '18+' }).success).toBe(false);
  });
});
