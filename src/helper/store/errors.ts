// Typed store errors. Messages are written for the parent or sysadmin who reads them in a log or a dialog: they
// say what is wrong and what to do about it.

export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}

/** The file is not a SQLite database, or not one of ours, or cannot be opened at all. */
export class StoreOpenError extends StoreError {
  override readonly name = 'StoreOpenError';
}

/** The database was written by a newer DOTS Family; running older code on it could corrupt it. */
export class SchemaTooNewError extends StoreError {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `database schema v${databaseVersion} is newer than this helper (v${codeVersion}); ` +
        'upgrade DOTS Family or restore a backup',
    );
  }
}

/** A migration failed; its transaction was rolled back, so the database is still at `fromVersion`. */
export class MigrationError extends StoreError {
  override readonly name = 'MigrationError';
  constructor(
    readonly fromVersion: number,
    readonly toVersion: number,
    readonly backupPath: string | null,
    cause: unknown,
  ) {
    super(
      `upgrading the database from schema v${fromVersion} to v${toVersion} failed: ${String(cause)}; ` +
        `the database was left at v${fromVersion}` +
        (backupPath ? ` and a backup is at ${backupPath}` : ''),
      { cause },
    );
  }
}

/** A caller passed a value the store cannot accept (bad id, out-of-range uid, negative retention, ...). */
export class InvalidArgumentError extends StoreError {
  override readonly name = 'InvalidArgumentError';
}

export class ProfileNotFoundError extends StoreError {
  override readonly name = 'ProfileNotFoundError';
  constructor(readonly profileId: number) {
    super(`profile ${profileId} does not exist; list profiles to find the right id`);
  }
}

export class DuplicateProfileNameError extends StoreError {
  override readonly name = 'DuplicateProfileNameError';
  constructor(readonly profileName: string) {
    super(`a profile named '${profileName}' already exists; choose another name or edit that profile`);
  }
}

/** One uid belongs to at most one profile, so the kernel knows whose limits apply. */
export class AccountInUseError extends StoreError {
  override readonly name = 'AccountInUseError';
  constructor(
    readonly uid: number,
    readonly ownerProfileName: string,
  ) {
    super(`uid ${uid} already belongs to profile '${ownerProfileName}'; remove it from that profile first`);
  }
}

/** Stored data that does not parse (hand-edited file, disk corruption). */
export class StoreCorruptError extends StoreError {
  override readonly name = 'StoreCorruptError';
}

/** A batch could not be written; the batch is kept for the next flush (up to a bound). */
export class StoreWriteError extends StoreError {
  override readonly name = 'StoreWriteError';
}
