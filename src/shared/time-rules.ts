// Time rules per child (allowed hours, daily screen time, per-application budgets), what counts as screen time, and
// the age-group presets that fill every limit of a new profile. Plain data and pure helpers shared by the helper,
// CLI and renderer (Node-free). The calendar arithmetic (local days, DST) is the helper's: src/helper/time/.
import type { Limits } from './model.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When the child's programs may run, in the machine's local time. A window is 'HH:MM-HH:MM' (00:00–24:00); one whose
 * end is before its start runs past midnight into the next day ('22:00-01:00' on Friday is Friday 22:00 to Saturday
 * 01:00). A day with no windows allows nothing that day. Several windows per day may overlap; they are merged.
 */
export interface AllowedHours {
  days: Record<Weekday, string[]>;
  /** On these dates (YYYY-MM-DD) `windows` apply instead of the weekday's. */
  holidays: { dates: string[]; windows: string[] };
}

export interface AppTimeBudget {
  /** A command name or path as the parent typed it; matched by executable basename (see appComm). */
  app: string;
  secondsPerDay: number;
}

export interface TimeRules {
  /** null: any hour. */
  allowedHours: AllowedHours | null;
  /** Screen time of the whole account per local day (see countsAsScreenTime); null: no budget. */
  screenTimeSecondsPerDay: number | null;
  appBudgets: AppTimeBudget[];
  /** How long before time runs out the child (desktop) and the parent (info alert) are warned. */
  warnMinutesBefore: number[];
}

export const DEFAULT_WARN_MINUTES_BEFORE: readonly number[] = Object.freeze([10, 2]);

export const NO_TIME_RULES: TimeRules = Object.freeze({
  allowedHours: null,
  screenTimeSecondsPerDay: null,
  appBudgets: [],
  warnMinutesBefore: [...DEFAULT_WARN_MINUTES_BEFORE],
}) as TimeRules;

/** A profile's time rules; profiles stored before time rules existed have none (their limits lack `time`). */
export function timeRulesOf(limits: Limits): TimeRules {
  return limits.time ?? NO_TIME_RULES;
}

export function hasTimeRules(rules: TimeRules): boolean {
  return rules.allowedHours !== null || rules.screenTimeSecondsPerDay !== null || rules.appBudgets.length > 0;
}

/** What a child (self.status) and a parent (timeRules.status) see of today's time. */
export interface AppTimeStatus {
  app: string;
  usedSeconds: number;
  leftSeconds: number;
}

export interface TimeStatus {
  /** Inside an allowed window now (true when there are no allowed hours). */
  allowedNow: boolean;
  /** When allowedNow next flips (epoch ms); null when it does not within a week, or there are no allowed hours. */
  nextChangeMs: number | null;
  /** Since local midnight. */
  screenTimeUsedSeconds: number;
  /** null without a screen-time budget. */
  screenTimeLeftSeconds: number | null;
  apps: AppTimeStatus[];
}

// --- windows and dates --------------------------------------------------------------------------------------------

export const MAX_WINDOWS_PER_DAY = 8;
export const MAX_HOLIDAY_DATES = 366;
export const MAX_APP_BUDGETS = 32;
export const MAX_BUDGET_SECONDS = 24 * 3600;
export const MINUTES_PER_DAY = 24 * 60;

