import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  MigrationError,
  SchemaTooNewError,
  StoreOpenError,
  backupPathFor,
  openStore,
  type Migration,
} from '../../../src/helper/store/index.js';
import { assertMigrationsOrdered } from '../../../src/helper/store/migrations.js';
import { openDatabase } from '../../../src/helper/store/open-database.js';
import { T0, tempDir } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const version = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

/** Rows every schema version since v1 can hold, written with v1's SQL. */
function seedV1Data(db: Database.Database): void {
  db.prepare(
    `INSERT INTO profiles (id, name, limits_json, created_ms, updated_ms) VALUES (1, 'Alice', '{"x":1}', ?, ?)`,
  ).run(T0, T0);
  db.prepare(`INSERT INTO profile_accounts (uid, profile_id, username, added_ms) VALUES (1001, 1, 'alice', ?)`).run(T0);
  db.prepare(
    `INSERT INTO process_events (profile_id, timestamp, kind, pid, ppid, uid, comm, filename, args_json,
       args_truncated, enforcement)
     VALUES (1, ?, 'exec', 100, 1, 1001, 'firefox', '/usr/bin/firefox', '["firefox"]', 0, 'none')`,
  ).run(T0);
  db.prepare(
    `INSERT INTO alerts (profile_id, kind, severity, message, measured, limit_value, unit, time_ms)
     VALUES (1, 'disk_latency', 'warning', 'slow disk', 80, 50, 'ms', ?)`,
  ).run(T0);
}

