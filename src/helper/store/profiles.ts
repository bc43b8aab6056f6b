// Profiles (one per child), the accounts (uids) that belong to them, and their limits.
import type BetterSqlite3 from 'better-sqlite3';
import type { Account, Limits, Profile } from '../../shared/model.js';
import { NO_LIMITS } from '../../shared/model.js';
import {
  AccountInUseError,
  DuplicateProfileNameError,
  InvalidArgumentError,
  ProfileNotFoundError,
  StoreCorruptError,
} from './errors.js';
import { assertProfileId } from './validate.js';

type Database = BetterSqlite3.Database;

/** bpf/events.h DOTS_MAX_UID: WATCHED_UIDS is an array with one slot per uid below 65536. */
export const MAX_WATCHABLE_UID = 65_535;
export const MAX_PROFILE_NAME_LENGTH = 64;

export interface ProfileQueries {
  create(input: { name: string; limits?: Limits }): Profile;
  get(id: number): Profile | null;
  getByName(name: string): Profile | null;
  getByUid(uid: number): Profile | null;
  list(): Profile[];
  /** Ids of every profile: what the batch writer checks events against. */
  ids(): Set<number>;
  rename(id: number, name: string): Profile;
  /** Deletes the profile and, by cascade, its accounts, events, rollups and alerts. */
  remove(id: number): boolean;
  addAccount(profileId: number, uid: number, username?: string | null): Profile;
  removeAccount(uid: number): boolean;
  getLimits(id: number): Limits;
  /** `limits` must already be validated (protocol schema); it is stored as JSON text. */
  setLimits(id: number, limits: Limits): Profile;
}

interface ProfileRow {
  id: number;
  name: string;
  limits_json: string;
  created_ms: number;
  updated_ms: number;
}

interface AccountRow {
  profile_id: number;
  uid: number;
  username: string | null;
}

