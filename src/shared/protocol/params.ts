// Building blocks of request params. Everything here is strict: unknown keys are rejected, numbers are finite and
// bounded, strings have a charset and a length, so the helper (root) only ever sees input it has a rule for.

import { z } from 'zod';
import type { Limits } from '../model.js';
import {
  AGE_GROUPS,
  COMM_MAX_LENGTH,
  MAX_APP_BUDGETS,
  MAX_BUDGET_SECONDS,
  MAX_HOLIDAY_DATES,
  MAX_WINDOWS_PER_DAY,
  appComm,
  isCalendarDate,
  windowProblem,
} from '../time-rules.js';

export const PROFILE_NAME_MAX_LENGTH = 64;

/**
 * Letters and digits of any script, plus space, underscore, dot, apostrophe and hyphen inside; starts and ends with
 * a letter, digit or one of `_.'-` (never a space). Digits-only names are refused: "7" on the command line would be
 * ambiguous with profile id 7.
 */
export const ProfileNameSchema = z
  .string()
  .min(1)
  .max(PROFILE_NAME_MAX_LENGTH)
  .regex(
    /^[\p{L}\p{N}](?:[\p{L}\p{N} _.'-]*[\p{L}\p{N}_.'-])?$/u,
    "a profile name is letters, digits, spaces and _ . ' - (not starting or ending with a space)",
  )
  .refine((name) => !/^\d+$/.test(name), 'a profile name cannot be only digits (it would read as a profile id)');

export const ProfileIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A profile named by its name or its id. */
export const ProfileRefSchema = z.union([ProfileIdSchema, ProfileNameSchema]);
export type ProfileRef = z.output<typeof ProfileRefSchema>;

export const UID_MAX = 65535;
export const UidSchema = z.number().int().min(0).max(UID_MAX);

/** POSIX-ish login names as useradd accepts them (plus upper case, which --badname allows). */
export const UsernameSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/, 'not a valid login name');

/** Epoch milliseconds. */
export const EpochMsSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const QUERY_LIMIT_MAX = 10_000;
export const QUERY_LIMIT_DEFAULT = 500;
export const QueryLimitSchema = z.number().int().min(1).max(QUERY_LIMIT_MAX).default(QUERY_LIMIT_DEFAULT);

/** Refinement for params with an optional [sinceMs, untilMs] window. */
export function sinceNotAfterUntil(value: { sinceMs?: number | undefined; untilMs?: number | undefined }): boolean {
  return value.sinceMs === undefined || value.untilMs === undefined || value.sinceMs <= value.untilMs;
}
export const SINCE_AFTER_UNTIL = { message: 'sinceMs must not be after untilMs', path: ['sinceMs'] };

/** A blocked program as the parent names it: a command name looked up in PATH, or an absolute path. */
export const AppSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((app) => !/[\p{Cc}]/u.test(app), 'an app name cannot contain control characters')
  .refine(
    (app) => !app.includes('/') || app.startsWith('/'),
    'give a command name (e.g. "steam") or an absolute path (e.g. "/usr/games/steam"); relative paths are ambiguous',
  )
  .refine((app) => app.includes('/') || app.length <= 255, 'a command name is at most 255 characters');

// --- limits -----------------------------------------------------------------------------------------------------

/** Largest values a limit may be set to: far above any real machine, low enough to catch a unit mix-up. */
export const LIMIT_MAXIMA = {
  /** 1 TB */
  memoryMb: 1_000_000,
  /** 1 Tbps */
  rateMbps: 1_000_000,
  /** 10 minutes */
  latencyMs: 600_000,
} as const;

function limitValue(max: number, unit: string) {
  return z
    .number()
    .min(0, `a limit cannot be negative`)
    .max(max, `at most ${max} ${unit}`)
    .nullable()
    .optional();
}

/**
 * limits.set's patch: a deep-partial of model.Limits. An omitted key leaves the value unchanged, null removes the
 * limit. blockedApps is not here: apps.block / apps.unblock manage it, because blocking resolves and hashes the
 * executable in the helper.
 */
