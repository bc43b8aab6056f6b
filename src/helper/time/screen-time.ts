// Screen time and per-application time from stored per-application rollups. One definition for budgets (today, as it
// is counted) and reports (any day, later): see countsAsScreenTime in src/shared/time-rules.ts for what counts and why
// the union of process lifetimes is taken per usage bucket. Pure.
import type { UsageRollup } from '../../shared/model.js';
import { appMatchesComm, countsAsScreenTime } from '../../shared/time-rules.js';

export interface UsageTally {
  screenTimeSeconds: number;
  /** Active seconds per comm: the union of that application's process lifetimes (the pipeline's ActiveTime). */
  secondsByComm: Map<string, number>;
}

export function emptyTally(): UsageTally {
  return { screenTimeSeconds: 0, secondsByComm: new Map() };
}

/**
 * Adds per-application rollup rows (comm set; whole-profile rows are skipped) into `tally`. Rows of one bucket must
 * all be in the same call: the bucket's screen time is capped at its length.
 */
export function tallyRollups(rows: readonly UsageRollup[], tally: UsageTally = emptyTally()): UsageTally {
  const countedByBucket = new Map<string, { seconds: number; capSeconds: number }>();
  for (const row of rows) {
    if (row.comm === null) continue;
    tally.secondsByComm.set(row.comm, (tally.secondsByComm.get(row.comm) ?? 0) + row.activeSeconds);
    if (!countsAsScreenTime(row.comm)) continue;
    const key = `${row.startMs}:${row.intervalMs}`;
    const bucket = countedByBucket.get(key) ?? { seconds: 0, capSeconds: row.intervalMs / 1000 };
    bucket.seconds += row.activeSeconds;
    countedByBucket.set(key, bucket);
  }
  for (const { seconds, capSeconds } of countedByBucket.values()) {
    tally.screenTimeSeconds += Math.min(seconds, capSeconds);
  }
  return tally;
}

export function mergeTallies(a: UsageTally, b: UsageTally): UsageTally {
  const secondsByComm = new Map(a.secondsByComm);
  for (const [comm, seconds] of b.secondsByComm) secondsByComm.set(comm, (secondsByComm.get(comm) ?? 0) + seconds);
  return { screenTimeSeconds: a.screenTimeSeconds + b.screenTimeSeconds, secondsByComm };
}

/** An app's time: every comm it matches (one, unless the parent named it by a path and by a name). */
export function appSeconds(tally: UsageTally, app: string): number {
  let total = 0;
  for (const [comm, seconds] of tally.secondsByComm) if (appMatchesComm(app, comm)) total += seconds;
  return total;
}
