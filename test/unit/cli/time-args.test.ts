// The time commands' arguments: windows, holiday dates, budgets, warnings, and how they change the rules; and the
// command line failing with exit 2 before anything is sent.
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/commands/common.js';
import { UsageError } from '../../../src/cli/exit-codes.js';
import { run } from '../../../src/cli/program.js';
import {
  WHOLE_DAY,
  applyHoursChange,
  parseBudget,
  parseHolidayDates,
  parseHoursOptions,
  parseWarnMinutes,
  parseWindows,
  withAppBudget,
} from '../../../src/cli/time-args.js';
import { NO_TIME_RULES, presetLimits, type TimeRules } from '../../../src/shared/time-rules.js';

async function ctl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    output: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    cwd: '/tmp',
    now: () => Date.now(),
    onInterrupt: () => () => {},
  };
  const code = await run(['--socket', '/nonexistent-dots-test/helper.sock', ...argv], ctx);
  return { code, stdout, stderr };
}

const preset = (): TimeRules => presetLimits('8-12').time!;

describe('parseWindows', () => {
  it('reads a comma list of windows, including one past midnight', () => {
    expect(parseWindows('16:00-19:30, 21:00-01:00', '--mon')).toEqual(['16:00-19:30', '21:00-01:00']);
    expect(parseWindows('00:00-24:00', '--sun')).toEqual(['00:00-24:00']);
  });

  it("reads 'none' as no time that day", () => {
    expect(parseWindows('none', '--sat')).toEqual([]);
    expect(parseWindows('NONE', '--sat')).toEqual([]);
  });

  it('names the flag and the reason for an invalid window', () => {
    expect(() => parseWindows('25:00-26:00', '--mon')).toThrow(
      '--mon: "25:00-26:00" is not a window like 16:00-19:30 (HH:MM-HH:MM, 00:00 to 24:00)',
    );
    expect(() => parseWindows('10:00-10:00', '--tue')).toThrow('--tue: "10:00-10:00" is empty');
    expect(() => parseWindows('24:00-02:00', '--wed')).toThrow('cannot start at 24:00');
    expect(() => parseWindows('9:00-10:00', '--thu')).toThrow(UsageError);
  });

  it('refuses more than 8 windows a day', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `0${i}:00-0${i}:30`).join(',');
    expect(() => parseWindows(nine, '--fri')).toThrow('at most 8 windows per day');
  });
});

describe('parseHolidayDates', () => {
  it('reads real dates, drops repeats, and none', () => {
    expect(parseHolidayDates('2025-12-24,2025-12-25,2025-12-24')).toEqual(['2025-12-24', '2025-12-25']);
    expect(parseHolidayDates('none')).toEqual([]);
    expect(() => parseHolidayDates('2025-02-30')).toThrow("--holidays: '2025-02-30' is not a date");
  });
});

describe('parseBudget', () => {
  it('reads durations as whole seconds, none as no budget', () => {
    expect(parseBudget('2h')).toBe(7200);
    expect(parseBudget('90m')).toBe(5400);
    expect(parseBudget('1h 30m')).toBe(5400);
    expect(parseBudget('0')).toBe(0);
    expect(parseBudget('none')).toBeNull();
  });

  it('needs a unit, a known unit, and at most a day', () => {
    expect(() => parseBudget('90')).toThrow("missing unit in '90'");
    expect(() => parseBudget('2x')).toThrow("unknown unit 'x'");
    expect(() => parseBudget('25h')).toThrow('at most 24h');
  });
});

describe('parseWarnMinutes', () => {
  it('reads minutes, none as no warnings', () => {
    expect(parseWarnMinutes('10,2')).toEqual([10, 2]);
    expect(parseWarnMinutes('none')).toEqual([]);
  });

  it('refuses non-minutes, repeats and more than four', () => {
    expect(() => parseWarnMinutes('10,x')).toThrow("not 'x'");
    expect(() => parseWarnMinutes('0')).toThrow('from 1 to 120');
    expect(() => parseWarnMinutes('5,5')).toThrow('must not repeat');
    expect(() => parseWarnMinutes('1,2,3,4,5')).toThrow('at most 4');
  });
});

