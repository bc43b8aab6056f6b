// Public surface of the store.
export { openStore, type Store, type StoreOptions } from './store.js';
export { DEFAULT_DB_PATH, BUSY_TIMEOUT_MS, backupPathFor } from './open-database.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export * from './errors.js';
export { BatchWriter, type BatchWriterOptions, type BatchWriterStats, type FlushResult } from './batch-writer.js';
export {
  PROFILE_TOTAL_COMM,
  DEFAULT_ROLLUP_INTERVAL_MS,
  type UsageDelta,
  type UsageCounters,
} from './rollup-buckets.js';
export { MAX_WATCHABLE_UID, type ProfileQueries } from './profiles.js';
export {
  isStoredKernelEvent,
  EVENT_TABLES,
  type StoredKernelEvent,
  type EventTable,
  type EventQuery,
  type EventQueries,
  type EventRowByTable,
  type ProcessEventRow,
  type FileEventRow,
  type NetworkEventRow,
  type MemoryEventRow,
  type DiskIoEventRow,
} from './events.js';
export type { RollupQueries, RollupQuery, RollupBucketSize, AppUsage, AppUsageOrder } from './rollups.js';
export {
  DEFAULT_ALERT_DEDUP_WINDOW_MS,
  type AlertQueries,
  type NewAlert,
  type StoredAlert,
  type AlertFilter,
} from './alerts.js';
export { DEFAULT_RETENTION, type RetentionSettings, type SettingsQueries } from './settings.js';
export { type PruneOptions, type PruneResult } from './retention.js';
