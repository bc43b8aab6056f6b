// Alerts: insert, list, acknowledge, and de-duplication of repeats while the parent has not yet seen the first.
import type BetterSqlite3 from 'better-sqlite3';
import type { Alert } from '../../shared/model.js';
import { InvalidArgumentError } from './errors.js';
import { assertLimit, assertProfileId } from './validate.js';

type Database = BetterSqlite3.Database;

export type NewAlert = Omit<Alert, 'id' | 'occurrences' | 'acknowledged' | 'pid' | 'comm'> & {
  pid?: number | null;
  comm?: string | null;
};

export interface StoredAlert extends Alert {
  /** Alerts with the same key fold into one while unacknowledged; null never folds. */
  dedupKey: string | null;
  /** Time of the latest occurrence (`timeMs` is the first). */
  lastTimeMs: number;
}

export interface AlertFilter {
  profileId?: number;
  /** Alerts whose latest occurrence is at or after this. */
  sinceMs?: number;
  unacknowledgedOnly?: boolean;
  /** Default 200. */
  limit?: number;
}

export const DEFAULT_ALERT_DEDUP_WINDOW_MS = 10 * 60_000;
export const MAX_ALERT_QUERY_LIMIT = 10_000;

export interface AlertQueries {
  insert(alert: NewAlert, dedupKey?: string | null): StoredAlert;
  /**
   * Folds `alert` into the unacknowledged alert with the same profile and key whose latest occurrence is within
   * `windowMs` (occurrences + 1; latest message, measurement, limit and severity); otherwise inserts it.
   */
  upsert(dedupKey: string, alert: NewAlert, windowMs?: number): { alert: StoredAlert; created: boolean };
  get(id: number): StoredAlert | null;
  /** Newest (latest occurrence) first. */
  list(filter?: AlertFilter): StoredAlert[];
  acknowledge(id: number): boolean;
  acknowledgeMany(ids: readonly number[]): number;
  acknowledgeAll(profileId: number): number;
}

interface AlertRow {
  id: number;
  profileId: number;
  kind: Alert['kind'];
  severity: Alert['severity'];
  message: string;
  measured: number;
  limit: number;
  unit: string;
  pid: number | null;
  comm: string | null;
  timeMs: number;
  occurrences: number;
  acknowledged: number;
  dedupKey: string | null;
  lastTimeMs: number;
}

const COLUMNS = `id, profile_id AS profileId, kind, severity, message, measured, limit_value AS "limit", unit,
  pid, comm, time_ms AS timeMs, occurrences, acknowledged, dedup_key AS dedupKey, last_time_ms AS lastTimeMs`;

export function createAlertQueries(db: Database): AlertQueries {
  const insertRow = db.prepare(
    `INSERT INTO alerts (profile_id, kind, severity, message, measured, limit_value, unit, pid, comm, time_ms,
       last_time_ms, dedup_key) VALUES (@profileId, @kind, @severity, @message, @measured, @limit, @unit, @pid, @comm,
       @timeMs, @timeMs, @dedupKey)`,
  );
  const selectById = db.prepare<[number], AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = ?`);
  const selectOpenDuplicate = db.prepare<[number, string, number], { id: number }>(
    `SELECT id FROM alerts WHERE profile_id = ? AND dedup_key = ? AND acknowledged = 0 AND last_time_ms >= ?
     ORDER BY last_time_ms DESC LIMIT 1`,
  );
  const foldRepeat = db.prepare(
    `UPDATE alerts SET occurrences = occurrences + 1, last_time_ms = max(last_time_ms, @timeMs),
       message = @message, measured = @measured, limit_value = @limit, severity = @severity,
       pid = coalesce(@pid, pid), comm = coalesce(@comm, comm)
     WHERE id = @id`,
  );
  // One statement serves every filter combination: absent filters are bound as NULL, never spliced into SQL.
  type FilterParams = { profileId: number | null; sinceMs: number | null; unack: number; limit: number };
  const selectFiltered = db.prepare<[FilterParams], AlertRow>(
    `SELECT ${COLUMNS} FROM alerts
     WHERE (@profileId IS NULL OR profile_id = @profileId)
       AND (@sinceMs IS NULL OR last_time_ms >= @sinceMs)
       AND (@unack = 0 OR acknowledged = 0)
     ORDER BY last_time_ms DESC, id DESC LIMIT @limit`,
  );
  const ackOne = db.prepare<[number]>('UPDATE alerts SET acknowledged = 1 WHERE id = ? AND acknowledged = 0');
  const ackProfile = db.prepare<[number]>(
    'UPDATE alerts SET acknowledged = 1 WHERE profile_id = ? AND acknowledged = 0',
  );

  const mustGet = (id: number): StoredAlert => {
    const row = selectById.get(id);
    if (!row) throw new Error(`alert ${id} vanished right after it was written`);
    return toAlert(row);
  };

  const insert = (alert: NewAlert, dedupKey: string | null = null): StoredAlert => {
    checkAlert(alert);
    const id = Number(insertRow.run({ ...withNulls(alert), dedupKey }).lastInsertRowid);
    return mustGet(id);
  };

  return {
    insert,
    upsert(dedupKey, alert, windowMs = DEFAULT_ALERT_DEDUP_WINDOW_MS) {
      if (!(windowMs >= 0)) throw new InvalidArgumentError(`dedup window must be ≥ 0 ms, got ${windowMs}`);
      return db.transaction(() => {
        checkAlert(alert);
        const open = selectOpenDuplicate.get(alert.profileId, dedupKey, alert.timeMs - windowMs);
        if (!open) return { alert: insert(alert, dedupKey), created: true };
        foldRepeat.run({ ...withNulls(alert), id: open.id });
        return { alert: mustGet(open.id), created: false };
      })();
    },
    get: (id) => {
      const row = selectById.get(id);
      return row ? toAlert(row) : null;
    },
    list(filter = {}) {
      if (filter.profileId !== undefined) assertProfileId(filter.profileId);
      return selectFiltered
        .all({
          profileId: filter.profileId ?? null,
          sinceMs: filter.sinceMs ?? null,
          unack: filter.unacknowledgedOnly ? 1 : 0,
          limit: assertLimit(filter.limit ?? 200, MAX_ALERT_QUERY_LIMIT),
        })
        .map(toAlert);
    },
    acknowledge: (id) => ackOne.run(id).changes > 0,
    acknowledgeMany: (ids) => db.transaction(() => ids.reduce((n, id) => n + ackOne.run(id).changes, 0))(),
    acknowledgeAll: (profileId) => ackProfile.run(assertProfileId(profileId)).changes,
  };
}

function withNulls(alert: NewAlert) {
  return {
    profileId: alert.profileId,
    kind: alert.kind,
    severity: alert.severity,
    message: alert.message,
    measured: alert.measured,
    limit: alert.limit,
    unit: alert.unit,
    pid: alert.pid ?? null,
    comm: alert.comm ?? null,
    timeMs: alert.timeMs,
  };
}

function checkAlert(alert: NewAlert): void {
  assertProfileId(alert.profileId);
  if (!Number.isFinite(alert.timeMs)) {
    throw new InvalidArgumentError(`alert time must be epoch ms, got ${alert.timeMs}`);
  }
}

function toAlert(row: AlertRow): StoredAlert {
  return { ...row, acknowledged: row.acknowledged === 1 };
}
