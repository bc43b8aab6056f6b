// dots-family-ctl time …: allowed hours, daily screen time, per-app budgets and warnings. timeRules.set replaces the
// whole rules object, so every change reads the rules, changes one part (time-args.ts) and writes them back.
import type { Command } from 'commander';
import type { TimeRules } from '../../shared/time-rules.js';
import { formatTimeRules, formatTimeShow } from '../output-time.js';
import { absoluteApp, parseProfileRef } from '../query-args.js';
import type { Session } from '../session.js';
import {
  applyHoursChange,
  parseBudget,
  parseHoursOptions,
  parseWarnMinutes,
  withAppBudget,
  type HoursOptions,
} from '../time-args.js';
import { withSession, type CliContext } from './common.js';

const WINDOWS_HELP = "comma list of HH:MM-HH:MM, or 'none' (nothing that day)";

/** Reads the rules, changes them (argument errors surface before anything is written) and writes them back. */
async function changeRules(session: Session, profileText: string, change: (rules: TimeRules) => TimeRules) {
  const profile = parseProfileRef(profileText);
  const current = await session.call('timeRules.get', { profile });
  const updated = await session.call('timeRules.set', { profile, rules: change(current) });
  session.print(updated, (r) => `Time rules of "${profileText}" now:\n${formatTimeRules(r, '  ')}`);
}

export function registerTimeCommands(program: Command, ctx: CliContext): void {
  const time = program.command('time').description('allowed hours, daily screen time and per-app time budgets');

  time
    .command('show <profile>')
    .description("a profile's time rules, and today's time: allowed now, used and left")
    .action((profileText: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const profile = parseProfileRef(profileText);
        const [rules, status] = await Promise.all([
          session.call('timeRules.get', { profile }),
          session.call('timeRules.status', { profile }),
        ]);
        session.print({ rules, status }, (r) => formatTimeShow(profileText, r.rules, r.status));
      }),
    );

  const hours = time
    .command('hours <profile>')
    .description('when programs may run; days not named keep their windows (e.g. --weekdays 15:00-19:30)')
    .option('--weekdays <windows>', `Monday to Friday: ${WINDOWS_HELP}`)
    .option('--weekend <windows>', 'Saturday and Sunday')
    .option('--holiday-windows <windows>', 'on the holiday dates, instead of their weekday')
    .option('--holidays <dates>', "the holiday dates, YYYY-MM-DD separated by commas (replaces them), or 'none'")
    .option('--any', 'no allowed hours: any time of day');
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const) {
    hours.option(`--${day} <windows>`, `this day only (over --weekdays / --weekend)`);
  }
  hours.action((profileText: string, options: HoursOptions, cmd: Command) =>
    withSession(ctx, cmd, async (session) => {
      const change = parseHoursOptions(options);
      await changeRules(session, profileText, (r) => applyHoursChange(r, change));
    }),
  );

  time
    .command('budget <profile> <time>')
    .description("screen time per day, e.g. 2h or 90m, or 'none'")
    .action((profileText: string, budgetText: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const screenTimeSecondsPerDay = parseBudget(budgetText);
        await changeRules(session, profileText, (r) => ({ ...r, screenTimeSecondsPerDay }));
      }),
    );

  time
    .command('app <profile> <app> <time>')
    .description("one program's time per day (command name or path), e.g. 1h, or 'none'")
    .action((profileText: string, app: string, budgetText: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const secondsPerDay = parseBudget(budgetText);
        const name = absoluteApp(app, ctx.cwd);
        await changeRules(session, profileText, (r) => withAppBudget(r, name, secondsPerDay));
      }),
    );

  time
    .command('warn <profile> <minutes>')
    .description("warn the child this many minutes before time runs out, e.g. 10,2, or 'none'")
    .action((profileText: string, minutesText: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const warnMinutesBefore = parseWarnMinutes(minutesText);
        await changeRules(session, profileText, (r) => ({ ...r, warnMinutesBefore }));
      }),
    );
}