describe('time hours: options → rules', () => {
  it('applies --weekdays and --weekend, then single days over them, keeping the rest', () => {
    const change = parseHoursOptions({ weekdays: '15:00-18:00', weekend: 'none', fri: '15:00-22:00' });
    const rules = applyHoursChange(preset(), change);
    expect(rules.allowedHours?.days).toEqual({
      mon: ['15:00-18:00'],
      tue: ['15:00-18:00'],
      wed: ['15:00-18:00'],
      thu: ['15:00-18:00'],
      fri: ['15:00-22:00'],
      sat: [],
      sun: [],
    });
    expect(rules.allowedHours?.holidays).toEqual(preset().allowedHours?.holidays);
    expect(rules.screenTimeSecondsPerDay).toBe(preset().screenTimeSecondsPerDay);
  });

  it('starts from whole days when there were no allowed hours', () => {
    const rules = applyHoursChange(NO_TIME_RULES, parseHoursOptions({ mon: '16:00-17:00' }));
    expect(rules.allowedHours?.days.mon).toEqual(['16:00-17:00']);
    expect(rules.allowedHours?.days.tue).toEqual([WHOLE_DAY]);
    expect(rules.allowedHours?.holidays).toEqual({ dates: [], windows: [WHOLE_DAY] });
  });

  it('sets holiday windows and dates', () => {
    const change = parseHoursOptions({ holidayWindows: '10:00-12:00', holidays: '2025-12-24' });
    expect(applyHoursChange(preset(), change).allowedHours?.holidays).toEqual({
      dates: ['2025-12-24'],
      windows: ['10:00-12:00'],
    });
  });

  it('--any removes the allowed hours, and only alone', () => {
    expect(applyHoursChange(preset(), parseHoursOptions({ any: true })).allowedHours).toBeNull();
    expect(() => parseHoursOptions({ any: true, mon: 'none' })).toThrow('give it alone');
    expect(() => parseHoursOptions({})).toThrow('no hours given');
  });
});

describe('withAppBudget', () => {
  it('adds, replaces (by the name the kernel sees) and removes a budget', () => {
    const added = withAppBudget(NO_TIME_RULES, 'supertux2', 3600);
    expect(added.appBudgets).toEqual([{ app: 'supertux2', secondsPerDay: 3600 }]);
    const replaced = withAppBudget(added, '/usr/games/supertux2', 1800);
    expect(replaced.appBudgets).toEqual([{ app: '/usr/games/supertux2', secondsPerDay: 1800 }]);
    expect(withAppBudget(replaced, 'supertux2', null).appBudgets).toEqual([]);
    expect(NO_TIME_RULES.appBudgets).toEqual([]);
  });
});

describe('time and report commands without a helper', () => {
  it('exits 2 on an invalid window, with the reason, before reaching the helper', async () => {
    const result = await ctl('time', 'hours', 'kid', '--mon', '16:00-25:00');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'dots-family-ctl: --mon: "16:00-25:00" is not a window like 16:00-19:30 (HH:MM-HH:MM, 00:00 to 24:00)\n' +
        "  hint: give HH:MM-HH:MM windows separated by commas, or 'none'\n",
    });
  });

  it('exits 2 on a bad budget, warning or age group', async () => {
    expect((await ctl('time', 'budget', 'kid', '2 parsecs')).code).toBe(2);
    expect((await ctl('time', 'app', 'kid', 'steam', '45')).stderr).toMatch(/missing unit in '45'/);
    expect((await ctl('time', 'warn', 'kid', '10,abc')).code).toBe(2);
    const age = await ctl('profile', 'create', 'kid', '--age-group', '3-4');
    expect(age.code).toBe(2);
    expect(age.stderr).toMatch(/--age-group must be 5-7, 8-12, 13-17, not '3-4'/);
  });

  it('exits 2 on a bad report date, export time or format', async () => {
    expect((await ctl('report', 'daily', 'kid', '--date', '2025-02-30')).stderr).toMatch(/^dots-family-ctl: date: /);
    const until = await ctl('report', 'export', 'kid', '--since', '7d', '--until', 'soon', '--format', 'csv');
    expect(until.code).toBe(2);
    expect(until.stderr).toMatch(/^dots-family-ctl: --until 'soon' is neither a duration nor a date/);
    const format = await ctl('report', 'export', 'kid', '--since', '7d', '--until', '0s', '--format', 'xml');
    expect(format.stderr).toMatch(/--format must be json or csv, not 'xml'/);
    expect((await ctl('report', 'export', 'kid', '--since', '1d', '--until', '2d', '--format', 'json')).code).toBe(2);
    expect((await ctl('report', 'export', 'kid', '--format', 'json')).code).toBe(2);
  });

  it('exits 3 for a valid time command when the helper is not running', async () => {
    expect((await ctl('time', 'budget', 'kid', '2h')).code).toBe(3);
  });
});
