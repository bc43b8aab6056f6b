// What the parent's alerts and the child's desktop say about time: durations and local clock times in words. Pure.
import { WEEKDAYS } from '../../shared/time-rules.js';
import type { Countdown, StopReason } from './evaluate-time.js';
import type { DesktopNotice } from './notify.js';
import { localTime, MINUTE_MS, weekdayIndex, type TimeZone } from './zone.js';

/** 5400 → "1 h 30 min", 300 → "5 min", 42 → "42 s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.round(whole / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** "18:00" on the same local day as `nowMs`, else "Tue 16:00". */
export function formatClockTime(utcMs: number, nowMs: number, zone: TimeZone): string {
  const at = localTime(utcMs, zone);
  const minute = Math.floor(at.msOfDay / MINUTE_MS);
  const clock = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  if (at.day === localTime(nowMs, zone).day) return clock;
  const weekday = WEEKDAYS[weekdayIndex(at.day)]!;
  return `${weekday[0]!.toUpperCase()}${weekday.slice(1)} ${clock}`;
}

export interface TimeWording {
  /** The parent's alert message. */
  message: string;
  /** The child's desktop notice. */
  notice: DesktopNotice;
}

const TITLE = 'DOTS Family';

/** How an app is named to people: '/usr/games/supertux2' → 'supertux2'. */
export function appName(app: string): string {
  return app.slice(app.lastIndexOf('/') + 1);
}

export function warningWording(countdown: Countdown, nowMs: number, zone: TimeZone): TimeWording {
  const left = formatDuration(countdown.leftSeconds);
  if (countdown.app !== null) {
    const app = appName(countdown.app);
    return {
      message: `${app} has ${left} left today`,
      notice: { title: TITLE, body: `${app}: ${left} left for today.`, urgency: 'normal' },
    };
  }
  if (countdown.kind === 'allowed_hours') {
    const at = formatClockTime(nowMs + countdown.leftSeconds * 1000, nowMs, zone);
    return {
      message: `Allowed hours end at ${at}, in ${left}`,
      notice: { title: TITLE, body: `Computer time ends at ${at} (in ${left}). Save your work.`, urgency: 'normal' },
    };
  }
  return {
    message: `Screen time for today ends in ${left}`,
    notice: { title: TITLE, body: `${left} of screen time left today. Save your work.`, urgency: 'normal' },
  };
}

export interface AccountStopContext {
  reason: StopReason;
  /** When allowed hours open again. */
  nextChangeMs: number | null;
  budgetSeconds: number | null;
  nowMs: number;
  zone: TimeZone;
}

function allowedAgain(ctx: AccountStopContext): string {
  return ctx.nextChangeMs === null ? '' : ` (allowed again ${formatClockTime(ctx.nextChangeMs, ctx.nowMs, ctx.zone)})`;
}

/** The child is told before anything is stopped. */
export function accountStopNotice(ctx: AccountStopContext): DesktopNotice {
  const body =
    ctx.reason === 'allowed_hours'
      ? `Computer time is over${allowedAgain(ctx)}. Programs are closing now.`
      : `Today's screen time is used up. Programs are closing now.`;
  return { title: TITLE, body, urgency: 'critical' };
}

export function accountStopMessage(ctx: AccountStopContext, stopped: number): string {
  const programs = `${stopped} program${stopped === 1 ? ' was' : 's were'} stopped`;
  if (ctx.reason === 'allowed_hours') return `Outside allowed hours${allowedAgain(ctx)}: ${programs}`;
  const budget = ctx.budgetSeconds === null ? '' : ` (${formatDuration(ctx.budgetSeconds)})`;
  return `Today's screen time${budget} is used up: ${programs}`;
}

export function appStopWording(budgetApp: string, budgetSeconds: number): TimeWording {
  const app = appName(budgetApp);
  return {
    message: `${app} used its ${formatDuration(budgetSeconds)} for today and was stopped`,
    notice: { title: TITLE, body: `${app}: time is up for today. It is closing now.`, urgency: 'critical' },
  };
}

export function relaunchWording(what: string, count: number, reason: StopReason | 'app'): string {
  const why =
    reason === 'allowed_hours'
      ? 'outside allowed hours'
      : reason === 'screen_time'
        ? "after today's screen time was used up"
        : 'again after its time for today was used up';
  const how = reason === 'app' ? 'stopped' : 'stopped at launch';
  return `${what} was started ${why} and ${how}${count > 1 ? ` (${count} attempts)` : ''}`;
}
