// The method table: every request the helper understands, with its params schema (strict, validated at the helper's
// door), its result schema, and who may call it. Clients get their types from here.

import { z } from 'zod';
import type { EventRowByTable, EventTable } from '../event-rows.js';
import {
  AlertSchema,
  BlockedAppSchema,
  ExportResultSchema,
  LimitsSchema,
  LiveMetricsSchema,
  MonitorNameSchema,
  MonitorStatusSchema,
  ProfileSchema,
  TimeRulesSchema,
  TimeStatusSchema,
  UsageReportSchema,
  UsageRollupSchema,
} from './domain.js';
import {
  AgeGroupSchema,
  AppSchema,
  EpochMsSchema,
  LimitsPatchSchema,
  LocalDateSchema,
  ProfileIdSchema,
  ProfileNameSchema,
  ProfileRefSchema,
  QueryLimitSchema,
  SINCE_AFTER_UNTIL,
  TimeRulesParamsSchema,
  UidSchema,
  UsernameSchema,
  sinceNotAfterUntil,
} from './params.js';
import { EventRowSchema, EventTableSchema } from './event-rows.js';
import { TopicSchema } from './push.js';

/**
 * - admin: root or a member of the parents group.
 * - child: admins, and a child for its own profile only (the server checks `params.profile`, and fills it in when
 *   the method makes it optional). Every such method has a `profile` param.
 * - any-authenticated: admins and children, not scoped to a profile (the method itself looks at the caller).
 */
export type Access = 'admin' | 'child' | 'any-authenticated';
export type Role = 'admin' | 'child';
/** Why a caller is an admin. */
export type AdminVia = 'root' | 'parents_group';

export interface MethodSpec {
  access: Access;
  params: z.ZodType;
  result: z.ZodType;
}

function method<P extends z.ZodType, R extends z.ZodType, A extends Access>(access: A, params: P, result: R) {
  return { access, params, result };
}

const noParams = z.strictObject({});
const uniqueItems = (items: readonly unknown[]) => new Set(items).size === items.length;

export const HelperStatusSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  schemaVersion: z.number().int(),
  pid: z.number().int(),
  dbPath: z.string(),
  socketPath: z.string(),
  monitorDrops: z.array(
    z.object({ name: MonitorNameSchema, recordsDropped: z.number(), aggregateMapFull: z.number() }),
  ),
});

const NO_TIME_STATUS = {
  allowedNow: true,
  nextChangeMs: null,
  screenTimeUsedSeconds: 0,
  screenTimeLeftSeconds: null,
  apps: [],
} as const satisfies z.input<typeof TimeStatusSchema>;

const accountIdentity = { uid: UidSchema, username: z.string().nullable() };

export const SelfStatusSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin'), ...accountIdentity, via: z.enum(['root', 'parents_group']) }),
  z.object({
    role: z.literal('child'),
    ...accountIdentity,
    profile: z.object({ id: ProfileIdSchema, name: z.string() }),
    limits: LimitsSchema,
    /** Today's totals so far (local midnight to now), comm null. */
    today: UsageRollupSchema,
    /**
     * Allowed hours now, screen time and app budgets used and left today. Clients always get it; a handler that
     * leaves it out (a test double) sends the no-rules status.
     */
    time: TimeStatusSchema.default(NO_TIME_STATUS),
  }),
]);

const profileParam = z.strictObject({ profile: ProfileRefSchema });
export const EXPORT_MAX_RANGE_MS = 366 * 86_400_000;
const topicsParam = z.strictObject({ topics: z.array(TopicSchema).min(1).max(8) });
const topicsResult = z.object({ topics: z.array(TopicSchema) });

