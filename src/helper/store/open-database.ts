// Opening the database file: private permissions, WAL, foreign keys, and a backup before any schema upgrade.
// Nothing is written to the file until its schema version has been checked, so a refused file stays untouched.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SchemaTooNewError, StoreOpenError } from './errors.js';
import { applyMigrations, MIGRATIONS, readSchemaVersion, type Migration, type MigrationResult } from './migrations.js';

export { DEFAULT_DB_PATH } from '../../shared/paths.js';
/** How long a statement waits for another connection's lock (the CLI reading while the helper writes). */
export const BUSY_TIMEOUT_MS = 5000;

export interface OpenedDatabase {
  db: Database.Database;
  migration: MigrationResult;
  /** Copy taken before upgrading, or null when nothing was upgraded. */
  backupPath: string | null;
}

export function backupPathFor(dbPath: string, fromVersion: number): string {
  return `${dbPath}.v${fromVersion}.bak`;
}

/** Opens (creating if missing) and migrates. `migrations` and `targetVersion` exist for tests of old schemas. */
export function openDatabase(
  dbPath: string,
  options: { migrations?: readonly Migration[]; targetVersion?: number } = {},
): OpenedDatabase {
  const migrations = options.migrations ?? MIGRATIONS;
  prepareFile(dbPath);
  let db: Database.Database;
  try {
    db = new Database(dbPath, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StoreOpenError(`cannot open the database ${dbPath}: ${String(error)}`, { cause: error });
  }
  try {
    const version = readVersionOrExplain(db, dbPath);
    if (version > migrations.length) throw new SchemaTooNewError(version, migrations.length);
    if (version === 0 && hasTables(db)) {
      throw new StoreOpenError(
        `${dbPath} holds tables but no DOTS Family schema version; it is not a DOTS Family database — ` +
          'move it aside or point the helper at another path',
      );
    }
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against crashes of the helper in WAL mode; only a power cut can lose the last batch.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A checkpoint ends in an fsync of the database, and an fsync stalls everyone's writes to that disk (on the
    // development VM one a second slowed a child's direct writes by a third). At 16 MiB instead of SQLite's 4 MiB a
    // child writing flat out (~2,500 disk records/s) causes one a minute, not one every 15 s.
    db.pragma('wal_autocheckpoint = 4096');

    let backupPath: string | null = null;
    const migration = applyMigrations(db, migrations, {
      targetVersion: options.targetVersion,
      beforeUpgrade: (fromVersion) => {
        if (fromVersion === 0) return null; // a new, empty database has nothing to lose
        backupPath = backupPathFor(dbPath, fromVersion);
        writeBackup(db, backupPath);
        return backupPath;
      },
    });
    return { db, migration, backupPath };
  } catch (error) {
    db.close();
    throw error;
  }
}

function prepareFile(dbPath: string): void {
  const dir = path.dirname(dbPath);
  try {
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Created here rather than by SQLite so it is never readable by others, even for an instant.
    const fd = fs.openSync(dbPath, fs.constants.O_CREAT | fs.constants.O_RDWR, 0o600);
    try {
      // Children's activity is private: tighten a file an older install (or a restore) left readable.
      if ((fs.fstatSync(fd).mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw new StoreOpenError(
      `cannot create or open ${dbPath}: ${(error as Error).message}; the helper must run as root ` +
        `and ${dir} must be on a writable file system`,
      { cause: error },
    );
  }
}

function readVersionOrExplain(db: Database.Database, dbPath: string): number {
  try {
    return readSchemaVersion(db);
  } catch (error) {
    throw new StoreOpenError(
      `${dbPath} is not a SQLite database or is damaged (${String(error)}); move it aside to start fresh ` +
        `or restore a backup (${dbPath}.v<N>.bak)`,
      { cause: error },
    );
  }
}

function hasTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").get() !== undefined;
}

/**
 * VACUUM INTO makes a consistent, compact copy from a read transaction, synchronously. It goes to a temporary
 * name first so a crash never leaves a half-written file under the backup's name.
 */
function writeBackup(db: Database.Database, backupPath: string): void {
  const partialPath = `${backupPath}.partial`;
  try {
    fs.rmSync(partialPath, { force: true });
    fs.closeSync(fs.openSync(partialPath, 'wx', 0o600)); // VACUUM INTO accepts an empty file; this sets its mode
    db.prepare('VACUUM INTO ?').run(partialPath);
    fs.renameSync(partialPath, backupPath);
  } catch (error) {
    fs.rmSync(partialPath, { force: true });
    throw new StoreOpenError(
      `could not back up the database to ${backupPath} before upgrading it: ${String(error)}; ` +
        'the database was not changed — free some disk space and start the helper again',
      { cause: error },
    );
  }
}
