// The Store: one object the helper holds, grouping the queries by domain over one connection.
import type BetterSqlite3 from 'better-sqlite3';
import { createAlertQueries, type AlertQueries } from './alerts.js';
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js';
import { createEventQueries, type EventQueries } from './events.js';
import { openDatabase, DEFAULT_DB_PATH } from './open-database.js';
import type { MigrationResult } from './migrations.js';
import { createProfileQueries, type ProfileQueries } from './profiles.js';
import { prune, type PruneOptions, type PruneResult } from './retention.js';
import { createRollupQueries, type RollupQueries } from './rollups.js';
import { createSettingsQueries, type SettingsQueries } from './settings.js';

export interface StoreOptions {
  batch?: Omit<BatchWriterOptions, 'now'>;
  /** Clock for created/updated times and the writer. Default Date.now. */
  now?: () => number;
}

export interface Store {
  readonly path: string;
  readonly schemaVersion: number;
  /** What opening did to the schema, and where the pre-upgrade backup went (null when nothing was upgraded). */
  readonly opened: MigrationResult & { backupPath: string | null };
  readonly profiles: ProfileQueries;
  readonly events: EventQueries;
  readonly rollups: RollupQueries;
  readonly alerts: AlertQueries;
  readonly settings: SettingsQueries;
  /** The one writer for high-rate data; the pipeline appends to it. */
  readonly writer: BatchWriter;
  /** Applies the retention settings at `nowMs`; call it periodically (e.g. hourly). */
  prune(nowMs: number, options?: PruneOptions): PruneResult;
  /** Flushes the writer (open memory intervals included) and closes the connection. Idempotent. */
  close(): void;
  /** The connection, for tests and diagnostics. */
  readonly db: BetterSqlite3.Database;
}

export function openStore(path: string = DEFAULT_DB_PATH, options: StoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const { db, migration, backupPath } = openDatabase(path);
  const profiles = createProfileQueries(db, now);
  const settings = createSettingsQueries(db);
  const writer = new BatchWriter(db, () => profiles.ids(), path, { ...options.batch, now });
  let closed = false;

  return {
    path,
    schemaVersion: migration.toVersion,
    opened: { ...migration, backupPath },
    profiles,
    events: createEventQueries(db),
    rollups: createRollupQueries(db),
    alerts: createAlertQueries(db),
    settings,
    writer,
    prune: (nowMs, pruneOptions) => prune(db, settings.retention(), nowMs, pruneOptions),
    close() {
      if (closed) return;
      try {
        writer.close();
      } finally {
        closed = true;
        db.close();
      }
    },
    db,
  };
}