export const LimitsPatchSchema = z.strictObject({
  memory: z
    .strictObject({
      max_allocation_mb: limitValue(LIMIT_MAXIMA.memoryMb, 'MB'),
      max_process_memory_mb: limitValue(LIMIT_MAXIMA.memoryMb, 'MB'),
    })
    .optional(),
  diskIo: z
    .strictObject({
      max_bandwidth_mbps: limitValue(LIMIT_MAXIMA.rateMbps, 'Mbps'),
      max_latency_ms: limitValue(LIMIT_MAXIMA.latencyMs, 'ms'),
    })
    .optional(),
  network: z
    .strictObject({
      max_upload_mbps: limitValue(LIMIT_MAXIMA.rateMbps, 'Mbps'),
      max_download_mbps: limitValue(LIMIT_MAXIMA.rateMbps, 'Mbps'),
    })
    .optional(),
});
export type LimitsPatch = z.output<typeof LimitsPatchSchema>;

function mergeGroup<T extends object>(current: T, patch: Partial<T> | undefined): T {
  const merged = { ...current };
  if (!patch) return merged;
  // Only the group's known keys: the patch was validated strictly, but this stays safe for any caller.
  for (const key of Object.keys(current) as Array<keyof T>) {
    const value = patch[key];
    if (value !== undefined) merged[key] = value as T[keyof T];
  }
  return merged;
}

/** limits.set's semantics, in one place for every handler and test: omitted = unchanged, null = no limit. */
export function applyLimitsPatch(current: Limits, patch: LimitsPatch): Limits {
  return {
    memory: mergeGroup(current.memory, patch.memory),
    diskIo: mergeGroup(current.diskIo, patch.diskIo),
    network: mergeGroup(current.network, patch.network),
    blockedApps: current.blockedApps.map((app) => ({ ...app })),
    // timeRules.set manages the time rules; a limits patch keeps them as they are.
    ...(current.time ? { time: structuredClone(current.time) } : {}),
  };
}

// --- time rules -------------------------------------------------------------------------------------------------

/** A local calendar date, YYYY-MM-DD, that exists. */
export const LocalDateSchema = z.string().refine(isCalendarDate, 'a date is YYYY-MM-DD and must exist (e.g. 2025-12-24)');

const TimeWindowSchema = z.string().superRefine((text, ctx) => {
  const problem = windowProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const DayWindowsSchema = z
  .array(TimeWindowSchema)
  .max(MAX_WINDOWS_PER_DAY, `at most ${MAX_WINDOWS_PER_DAY} windows per day`);

const BudgetSecondsSchema = z
  .number()
  .int('a budget is whole seconds')
  .min(0, 'a budget cannot be negative')
  .max(MAX_BUDGET_SECONDS, 'a daily budget is at most 24 h (86400 s)');

/** An app in a time budget: a command name or an absolute path, matched by its executable's basename. */
const BudgetAppSchema = AppSchema.refine((app) => appComm(app).length > 0, 'name the program, not a directory');

/** timeRules.set's rules: the whole model.TimeRules, replaced at once. */
export const TimeRulesParamsSchema = z.strictObject({
  allowedHours: z
    .strictObject({
      days: z.strictObject({
        mon: DayWindowsSchema,
        tue: DayWindowsSchema,
        wed: DayWindowsSchema,
        thu: DayWindowsSchema,
        fri: DayWindowsSchema,
        sat: DayWindowsSchema,
        sun: DayWindowsSchema,
      }),
      holidays: z.strictObject({
        dates: z
          .array(LocalDateSchema)
          .max(MAX_HOLIDAY_DATES, `at most ${MAX_HOLIDAY_DATES} holiday dates`)
          .refine((dates) => new Set(dates).size === dates.length, 'holiday dates must not repeat'),
        windows: DayWindowsSchema,
      }),
    })
    .nullable(),
  screenTimeSecondsPerDay: BudgetSecondsSchema.nullable(),
  appBudgets: z
    .array(z.strictObject({ app: BudgetAppSchema, secondsPerDay: BudgetSecondsSchema }))
    .max(MAX_APP_BUDGETS, `at most ${MAX_APP_BUDGETS} app budgets`)
    .refine(
      (budgets) => new Set(budgets.map((b) => appComm(b.app))).size === budgets.length,
      `two budgets name the same program (apps are matched by the first ${COMM_MAX_LENGTH} characters of their name)`,
    ),
  warnMinutesBefore: z
    .array(z.number().int().min(1).max(120))
    .max(4, 'at most 4 warnings')
    .refine((minutes) => new Set(minutes).size === minutes.length, 'warning times must not repeat'),
});

export const AgeGroupSchema = z.enum(AGE_GROUPS);
