// Wire schemas of the domain objects in model.ts and events.ts (stored event rows: event-rows.ts), as results and pushes carry them. The compile-time
// checks at the bottom fail the build if a schema and its interface drift apart.
//
// These are plain (non-strict) objects on purpose: the helper runs results through them before sending, which strips
// any internal field a handler left on an object instead of failing the request. Params schemas are strict.

import { z } from 'zod';
import { MONITOR_NAMES, type MonitorStatus } from '../events.js';
import type { Alert, BlockedApp, LiveMetrics, Limits, Profile, UsageRollup } from '../model.js';
import type { ExportResult, UsageReport } from '../reports.js';
import type { TimeRules, TimeStatus } from '../time-rules.js';

const count = z.number().int().min(0);
const num = z.number();
const nullableNum = z.number().nullable();
const id = z.number().int().positive();

export const MonitorNameSchema = z.enum(MONITOR_NAMES);
export const MonitorStateSchema = z.enum(['ok', 'degraded', 'failed', 'disabled']);

export const MonitorStatusSchema = z.object({
  name: MonitorNameSchema,
  state: MonitorStateSchema,
  reasons: z.array(z.string()),
  probesAttached: count,
  probesTotal: count,
  probesIdle: count,
  idleNote: z.string().nullable(),
  recordsSubmitted: num,
  recordsDropped: num,
  aggregateMapFull: num,
  eventsPerSecond: num,
});

export const BlockedAppSchema = z.object({
  name: z.string(),
  path: z.string(),
  sha256: z.string(),
  sizeBytes: num,
});

const windows = z.array(z.string());

export const TimeRulesSchema = z.object({
  allowedHours: z
    .object({
      days: z.object({
        mon: windows,
        tue: windows,
        wed: windows,
        thu: windows,
        fri: windows,
        sat: windows,
        sun: windows,
      }),
      holidays: z.object({ dates: z.array(z.string()), windows }),
    })
    .nullable(),
  screenTimeSecondsPerDay: nullableNum,
  appBudgets: z.array(z.object({ app: z.string(), secondsPerDay: num })),
  warnMinutesBefore: z.array(num),
});

export const LimitsSchema = z.object({
  memory: z.object({ max_allocation_mb: nullableNum, max_process_memory_mb: nullableNum }),
  diskIo: z.object({ max_bandwidth_mbps: nullableNum, max_latency_ms: nullableNum }),
  network: z.object({ max_upload_mbps: nullableNum, max_download_mbps: nullableNum }),
  blockedApps: z.array(BlockedAppSchema),
  time: TimeRulesSchema.optional(),
});

export const TimeStatusSchema = z.object({
  allowedNow: z.boolean(),
  nextChangeMs: nullableNum,
  screenTimeUsedSeconds: num,
  screenTimeLeftSeconds: nullableNum,
  apps: z.array(z.object({ app: z.string(), usedSeconds: num, leftSeconds: num })),
});

export const AccountSchema = z.object({ uid: count, username: z.string().nullable() });

export const ProfileSchema = z.object({
  id,
  name: z.string(),
  accounts: z.array(AccountSchema),
  limits: LimitsSchema,
  createdAtMs: num,
  updatedAtMs: num,
});

export const ALERT_KINDS = [
  'memory_limit',
  'allocation_limit',
  'disk_latency',
  'disk_bandwidth',
  'excessive_io',
  'network_limit',
  'blocked_app',
  'screen_time',
  'allowed_hours',
] as const;

export const AlertSchema = z.object({
  id,
  profileId: id,
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  measured: num,
  limit: num,
  unit: z.string(),
  pid: z.number().int().nullable(),
  comm: z.string().nullable(),
  timeMs: num,
  occurrences: count,
  acknowledged: z.boolean(),
});

export const LiveMetricsSchema = z.object({
  profileId: id,
  timeMs: num,
  processes: count,
  memory: z.object({ rssBytes: num, peakRssBytes: num, kmallocBytesPerSecond: num }),
  network: z.object({
    uploadBytesPerSecond: num,
    downloadBytesPerSecond: num,
    uploadBytes: num,
    downloadBytes: num,
  }),
  disk: z.object({
    readBytesPerSecond: num,
    writeBytesPerSecond: num,
    requests: num,
    latencyMeanMs: num,
    latencyP50Ms: num,
    latencyP95Ms: num,
    latencyP99Ms: num,
  }),
  files: z.object({ readBytesPerSecond: num, writeBytesPerSecond: num, opensPerSecond: num }),
});

export const UsageRollupSchema = z.object({
  profileId: id,
  startMs: num,
  intervalMs: num,
  comm: z.string().nullable(),
  activeSeconds: num,
  processesStarted: num,
  netTxBytes: num,
  netRxBytes: num,
  diskReadBytes: num,
  diskWriteBytes: num,
  fileReadBytes: num,
  fileWriteBytes: num,
  peakRssBytes: num,
});

const usageCounters = {
  processesStarted: num,
  netTxBytes: num,
  netRxBytes: num,
  diskReadBytes: num,
  diskWriteBytes: num,
  peakRssBytes: num,
};

export const AppUsageLineSchema = z.object({
  app: z.string(),
  activeSeconds: num,
  ...usageCounters,
  fileReadBytes: num,
  fileWriteBytes: num,
});

export const UsageReportSchema = z.object({
  profile: z.object({ id, name: z.string() }),
  period: z.enum(['day', 'week']),
  from: z.string(),
  to: z.string(),
  fromMs: num,
  toMs: num,
  screenTimeSeconds: num,
  screenTimeBudgetSecondsPerDay: nullableNum,
  days: z.array(
    z.object({ date: z.string(), fromMs: num, toMs: num, screenTimeSeconds: num, ...usageCounters }),
  ),
  apps: z.array(AppUsageLineSchema),
  topNetwork: z.array(AppUsageLineSchema),
  topDisk: z.array(AppUsageLineSchema),
  memoryPeaks: z.array(z.object({ app: z.string(), peakRssBytes: num })),
  alerts: z.object({
    total: count,
    byKind: z.array(z.object({ kind: z.enum(ALERT_KINDS), count })),
    latest: z.array(AlertSchema),
  }),
});

export const ExportResultSchema = z.object({
  format: z.enum(['json', 'csv']),
  bucket: z.enum(['minute', 'hour', 'day']),
  rowCount: count,
  text: z.string(),
});

// --- drift checks: each schema's output must be exactly its interface ----------------------------------------------

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type _DomainSchemasMatchInterfaces = [
  Assert<Equals<z.output<typeof MonitorStatusSchema>, MonitorStatus>>,
  Assert<Equals<z.output<typeof BlockedAppSchema>, BlockedApp>>,
  Assert<Equals<z.output<typeof LimitsSchema>, Limits>>,
  Assert<Equals<z.output<typeof ProfileSchema>, Profile>>,
  Assert<Equals<z.output<typeof AlertSchema>, Alert>>,
  Assert<Equals<z.output<typeof LiveMetricsSchema>, LiveMetrics>>,
  Assert<Equals<z.output<typeof UsageRollupSchema>, UsageRollup>>,
  Assert<Equals<z.output<typeof TimeRulesSchema>, TimeRules>>,
  Assert<Equals<z.output<typeof TimeStatusSchema>, TimeStatus>>,
  Assert<Equals<z.output<typeof UsageReportSchema>, UsageReport>>,
  Assert<Equals<z.output<typeof ExportResultSchema>, ExportResult>>,
];
