// Versioned schema. `PRAGMA user_version` holds the version a database is at; each migration moves it up by one in
// its own transaction, so a failure leaves the database at the last good version. Never edit a migration that has
// shipped: add a new one.
import type BetterSqlite3 from 'better-sqlite3';
import { MigrationError, SchemaTooNewError } from './errors.js';

type Database = BetterSqlite3.Database;

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

// Every time column named `timestamp`, `*_ms` is epoch milliseconds; `*_ns` are durations in nanoseconds.
// Event tables reference profiles with ON DELETE CASCADE: deleting a child's profile deletes their history.
const V1_CORE_TABLES = `
CREATE TABLE profiles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: the kernel and clients cache profile ids
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  limits_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);

CREATE TABLE profile_accounts (
  uid INTEGER PRIMARY KEY, -- one uid belongs to at most one profile
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  username TEXT,
  added_ms INTEGER NOT NULL
);
CREATE INDEX idx_profile_accounts_profile ON profile_accounts(profile_id);

CREATE TABLE process_events (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('exec', 'exit')),
  pid INTEGER NOT NULL,
  ppid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  comm TEXT NOT NULL,
  filename TEXT,        -- exec only
  args_json TEXT,       -- exec only
  args_truncated INTEGER,
  enforcement TEXT,     -- exec only
  exit_code INTEGER,    -- exit only
  exit_signal INTEGER,  -- exit only
  lifetime_ns INTEGER   -- exit only
);
CREATE INDEX idx_process_events_profile_time ON process_events(profile_id, timestamp);

CREATE TABLE file_events (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('open', 'close', 'unlink')),
  pid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  comm TEXT NOT NULL,
  filename TEXT,  -- open, unlink
  flags INTEGER,  -- open, unlink
  result INTEGER, -- open: fd or -errno
  fd INTEGER,     -- close
  ino INTEGER,    -- close
  dirfd INTEGER   -- unlink
);
CREATE INDEX idx_file_events_profile_time ON file_events(profile_id, timestamp);

CREATE TABLE network_events (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  comm TEXT NOT NULL,
  family TEXT NOT NULL,
  source_address TEXT NOT NULL,
  source_port INTEGER NOT NULL,
  destination_address TEXT NOT NULL,
  destination_port INTEGER NOT NULL,
  established INTEGER NOT NULL,
  connect_latency_ns INTEGER NOT NULL
);
CREATE INDEX idx_network_events_profile_time ON network_events(profile_id, timestamp);

-- One row per process per memory interval (not per allocation): latest values, interval peak and summed deltas.
CREATE TABLE memory_events (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  comm TEXT NOT NULL,
  rss_bytes INTEGER NOT NULL,
  vms_bytes INTEGER NOT NULL,
  shared_bytes INTEGER NOT NULL,
  swap_bytes INTEGER NOT NULL,
  peak_rss_bytes INTEGER NOT NULL,
  kmalloc_bytes INTEGER NOT NULL,
  kfree_bytes INTEGER NOT NULL,
  page_alloc_bytes INTEGER NOT NULL,
  page_free_bytes INTEGER NOT NULL
);
CREATE INDEX idx_memory_events_profile_time ON memory_events(profile_id, timestamp);
CREATE INDEX idx_memory_events_pid ON memory_events(pid);

CREATE TABLE disk_io_events (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  comm TEXT NOT NULL,
  dev_major INTEGER NOT NULL,
  dev_minor INTEGER NOT NULL,
  operation TEXT NOT NULL,
  sector INTEGER NOT NULL,
  sectors INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  latency_ns INTEGER NOT NULL,
  queue_latency_ns INTEGER NOT NULL,
  error INTEGER NOT NULL
);
CREATE INDEX idx_disk_io_events_profile_time ON disk_io_events(profile_id, timestamp);
CREATE INDEX idx_disk_io_events_pid ON disk_io_events(pid);

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  message TEXT NOT NULL,
  measured REAL NOT NULL,
  limit_value REAL NOT NULL,
  unit TEXT NOT NULL,
  pid INTEGER,
  comm TEXT,
  time_ms INTEGER NOT NULL,
  occurrences INTEGER NOT NULL DEFAULT 1,
  acknowledged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_alerts_profile_time ON alerts(profile_id, time_ms);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL
);
`;

// Usage reports need per-application totals over months, which raw events (kept two weeks) cannot give; and a
// limit broken every second must not flood the parent with identical alerts.
const V2_ROLLUPS_AND_ALERT_DEDUP = `
CREATE TABLE usage_rollups (
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  start_ms INTEGER NOT NULL,
  interval_ms INTEGER NOT NULL,
  comm TEXT NOT NULL, -- '' is the whole profile
  active_seconds REAL NOT NULL DEFAULT 0,
  processes_started INTEGER NOT NULL DEFAULT 0,
  net_tx_bytes INTEGER NOT NULL DEFAULT 0,
  net_rx_bytes INTEGER NOT NULL DEFAULT 0,
  disk_read_bytes INTEGER NOT NULL DEFAULT 0,
  disk_write_bytes INTEGER NOT NULL DEFAULT 0,
  file_read_bytes INTEGER NOT NULL DEFAULT 0,
  file_write_bytes INTEGER NOT NULL DEFAULT 0,
  peak_rss_bytes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (profile_id, start_ms, interval_ms, comm)
) WITHOUT ROWID;

ALTER TABLE alerts ADD COLUMN dedup_key TEXT;
ALTER TABLE alerts ADD COLUMN last_time_ms INTEGER NOT NULL DEFAULT 0;
UPDATE alerts SET last_time_ms = time_ms;
CREATE INDEX idx_alerts_open_dedup ON alerts(profile_id, dedup_key) WHERE acknowledged = 0 AND dedup_key IS NOT NULL;
`;

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    description: 'core tables: profiles, accounts, events, alerts, settings',
    up: (db: Database) => db.exec(V1_CORE_TABLES),
  },
  {
    version: 2,
    description: 'usage rollups; alert de-duplication (dedup key, last occurrence)',
    up: (db: Database) => db.exec(V2_ROLLUPS_AND_ALERT_DEDUP),
  },
]);

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function readSchemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Checks the list is 1, 2, 3, ... with no gap, so "from every earlier version" has one path. */
export function assertMigrationsOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration list out of order: position ${index} holds v${migration.version}`);
    }
  });
}

export interface MigrationResult {
  fromVersion: number;
  toVersion: number;
}

/**
 * Brings `db` up to the last migration in `migrations` (or `targetVersion`, which tests use to build old
 * databases). `beforeUpgrade` runs once, before the first migration, only when there is something to apply.
 */
export function applyMigrations(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  options: { targetVersion?: number; beforeUpgrade?: (fromVersion: number) => string | null } = {},
): MigrationResult {
  assertMigrationsOrdered(migrations);
  const codeVersion = migrations.length;
  const targetVersion = options.targetVersion ?? codeVersion;
  const fromVersion = readSchemaVersion(db);
  if (fromVersion > codeVersion) throw new SchemaTooNewError(fromVersion, codeVersion);
  if (fromVersion >= targetVersion) return { fromVersion, toVersion: fromVersion };

  const backupPath = options.beforeUpgrade?.(fromVersion) ?? null;
  for (const migration of migrations.slice(fromVersion, targetVersion)) {
    const step = db.transaction(() => {
      migration.up(db);
      // PRAGMA takes no bound parameters; the version is an integer from this list, not input.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    });
    try {
      step();
    } catch (error) {
      throw new MigrationError(migration.version - 1, migration.version, backupPath, error);
    }
  }
  return { fromVersion, toVersion: targetVersion };
}
