// Key/value settings stored as JSON, and the typed retention settings built on them.
import type BetterSqlite3 from 'better-sqlite3';
import { InvalidArgumentError, StoreCorruptError } from './errors.js';

type Database = BetterSqlite3.Database;

export interface RetentionSettings {
  /** Process, file, network, memory and disk rows. */
  rawEventsDays: number;
  /** Usage rollups and alerts: what long-term reports are built from. */
  rollupsDays: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionSettings> = Object.freeze({ rawEventsDays: 14, rollupsDays: 400 });

const RETENTION_KEYS = {
  rawEventsDays: 'retention.raw_events_days',
  rollupsDays: 'retention.rollups_days',
} as const satisfies Record<keyof RetentionSettings, string>;

export interface SettingsQueries {
  /** The stored JSON value, or undefined when the key was never set. */
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): boolean;
  retention(): RetentionSettings;
  /** Changes some retention periods; returns the full result. */
  setRetention(change: Partial<RetentionSettings>): RetentionSettings;
}

export function createSettingsQueries(db: Database): SettingsQueries {
  const selectValue = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?');
  const upsertValue = db.prepare<[string, string]>(
    `INSERT INTO settings (key, value_json) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json`,
  );
  const deleteValue = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');

  const get = (key: string): unknown => {
    const row = selectValue.get(key);
    if (!row) return undefined;
    try {
      return JSON.parse(row.value_json) as unknown;
    } catch {
      throw new StoreCorruptError(`setting '${key}' holds invalid JSON; set it again or delete it to use the default`);
    }
  };

  const retentionDays = (field: keyof RetentionSettings): number => {
    const value = get(RETENTION_KEYS[field]);
    if (value === undefined) return DEFAULT_RETENTION[field];
    if (!isPositiveDays(value)) {
      throw new StoreCorruptError(
        `setting '${RETENTION_KEYS[field]}' is ${JSON.stringify(value)}, not a whole number of days ≥ 1; ` +
          'set it again',
      );
    }
    return value;
  };

  const retention = (): RetentionSettings => ({
    rawEventsDays: retentionDays('rawEventsDays'),
    rollupsDays: retentionDays('rollupsDays'),
  });

  return {
    get,
    set(key, value) {
      const json = JSON.stringify(value);
      if (json === undefined) {
        throw new InvalidArgumentError(`setting '${key}' cannot be stored: not JSON-serializable`);
      }
      upsertValue.run(key, json);
    },
    delete: (key) => deleteValue.run(key).changes > 0,
    retention,
    setRetention(change) {
      for (const [field, days] of Object.entries(change) as [keyof RetentionSettings, unknown][]) {
        if (!(field in RETENTION_KEYS)) throw new InvalidArgumentError(`unknown retention setting '${field}'`);
        if (days === undefined) continue;
        if (!isPositiveDays(days)) {
          throw new InvalidArgumentError(
            `retention ${field} must be a whole number of days ≥ 1, got ${String(days)}`,
          );
        }
      }
      const next = { ...retention(), ...definedOnly(change) };
      if (next.rollupsDays < next.rawEventsDays) {
        throw new InvalidArgumentError(
          `rollups are kept ${next.rollupsDays} days but raw events ${next.rawEventsDays}; ` +
            'keep rollups at least as long as raw events',
        );
      }
      db.transaction(() => {
        upsertValue.run(RETENTION_KEYS.rawEventsDays, JSON.stringify(next.rawEventsDays));
        upsertValue.run(RETENTION_KEYS.rollupsDays, JSON.stringify(next.rollupsDays));
      })();
      return next;
    },
  };
}

function isPositiveDays(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