describe('opening a database', () => {
  it('creates a new file at the latest schema, private, in WAL mode with foreign keys on and checkpoints every 16 MiB', () => {
    const file = path.join(dir, 'new', 'dots.db');
    const store = openStore(file);
    try {
      expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(store.opened).toEqual({ fromVersion: 0, toVersion: LATEST_SCHEMA_VERSION, backupPath: null });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      // Checkpoints (each an fsync) at 16 MiB of log, not SQLite's 4 MiB: fewer stalls of a child's disk writes.
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(4096);
      expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.includes('.bak'))).toEqual([]);
  });

  it('has the per-profile-time and per-pid indexes on memory and disk rows', () => {
    const store = openStore(path.join(dir, 'dots.db'));
    try {
      const indexes = (table: string) =>
        (store.db.prepare(`SELECT name FROM pragma_index_list(?)`).all(table) as { name: string }[]).map((r) => r.name);
      const columns = (index: string) =>
        (store.db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(index) as { name: string }[]).map(
          (r) => r.name,
        );
      expect(indexes('memory_events')).toEqual(
        expect.arrayContaining(['idx_memory_events_profile_time', 'idx_memory_events_pid']),
      );
      expect(indexes('disk_io_events')).toEqual(
        expect.arrayContaining(['idx_disk_io_events_profile_time', 'idx_disk_io_events_pid']),
      );
      expect(columns('idx_memory_events_profile_time')).toEqual(['profile_id', 'timestamp']);
      expect(columns('idx_disk_io_events_pid')).toEqual(['pid']);
    } finally {
      store.close();
    }
  });

  it('tightens a database file that was readable by others', () => {
    const file = path.join(dir, 'dots.db');
    openStore(file).close();
    fs.chmodSync(file, 0o644);
    openStore(file).close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('opens a database already at the latest version without a backup', () => {
    const file = path.join(dir, 'dots.db');
    openStore(file).close();
    const store = openStore(file);
    store.close();
    expect(store.opened).toEqual({ fromVersion: LATEST_SCHEMA_VERSION, toVersion: LATEST_SCHEMA_VERSION, backupPath: null });
    expect(fs.readdirSync(dir).filter((name) => name.includes('.bak'))).toEqual([]);
  });
});

describe('upgrading', () => {
  it('keeps the migration list in order, one version per step', () => {
    expect(() => assertMigrationsOrdered(MIGRATIONS)).not.toThrow();
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(2);
    expect(() => assertMigrationsOrdered([MIGRATIONS[1] as Migration])).toThrow(/out of order/);
  });

  for (let fromVersion = 1; fromVersion < LATEST_SCHEMA_VERSION; fromVersion++) {
    it(`migrates a v${fromVersion} database to v${LATEST_SCHEMA_VERSION}, keeping its data and a backup`, () => {
      const file = path.join(dir, 'dots.db');
      const old = openDatabase(file, { targetVersion: fromVersion });
      expect(version(file)).toBe(fromVersion);
      seedV1Data(old.db);
      old.db.close();

      const store = openStore(file);
      try {
        expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
        expect(store.opened.fromVersion).toBe(fromVersion);
        expect(store.opened.backupPath).toBe(backupPathFor(file, fromVersion));

        const alice = store.profiles.getByUid(1001);
        expect(alice?.name).toBe('Alice');
        expect(alice?.accounts).toEqual([{ uid: 1001, username: 'alice' }]);
        const events = store.events.list({ profileId: 1, table: 'process', fromMs: T0, toMs: T0 + 1 });
        expect(events).toMatchObject([{ kind: 'exec', comm: 'firefox', args: ['firefox'], argsTruncated: false }]);
        // v2 back-fills the last occurrence of old alerts, so they sort and dedupe like new ones.
        expect(store.alerts.list()).toMatchObject([
          { message: 'slow disk', lastTimeMs: T0, occurrences: 1, dedupKey: null },
        ]);
        // and the new tables work
        store.writer.addUsage(1, 'firefox', T0, { netRxBytes: 10 });
        store.writer.flush();
        expect(store.rollups.listByApp({ profileId: 1, fromMs: T0, toMs: T0 + 60_000 })).toHaveLength(1);
      } finally {
        store.close();
      }

      const backup = backupPathFor(file, fromVersion);
      expect(version(backup)).toBe(fromVersion);
      expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
      const backupDb = new Database(backup, { readonly: true });
      expect(backupDb.prepare('SELECT name FROM profiles').all()).toEqual([{ name: 'Alice' }]);
      backupDb.close();
    });
  }

  it('refuses a database from a newer helper and leaves the file untouched', () => {
    const file = path.join(dir, 'dots.db');
    const newer = new Database(file);
    newer.exec('CREATE TABLE future (x)');
    newer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    newer.close();
    const before = sha256(file);

    expect(() => openStore(file)).toThrow(SchemaTooNewError);
    expect(() => openStore(file)).toThrow(
      `database schema v${LATEST_SCHEMA_VERSION + 5} is newer than this helper (v${LATEST_SCHEMA_VERSION}); ` +
        'upgrade DOTS Family or restore a backup',
    );
    expect(sha256(file)).toBe(before);
    expect(version(file)).toBe(LATEST_SCHEMA_VERSION + 5);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.bak'))).toEqual([]);
  });

  it('leaves the database at the last good version when a migration fails, with the backup in place', () => {
    const file = path.join(dir, 'dots.db');
    const old = openDatabase(file, { targetVersion: 1 });
    seedV1Data(old.db);
    old.db.close();
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      description: 'fails halfway',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };

    let error: unknown;
    try {
      openDatabase(file, { migrations: [...MIGRATIONS, broken] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain(`left at v${LATEST_SCHEMA_VERSION}`);
    expect((error as Error).message).toContain(backupPathFor(file, 1));
    expect(version(file)).toBe(LATEST_SCHEMA_VERSION);
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half_done'`).get()).toBeUndefined();
    db.close();
  });

  it('refuses a SQLite file that is not a DOTS Family database', () => {
    const file = path.join(dir, 'other.db');
    const other = new Database(file);
    other.exec('CREATE TABLE recipes (name TEXT)');
    other.close();
    expect(() => openStore(file)).toThrow(/not a DOTS Family database/);
  });

  it('refuses a file that is not SQLite at all, saying how to recover', () => {
    const file = path.join(dir, 'garbage.db');
    fs.writeFileSync(file, 'this is not a database, just text that is long enough to look like a header'.repeat(20));
    expect(() => openStore(file)).toThrow(StoreOpenError);
    expect(() => openStore(file)).toThrow(/not a SQLite database or is damaged.*restore a backup/);
  });
});