export const CLOCK_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const WINDOW_PATTERN = /^((?:[01]\d|2[0-3]):[0-5]\d|24:00)-((?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
export const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A window as minutes of its day; `endMinute` ≤ `startMinute` means it ends the next day at `endMinute`. */
export interface ParsedWindow {
  startMinute: number;
  endMinute: number;
  crossesMidnight: boolean;
}

export function parseClock(text: string): number | null {
  if (!CLOCK_PATTERN.test(text)) return null;
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

export function formatClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Why a window is not valid, or null. '24:00' is only an end; an empty window (start = end) means nothing. */
export function windowProblem(text: string): string | null {
  const match = WINDOW_PATTERN.exec(text);
  if (!match) return `"${text}" is not a window like 16:00-19:30 (HH:MM-HH:MM, 00:00 to 24:00)`;
  const start = parseClock(match[1]!)!;
  const end = parseClock(match[2]!)!;
  if (start === MINUTES_PER_DAY) return `"${text}": a window cannot start at 24:00 (use 00:00)`;
  if (start === end) return `"${text}" is empty: start and end are the same`;
  return null;
}

export function parseWindow(text: string): ParsedWindow {
  const problem = windowProblem(text);
  if (problem) throw new RangeError(problem);
  const [start, end] = text.split('-').map((t) => parseClock(t)!) as [number, number];
  return { startMinute: start, endMinute: end, crossesMidnight: end < start };
}

/** Whether 'YYYY-MM-DD' names a real calendar date (not 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// --- what counts as screen time -------------------------------------------------------------------------------------

/**
 * Programs whose running does not count as screen time: shells, the session's plumbing (D-Bus, systemd --user, sound
 * servers, keyrings, agents) and the desktop shell itself. They run for as long as the child is logged in — often
 * longer (lingering user services) — so counting them would turn "logged in at a locked screen" into screen time.
 *
 * Screen time is therefore the time during which at least one other program of the child ran: the union of those
 * programs' process lifetimes as the monitors saw them. The union is taken per usage bucket (60 s, hourly once
 * compacted): within a bucket the programs' active seconds are added and capped at the bucket's length. That is
 * exact whenever one program ran the whole bucket or the programs did not overlap in it, and otherwise counts at
 * most the overlap inside that one bucket twice — never less than the real union.
 *
 * Names are comms (the first 15 characters of the executable's name), as the kernel reports them.
 */
export const SCREEN_TIME_IGNORED_COMMS: readonly string[] = Object.freeze([
  // shells, logins and terminal multiplexers
  'sh', 'bash', 'dash', 'zsh', 'fish', 'ksh', 'tcsh', 'csh', 'login', 'su', 'sudo', 'sshd', 'tmux: server',
  // session plumbing: service manager, bus, agents, keyrings, sound, settings
  'systemd', '(sd-pam)', 'dbus-daemon', 'dbus-broker', 'dbus-broker-lau', 'dbus-launch', 'ssh-agent', 'gpg-agent',
  'gnome-keyring-d', 'polkit-gnome-au', 'pulseaudio', 'pipewire', 'pipewire-pulse', 'wireplumber', 'obexd',
  'mpris-proxy', 'dconf-service', 'goa-daemon', 'goa-identity-se', 'localsearch-3', 'snapd-desktop-i',
  'update-notifier', 'kglobalaccel', 'kded5', 'kded6', 'kactivitymanage', 'ksmserver',
  // display servers and desktop shells: running for as long as the session is open, used or not
  'Xorg', 'Xwayland', 'gnome-shell', 'gnome-session-b', 'gnome-session-c', 'mutter-x11-fram', 'plasmashell',
  'kwin_x11', 'kwin_wayland', 'xfce4-session', 'xfwm4', 'xfce4-panel', 'xfdesktop', 'xfsettingsd', 'lxsession',
  'lxpanel', 'openbox', 'mate-session', 'marco', 'mate-panel', 'cinnamon', 'cinnamon-sessio',
]);

/** Prefixes of the session's helper daemons, which come in families (gsd-color, gvfsd-trash, xdg-permission-…). */
export const SCREEN_TIME_IGNORED_PREFIXES: readonly string[] = Object.freeze([
  'gsd-', 'gvfs', 'at-spi', 'xdg-', 'evolution-', 'tracker-', 'ibus-', 'csd-', 'msd-', 'pipewire-',
]);

const ignoredComms = new Set(SCREEN_TIME_IGNORED_COMMS);

export function countsAsScreenTime(comm: string): boolean {
  if (comm === '' || ignoredComms.has(comm)) return false;
  return !SCREEN_TIME_IGNORED_PREFIXES.some((prefix) => comm.startsWith(prefix));
}

/** TASK_COMM_LEN - 1: the kernel keeps this many characters of a program's name. */
export const COMM_MAX_LENGTH = 15;

/** The comm the kernel reports for an app the parent named ('/usr/games/supertux2' or 'supertux2'). */
export function appComm(app: string): string {
  const base = app.slice(app.lastIndexOf('/') + 1);
  return base.slice(0, COMM_MAX_LENGTH);
}

export function appMatchesComm(app: string, comm: string): boolean {
  return appComm(app) === comm;
}

// --- age-group presets ----------------------------------------------------------------------------------------------

export const AGE_GROUPS = ['5-7', '8-12', '13-17'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

const everyDay = (weekday: string[], weekend: string[]): Record<Weekday, string[]> => ({
  mon: [...weekday],
  tue: [...weekday],
  wed: [...weekday],
  thu: [...weekday],
  fri: [...weekday],
  sat: [...weekend],
  sun: [...weekend],
});

/**
 * Starting points the parent edits afterwards. Younger children: short afternoon windows, one hour a day, a small
 * per-process memory ceiling (a runaway game should not freeze the family computer) and modest network rates (video
 * in SD is plenty). Teenagers: school-night cut-off, more time, limits that only catch the excessive.
 */
export const AGE_GROUP_PRESETS: Readonly<Record<AgeGroup, Limits>> = Object.freeze({
  '5-7': {
    memory: { max_allocation_mb: null, max_process_memory_mb: 2000 },
    diskIo: { max_bandwidth_mbps: 200, max_latency_ms: null },
    network: { max_upload_mbps: 2, max_download_mbps: 10 },
    blockedApps: [],
    time: {
      allowedHours: {
        days: everyDay(['15:00-18:00'], ['09:00-12:00', '15:00-18:00']),
        holidays: { dates: [], windows: ['09:00-12:00', '15:00-18:00'] },
      },
      screenTimeSecondsPerDay: 3600,
      appBudgets: [],
      warnMinutesBefore: [...DEFAULT_WARN_MINUTES_BEFORE],
    },
  },
  '8-12': {
    memory: { max_allocation_mb: null, max_process_memory_mb: 4000 },
    diskIo: { max_bandwidth_mbps: 400, max_latency_ms: null },
    network: { max_upload_mbps: 5, max_download_mbps: 25 },
    blockedApps: [],
    time: {
      allowedHours: {
        days: everyDay(['15:00-19:30'], ['08:00-20:00']),
        holidays: { dates: [], windows: ['08:00-20:00'] },
      },
      screenTimeSecondsPerDay: 2 * 3600,
      appBudgets: [],
      warnMinutesBefore: [...DEFAULT_WARN_MINUTES_BEFORE],
    },
  },
  '13-17': {
    memory: { max_allocation_mb: null, max_process_memory_mb: 8000 },
    diskIo: { max_bandwidth_mbps: 800, max_latency_ms: null },
    network: { max_upload_mbps: 20, max_download_mbps: 100 },
    blockedApps: [],
    time: {
      allowedHours: {
        days: { ...everyDay(['06:00-22:00'], ['07:00-23:00']), sun: ['07:00-22:00'], fri: ['06:00-23:00'] },
        holidays: { dates: [], windows: ['07:00-23:00'] },
      },
      screenTimeSecondsPerDay: 4 * 3600,
      appBudgets: [],
      warnMinutesBefore: [...DEFAULT_WARN_MINUTES_BEFORE],
    },
  },
});

/** A fresh (mutable) copy of a preset's limits. */
export function presetLimits(group: AgeGroup): Limits {
  return structuredClone(AGE_GROUP_PRESETS[group]);
}