export function createProfileQueries(db: Database, now: () => number): ProfileQueries {
  const columns = 'id, name, limits_json, created_ms, updated_ms';
  const insertProfile = db.prepare<[string, string, number, number]>(
    'INSERT INTO profiles (name, limits_json, created_ms, updated_ms) VALUES (?, ?, ?, ?)',
  );
  const selectById = db.prepare<[number], ProfileRow>(`SELECT ${columns} FROM profiles WHERE id = ?`);
  const selectByName = db.prepare<[string], ProfileRow>(`SELECT ${columns} FROM profiles WHERE name = ?`);
  const selectByUid = db.prepare<[number], ProfileRow>(
    `SELECT ${columns} FROM profiles WHERE id = (SELECT profile_id FROM profile_accounts WHERE uid = ?)`,
  );
  const selectAll = db.prepare<[], ProfileRow>(`SELECT ${columns} FROM profiles ORDER BY name`);
  const selectIds = db.prepare<[], { id: number }>('SELECT id FROM profiles');
  const selectAccounts = db.prepare<[number], AccountRow>(
    'SELECT profile_id, uid, username FROM profile_accounts WHERE profile_id = ? ORDER BY uid',
  );
  const selectAllAccounts = db.prepare<[], AccountRow>(
    'SELECT profile_id, uid, username FROM profile_accounts ORDER BY uid',
  );
  const selectAccountOwner = db.prepare<[number], { profile_id: number; name: string }>(
    'SELECT a.profile_id, p.name FROM profile_accounts a JOIN profiles p ON p.id = a.profile_id WHERE a.uid = ?',
  );
  const updateName = db.prepare<[string, number, number]>('UPDATE profiles SET name = ?, updated_ms = ? WHERE id = ?');
  const updateLimits = db.prepare<[string, number, number]>(
    'UPDATE profiles SET limits_json = ?, updated_ms = ? WHERE id = ?',
  );
  const touch = db.prepare<[number, number]>('UPDATE profiles SET updated_ms = ? WHERE id = ?');
  const deleteProfile = db.prepare<[number]>('DELETE FROM profiles WHERE id = ?');
  const insertAccount = db.prepare<[number, number, string | null, number]>(
    'INSERT INTO profile_accounts (uid, profile_id, username, added_ms) VALUES (?, ?, ?, ?)',
  );
  const deleteAccount = db.prepare<[number]>('DELETE FROM profile_accounts WHERE uid = ?');

  const toProfile = (row: ProfileRow, accounts: Account[]): Profile => ({
    id: row.id,
    name: row.name,
    accounts,
    limits: parseLimits(row),
    createdAtMs: row.created_ms,
    updatedAtMs: row.updated_ms,
  });
  const withAccounts = (row: ProfileRow | undefined): Profile | null =>
    row ? toProfile(row, selectAccounts.all(row.id).map(toAccount)) : null;
  const mustGet = (id: number): Profile => {
    const profile = withAccounts(selectById.get(id));
    if (!profile) throw new ProfileNotFoundError(id);
    return profile;
  };

  const renameOrThrow = (name: string, write: () => void): void => {
    try {
      write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateProfileNameError(name);
      throw error;
    }
  };

  return {
    create({ name, limits = NO_LIMITS }) {
      const cleanName = checkName(name);
      const nowMs = now();
      let id = 0;
      renameOrThrow(cleanName, () => {
        id = Number(insertProfile.run(cleanName, JSON.stringify(limits), nowMs, nowMs).lastInsertRowid);
      });
      return mustGet(id);
    },
    get: (id) => withAccounts(selectById.get(assertProfileId(id))),
    getByName: (name) => withAccounts(selectByName.get(name.trim())),
    getByUid: (uid) => withAccounts(selectByUid.get(uid)),
    list() {
      const accountsByProfile = new Map<number, Account[]>();
      for (const row of selectAllAccounts.all()) {
        const list = accountsByProfile.get(row.profile_id) ?? [];
        list.push(toAccount(row));
        accountsByProfile.set(row.profile_id, list);
      }
      return selectAll.all().map((row) => toProfile(row, accountsByProfile.get(row.id) ?? []));
    },
    ids: () => new Set(selectIds.all().map((row) => row.id)),
    rename(id, name) {
      const cleanName = checkName(name);
      renameOrThrow(cleanName, () => {
        if (updateName.run(cleanName, now(), assertProfileId(id)).changes === 0) throw new ProfileNotFoundError(id);
      });
      return mustGet(id);
    },
    remove: (id) => deleteProfile.run(assertProfileId(id)).changes > 0,
    addAccount(profileId, uid, username = null) {
      assertProfileId(profileId);
      checkUid(uid);
      db.transaction(() => {
        mustGet(profileId);
        const owner = selectAccountOwner.get(uid);
        if (owner && owner.profile_id !== profileId) throw new AccountInUseError(uid, owner.name);
        if (owner) return; // already there: adding is idempotent
        const nowMs = now();
        insertAccount.run(uid, profileId, username, nowMs);
        touch.run(nowMs, profileId);
      })();
      return mustGet(profileId);
    },
    removeAccount(uid) {
      return db.transaction(() => {
        const owner = selectAccountOwner.get(uid);
        if (!owner) return false;
        deleteAccount.run(uid);
        touch.run(now(), owner.profile_id);
        return true;
      })();
    },
    getLimits: (id) => mustGet(assertProfileId(id)).limits,
    setLimits(id, limits) {
      if (updateLimits.run(JSON.stringify(limits), now(), assertProfileId(id)).changes === 0) {
        throw new ProfileNotFoundError(id);
      }
      return mustGet(id);
    },
  };
}

function toAccount(row: AccountRow): Account {
  return { uid: row.uid, username: row.username };
}

function parseLimits(row: ProfileRow): Limits {
  try {
    return JSON.parse(row.limits_json) as Limits;
  } catch {
    throw new StoreCorruptError(`limits of profile '${row.name}' (id ${row.id}) are not valid JSON; set them again`);
  }
}

function checkName(name: string): string {
  const clean = name.trim();
  if (clean.length === 0) throw new InvalidArgumentError('a profile needs a name');
  if (clean.length > MAX_PROFILE_NAME_LENGTH) {
    throw new InvalidArgumentError(
      `profile name is ${clean.length} characters; use at most ${MAX_PROFILE_NAME_LENGTH}`,
    );
  }
  return clean;
}

function checkUid(uid: number): void {
  if (!Number.isInteger(uid) || uid < 0) throw new InvalidArgumentError(`uid must be a whole number ≥ 0, got ${uid}`);
  if (uid === 0) throw new InvalidArgumentError('uid 0 (root) cannot be a child account');
  if (uid > MAX_WATCHABLE_UID) {
    throw new InvalidArgumentError(`uid ${uid} is above ${MAX_WATCHABLE_UID}, the highest uid DOTS Family can watch`);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
