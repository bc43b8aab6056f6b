// A profile's time rules against the clock and today's usage → what must stop, what the child sees, and which
// warnings are due. Pure (clock, zone and usage are inputs); the TimeKeeper does the I/O.
import {
  appComm,
  appMatchesComm,
  countsAsScreenTime,
  type AppTimeBudget,
  type TimeRules,
  type TimeStatus,
} from '../../shared/time-rules.js';
import { allowedState } from './allowed-hours.js';
import { appSeconds, type UsageTally } from './screen-time.js';
import { dayBounds, type TimeZone } from './zone.js';

export type StopReason = 'allowed_hours' | 'screen_time';

export interface TimeInput {
  rules: TimeRules;
  nowMs: number;
  zone: TimeZone;
  /** Today's usage so far (local midnight to now). */
  usage: UsageTally;
  /** Comms of the child's processes running now. */
  runningComms: ReadonlySet<string>;
}

/** Something that runs out: allowed hours closing, the day's screen time, or one app's budget. */
export interface Countdown {
  /** Stable for one run-out (this closing window, today's budget), so each warning is given once. */
  key: string;
  kind: StopReason;
  /** The app whose budget this is; null for the whole account. */
  app: string | null;
  leftSeconds: number;
  /** Whether time is being used now (a budget only runs out while something counts against it). */
  running: boolean;
}

export interface TimeDecision {
  status: TimeStatus;
  /** Local midnight that started today. */
  dayStartMs: number;
  /** Why every program of the account must stop; null while they may run. */
  accountStop: StopReason | null;
  /** Apps whose budget for today is used up. */
  exhaustedApps: AppTimeBudget[];
  /** What is running out (only while the account may run). */
  countdowns: Countdown[];
}

export function evaluateTime({ rules, nowMs, zone, usage, runningComms }: TimeInput): TimeDecision {
  const { fromMs: dayStartMs } = dayBounds(nowMs, zone);
  const hours = allowedState(rules.allowedHours, nowMs, zone);
  const used = usage.screenTimeSeconds;
  const budget = rules.screenTimeSecondsPerDay;
  const screenLeft = budget === null ? null : Math.max(0, budget - used);
  const apps = rules.appBudgets.map((b) => {
    const usedSeconds = appSeconds(usage, b.app);
    return { budget: b, usedSeconds, leftSeconds: Math.max(0, b.secondsPerDay - usedSeconds) };
  });

  const accountStop: StopReason | null = !hours.allowedNow ? 'allowed_hours' : screenLeft === 0 ? 'screen_time' : null;
  const countdowns: Countdown[] = [];
  // Warnings matter only while the child is at it: nobody is told that an unused evening window closes.
  const screenInUse = [...runningComms].some(countsAsScreenTime);
  if (accountStop === null) {
    if (hours.nextChangeMs !== null) {
      countdowns.push({
        key: `hours@${hours.nextChangeMs}`,
        kind: 'allowed_hours',
        app: null,
        leftSeconds: (hours.nextChangeMs - nowMs) / 1000,
        running: screenInUse,
      });
    }
    if (screenLeft !== null) {
      countdowns.push({
        key: `screen@${dayStartMs}`,
        kind: 'screen_time',
        app: null,
        leftSeconds: screenLeft,
        running: screenInUse,
      });
    }
    for (const app of apps) {
      if (app.leftSeconds <= 0) continue;
      countdowns.push({
        key: `app:${appComm(app.budget.app)}@${dayStartMs}`,
        kind: 'screen_time',
        app: app.budget.app,
        leftSeconds: app.leftSeconds,
        running: [...runningComms].some((comm) => appMatchesComm(app.budget.app, comm)),
      });
    }
  }

  return {
    status: {
      allowedNow: hours.allowedNow,
      nextChangeMs: hours.nextChangeMs,
      screenTimeUsedSeconds: round1(used),
      screenTimeLeftSeconds: screenLeft === null ? null : round1(screenLeft),
      apps: apps.map((a) => ({
        app: a.budget.app,
        usedSeconds: round1(a.usedSeconds),
        leftSeconds: round1(a.leftSeconds),
      })),
    },
    dayStartMs,
    accountStop,
    exhaustedApps: apps.filter((a) => a.leftSeconds <= 0).map((a) => a.budget),
    countdowns,
  };
}

export interface DueWarning {
  countdown: Countdown;
  /** The warning threshold crossed. */
  minutes: number;
  /** Keys to remember as given: this threshold and every larger one (crossed at the same time or skipped). */
  keys: string[];
}

/**
 * Warnings due now: for each running countdown, the smallest threshold its time left is within, unless given already.
 * A countdown that jumps past several thresholds at once (a budget lowered) gets one warning, not several.
 */
export function dueWarnings(
  countdowns: readonly Countdown[],
  warnMinutesBefore: readonly number[],
  given: ReadonlySet<string>,
): DueWarning[] {
  const thresholds = [...warnMinutesBefore].sort((a, b) => a - b);
  const due: DueWarning[] = [];
  for (const countdown of countdowns) {
    if (!countdown.running || countdown.leftSeconds <= 0) continue;
    const minutes = thresholds.find((m) => countdown.leftSeconds <= m * 60);
    if (minutes === undefined) continue;
    const key = warningKey(countdown, minutes);
    if (given.has(key)) continue;
    const keys = thresholds.filter((m) => m >= minutes).map((m) => warningKey(countdown, m));
    due.push({ countdown, minutes, keys });
  }
  return due;
}

export function warningKey(countdown: Pick<Countdown, 'key'>, minutes: number): string {
  return `${countdown.key}#${minutes}`;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
