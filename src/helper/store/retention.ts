// Retention: deletes raw events and rollups past their settings, and compacts 60 s rollups older than the raw
// retention into hourly rows (reports over months need hours, not minutes). Every statement touches a bounded
// number of rows and commits on its own, so the batch writer is never blocked for long.
import type BetterSqlite3 from 'better-sqlite3';
import { EVENT_TABLES, EVENT_TABLE_NAMES, type EventTable } from './events.js';
import { ADD_EXCLUDED, DAY_MS, HOUR_MS } from './rollups.js';
import type { RetentionSettings } from './settings.js';

type Database = BetterSqlite3.Database;

export interface PruneOptions {
  /** Rows per DELETE. */
  batchRows?: number;
  /** Stop after this many full batches (or compaction chunks) and report `complete: false`; the next run continues. */
  maxBatches?: number;
}

export interface PruneResult {
  deleted: Record<EventTable, number> & { rollups: number; alerts: number };
  /** Minute rollup rows folded into hourly rows. */
  rollupsCompacted: number;
  /** false when maxBatches stopped the run early. */
  complete: boolean;
}

export const DEFAULT_PRUNE_BATCH_ROWS = 5000;
export const DEFAULT_PRUNE_MAX_BATCHES = 1000;
/** Compaction works through at most one day of one profile's minute rows per transaction. */
const COMPACTION_CHUNK_MS = DAY_MS;

export function prune(
  db: Database,
  retention: RetentionSettings,
  nowMs: number,
  options: PruneOptions = {},
): PruneResult {
  const batchRows = options.batchRows ?? DEFAULT_PRUNE_BATCH_ROWS;
  let batchesLeft = options.maxBatches ?? DEFAULT_PRUNE_MAX_BATCHES;
  const rawCutoffMs = nowMs - retention.rawEventsDays * DAY_MS;
  const rollupCutoffMs = nowMs - retention.rollupsDays * DAY_MS;
  const result: PruneResult = {
    deleted: { process: 0, file: 0, network: 0, memory: 0, disk_io: 0, rollups: 0, alerts: 0 },
    rollupsCompacted: 0,
    complete: true,
  };
  const statements = preparePrune(db);

  // Deletes in batches until a batch comes back short; false when the budget of full batches ran out first.
  // Only full batches (more work behind them) spend the budget, so every run makes progress and a pass over
  // tables with nothing to delete always completes.
  const drain = (deleteBatch: () => number, count: (n: number) => void): boolean => {
    for (;;) {
      const deleted = deleteBatch();
      count(deleted);
      if (deleted < batchRows) return true;
      if (--batchesLeft <= 0) return false;
    }
  };

  for (const { id: profileId } of statements.profileIds.all()) {
    for (const table of EVENT_TABLES) {
      const statement = statements.deleteEvents[table];
      const done = drain(
        () => statement.run(profileId, rawCutoffMs, batchRows).changes,
        (n) => (result.deleted[table] += n),
      );
      if (!done) return { ...result, complete: false };
    }
    const rollupsDone = drain(
      () => statements.deleteRollups.run(profileId, rollupCutoffMs, batchRows).changes,
      (n) => (result.deleted.rollups += n),
    );
    const alertsDone =
      rollupsDone &&
      drain(
        () => statements.deleteAlerts.run(profileId, rollupCutoffMs, batchRows).changes,
        (n) => (result.deleted.alerts += n),
      );
    if (!alertsDone) return { ...result, complete: false };

    // Only whole hours are compacted, so an hourly row never meets a later minute row of the same hour.
    const compactBeforeMs = Math.floor(rawCutoffMs / HOUR_MS) * HOUR_MS;
    for (;;) {
      const oldest = statements.oldestMinuteRollup.get(profileId, compactBeforeMs)?.startMs ?? null;
      if (oldest === null) break;
      if (batchesLeft <= 0) return { ...result, complete: false };
      batchesLeft--;
      const fromMs = Math.floor(oldest / HOUR_MS) * HOUR_MS;
      const toMs = Math.min(fromMs + COMPACTION_CHUNK_MS, compactBeforeMs);
      result.rollupsCompacted += statements.compact(profileId, fromMs, toMs);
    }
  }
  return result;
}

function preparePrune(db: Database) {
  const deleteEvents = Object.fromEntries(
    EVENT_TABLES.map((table) => {
      const name = EVENT_TABLE_NAMES[table];
      return [
        table,
        db.prepare<[number, number, number]>(
          `DELETE FROM ${name} WHERE id IN
             (SELECT id FROM ${name} WHERE profile_id = ? AND timestamp < ? LIMIT ?)`,
        ),
      ];
    }),
  ) as Record<EventTable, BetterSqlite3.Statement<[number, number, number]>>;

  // The hour is cut with % rather than /: bound JS numbers are REAL, so / would not floor; % works in integers.
  const foldIntoHours = db.prepare<{ profileId: number; fromMs: number; toMs: number; hourMs: number }>(
    `INSERT INTO usage_rollups (profile_id, start_ms, interval_ms, comm, active_seconds, processes_started,
       net_tx_bytes, net_rx_bytes, disk_read_bytes, disk_write_bytes, file_read_bytes, file_write_bytes, peak_rss_bytes)
     SELECT profile_id, start_ms - (start_ms % @hourMs), @hourMs, comm, SUM(active_seconds), SUM(processes_started),
       SUM(net_tx_bytes), SUM(net_rx_bytes), SUM(disk_read_bytes), SUM(disk_write_bytes), SUM(file_read_bytes),
       SUM(file_write_bytes), MAX(peak_rss_bytes)
     FROM usage_rollups
     WHERE profile_id = @profileId AND interval_ms < @hourMs AND start_ms >= @fromMs AND start_ms < @toMs
     GROUP BY 1, 2, 3, 4
     ON CONFLICT (profile_id, start_ms, interval_ms, comm) DO UPDATE SET ${ADD_EXCLUDED}`,
  );
  const deleteMinutes = db.prepare<{ profileId: number; fromMs: number; toMs: number; hourMs: number }>(
    `DELETE FROM usage_rollups
     WHERE profile_id = @profileId AND interval_ms < @hourMs AND start_ms >= @fromMs AND start_ms < @toMs`,
  );

  return {
    profileIds: db.prepare<[], { id: number }>('SELECT id FROM profiles ORDER BY id'),
    deleteEvents,
    deleteRollups: db.prepare<[number, number, number]>(
      `DELETE FROM usage_rollups WHERE (profile_id, start_ms, interval_ms, comm) IN
         (SELECT profile_id, start_ms, interval_ms, comm FROM usage_rollups
          WHERE profile_id = ? AND start_ms < ? LIMIT ?)`,
    ),
    deleteAlerts: db.prepare<[number, number, number]>(
      `DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE profile_id = ? AND last_time_ms < ? LIMIT ?)`,
    ),
    oldestMinuteRollup: db.prepare<[number, number], { startMs: number | null }>(
      `SELECT MIN(start_ms) AS startMs FROM usage_rollups
       WHERE profile_id = ? AND interval_ms < ${HOUR_MS} AND start_ms < ?`,
    ),
    compact: db.transaction((profileId: number, fromMs: number, toMs: number): number => {
      const params = { profileId, fromMs, toMs, hourMs: HOUR_MS };
      foldIntoHours.run(params);
      return deleteMinutes.run(params).changes;
    }),
  };
}