export const methods = {
  'helper.status': method('admin', noParams, HelperStatusSchema),

  'profiles.list': method('admin', noParams, z.array(ProfileSchema)),
  'profiles.get': method('admin', profileParam, ProfileSchema),
  'profiles.create': method(
    'admin',
    z.strictObject({
      name: ProfileNameSchema,
      uids: z.array(UidSchema).max(64).refine(uniqueItems, 'uids must not repeat').optional(),
      usernames: z.array(UsernameSchema).max(64).refine(uniqueItems, 'usernames must not repeat').optional(),
      /** Fills every limit (memory, disk, network, allowed hours, screen time) from AGE_GROUP_PRESETS. */
      ageGroup: AgeGroupSchema.optional(),
    }),
    ProfileSchema,
  ),
  'profiles.rename': method('admin', z.strictObject({ profile: ProfileRefSchema, name: ProfileNameSchema }), ProfileSchema),
  'profiles.delete': method('admin', profileParam, z.null()),
  'profiles.addAccount': method(
    'admin',
    z
      .strictObject({ profile: ProfileRefSchema, uid: UidSchema.optional(), username: UsernameSchema.optional() })
      .refine((p) => (p.uid === undefined) !== (p.username === undefined), {
        message: 'give exactly one of uid or username',
      }),
    ProfileSchema,
  ),
  'profiles.removeAccount': method('admin', z.strictObject({ profile: ProfileRefSchema, uid: UidSchema }), ProfileSchema),

  'limits.get': method('child', profileParam, LimitsSchema),
  /** Deep merge: omitted = unchanged, null = remove the limit (see applyLimitsPatch). Returns the merged limits. */
  'limits.set': method('admin', z.strictObject({ profile: ProfileRefSchema, limits: LimitsPatchSchema }), LimitsSchema),

  /** Resolves the command in PATH (or takes the absolute path), hashes it, and blocks it at exec. */
  'apps.block': method('admin', z.strictObject({ profile: ProfileRefSchema, app: AppSchema }), BlockedAppSchema),
  /** not_found when the app was not blocked. */
  'apps.unblock': method('admin', z.strictObject({ profile: ProfileRefSchema, app: AppSchema }), z.null()),

  /** A profile's time rules (NO_TIME_RULES when it has none). */
  'timeRules.get': method('child', profileParam, TimeRulesSchema),
  /** Replaces the time rules as a whole and applies them at once (a closed window stops the child's programs). */
  'timeRules.set': method(
    'admin',
    z.strictObject({ profile: ProfileRefSchema, rules: TimeRulesParamsSchema }),
    TimeRulesSchema,
  ),
  /** Allowed now, next change, screen time and app budgets used and left today. */
  'timeRules.status': method('child', profileParam, TimeStatusSchema),

  'monitors.list': method('admin', noParams, z.array(MonitorStatusSchema)),
  'monitors.enable': method('admin', z.strictObject({ name: MonitorNameSchema }), MonitorStatusSchema),
  'monitors.disable': method('admin', z.strictObject({ name: MonitorNameSchema }), MonitorStatusSchema),

  /** Without `profile`: every profile for an admin, its own for a child. */
  'metrics.live': method('child', z.strictObject({ profile: ProfileRefSchema.optional() }), z.array(LiveMetricsSchema)),

  /** A profile's stored events of one table, newest first. `hasMore` when more matched than `limit`. */
  'events.query': method(
    'child',
    z
      .strictObject({
        profile: ProfileRefSchema,
        table: EventTableSchema,
        sinceMs: EpochMsSchema.optional(),
        untilMs: EpochMsSchema.optional(),
        limit: QueryLimitSchema,
      })
      .refine(sinceNotAfterUntil, SINCE_AFTER_UNTIL),
    z.object({ rows: z.array(EventRowSchema), hasMore: z.boolean() }),
  ),
  /** Rollups per bucket (and per application with byApp), oldest first. */
  'usage.query': method(
    'child',
    z
      .strictObject({
        profile: ProfileRefSchema,
        sinceMs: EpochMsSchema.optional(),
        untilMs: EpochMsSchema.optional(),
        bucket: z.enum(['minute', 'hour', 'day']),
        byApp: z.boolean().optional(),
      })
      .refine(sinceNotAfterUntil, SINCE_AFTER_UNTIL),
    z.array(UsageRollupSchema),
  ),

  /** One local day (default today): screen time, apps, top network/disk users, memory peaks, alerts. */
  'reports.daily': method(
    'child',
    z.strictObject({ profile: ProfileRefSchema, date: LocalDateSchema.optional() }),
    UsageReportSchema,
  ),
  /** The Monday-to-Sunday week holding `weekOf` (default this week), with one summary per day. */
  'reports.weekly': method(
    'child',
    z.strictObject({ profile: ProfileRefSchema, weekOf: LocalDateSchema.optional() }),
    UsageReportSchema,
  ),
  /** Usage per application and bucket (default day) as JSON or CSV (RFC 4180) text. */
  'reports.export': method(
    'child',
    z
      .strictObject({
        profile: ProfileRefSchema,
        sinceMs: EpochMsSchema,
        untilMs: EpochMsSchema,
        format: z.enum(['json', 'csv']),
        bucket: z.enum(['minute', 'hour', 'day']).optional(),
      })
      .refine((p) => p.sinceMs < p.untilMs, { message: 'sinceMs must be before untilMs', path: ['sinceMs'] })
      .refine((p) => p.untilMs - p.sinceMs <= EXPORT_MAX_RANGE_MS, {
        message: 'export at most 366 days at once',
        path: ['untilMs'],
      }),
    ExportResultSchema,
  ),

  /** Newest first. Without `profile`: every profile for an admin, its own for a child. */
  'alerts.list': method(
    'child',
    z.strictObject({
      profile: ProfileRefSchema.optional(),
      sinceMs: EpochMsSchema.optional(),
      unacknowledgedOnly: z.boolean().optional(),
      limit: QueryLimitSchema,
    }),
    z.array(AlertSchema),
  ),
  /** Either the listed ids, or all (of `profile`, or of every profile). */
  'alerts.ack': method(
    'admin',
    z
      .strictObject({
        ids: z
          .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
          .min(1)
          .max(10_000)
          .optional(),
        all: z.boolean().optional(),
        profile: ProfileRefSchema.optional(),
      })
      .refine((p) => (p.ids !== undefined) !== (p.all === true), {
        message: 'give either ids or all: true',
      }),
    z.object({ acknowledged: z.number().int().min(0) }),
  ),

  /** Who am I to the helper: a child's profile, limits and today's usage, or a parent's role. */
  'self.status': method('any-authenticated', noParams, SelfStatusSchema),

  /** Handled by the server itself (per-connection state). Returns the connection's topics after the change. */
  subscribe: method('any-authenticated', topicsParam, topicsResult),
  unsubscribe: method('any-authenticated', topicsParam, topicsResult),
} as const satisfies Record<string, MethodSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export const METHOD_NAMES = Object.keys(methods) as MethodName[];
/** Methods the socket server implements itself; every other method is a handler's job. */
export const SERVER_METHODS = ['subscribe', 'unsubscribe'] as const satisfies readonly MethodName[];
export type ServerMethodName = (typeof SERVER_METHODS)[number];
export type HandlerMethodName = Exclude<MethodName, ServerMethodName>;

/** What a client passes (defaults not yet applied). */
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives: validated, defaults applied. */
export type HandlerParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
/** What a client receives. */
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
/** What a handler returns (the server checks it against the result schema before sending). */
export type HandlerResultOf<M extends MethodName> = z.input<Methods[M]['result']>;

/**
 * events.query's result with its rows typed by the table asked for (the wire type is a union of every table's
 * rows, which a caller could not narrow). HelperClient.call returns this for events.query.
 */
export interface EventsQueryResult<T extends EventTable = EventTable> {
  rows: Array<EventRowByTable[T]>;
  hasMore: boolean;
}

export type SelfStatus = z.output<typeof SelfStatusSchema>;
export type HelperStatus = z.output<typeof HelperStatusSchema>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
