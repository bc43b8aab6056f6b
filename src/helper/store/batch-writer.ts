// Buffers what the pipeline hands over and writes it in one transaction with prepared statements, every
// `flushIntervalMs` or once `maxPendingRows` rows wait. Appends are O(1) (an array push or a map update); the
// cost of SQLite is paid once per batch. Only watched profiles (id ≥ 1) are accepted.
import type BetterSqlite3 from 'better-sqlite3';
import type { MemorySample } from '../../shared/events.js';
import { StoreError, StoreWriteError } from './errors.js';
import { createEventInserts, type StoredKernelEvent } from './events.js';
import { MemoryIntervals, type MemoryIntervalRow } from './memory-intervals.js';
import { DEFAULT_ROLLUP_INTERVAL_MS, RollupAccumulator, type RollupBucket, type UsageDelta } from './rollup-buckets.js';
import { createRollupUpsert } from './rollups.js';
import { isWatchedProfileId } from './validate.js';

type Database = BetterSqlite3.Database;

export interface BatchWriterOptions {
  /** Write at least this often while anything is pending. Default 1000. */
  flushIntervalMs?: number;
  /** Write as soon as this many rows are pending. Default 5000. */
  maxPendingRows?: number;
  /** Length of a usage_rollups bucket. Default 60 000. */
  rollupIntervalMs?: number;
  /** At most one memory_events row per process per this interval. Default 60 000. */
  memoryIntervalMs?: number;
  /**
   * After a failed write the batch is kept for the next try while fewer than this many rows are pending; past it
   * the batch is dropped (and counted) so a full disk cannot exhaust the helper's memory. Default 20 × maxPendingRows.
   */
  maxRetainedRows?: number;
  /** A write started by an append (size trigger) that fails is reported here; explicit flushes throw instead. */
  onError?: (error: StoreWriteError) => void;
  now?: () => number;
}

export interface FlushResult {
  rowsWritten: number;
  /** Rows for profiles that no longer exist (deleted while their events were in flight). */
  rowsDropped: number;
}

export interface BatchWriterStats {
  flushes: number;
  rowsWritten: number;
  pendingRows: number;
  ignoredUnwatched: number;
  droppedUnknownProfile: number;
  failedFlushes: number;
  droppedAfterFailure: number;
}

export class BatchWriter {
  private pendingEvents: StoredKernelEvent[] = [];
  private readonly memory: MemoryIntervals;
  private readonly rollups: RollupAccumulator;
  private readonly inserts: ReturnType<typeof createEventInserts>;
  private readonly upsertRollup: (bucket: RollupBucket) => void;
  private readonly flushIntervalMs: number;
  private readonly maxPendingRows: number;
  private readonly maxRetainedRows: number;
  private readonly now: () => number;
  private readonly onError: (error: StoreWriteError) => void;
  private lastFlushMs: number;
  /** After a failure, size-triggered writes wait for the next interval instead of retrying on every append. */
  private retryNotBeforeMs = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly counters = {
    flushes: 0,
    rowsWritten: 0,
    ignoredUnwatched: 0,
    droppedUnknownProfile: 0,
    failedFlushes: 0,
    droppedAfterFailure: 0,
  };

  constructor(
    private readonly db: Database,
    private readonly knownProfileIds: () => ReadonlySet<number>,
    readonly label: string,
    options: BatchWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxPendingRows = options.maxPendingRows ?? 5000;
    this.maxRetainedRows = options.maxRetainedRows ?? 20 * this.maxPendingRows;
    this.now = options.now ?? Date.now;
    this.onError =
      options.onError ??
      ((error) => {
        throw error;
      });
    this.memory = new MemoryIntervals(options.memoryIntervalMs ?? 60_000);
    this.rollups = new RollupAccumulator(options.rollupIntervalMs ?? DEFAULT_ROLLUP_INTERVAL_MS);
    this.inserts = createEventInserts(db);
    this.upsertRollup = createRollupUpsert(db);
    this.lastFlushMs = this.now();
  }

  get rollupIntervalMs(): number {
    return this.rollups.intervalMs;
  }

  get pendingRows(): number {
    return this.pendingEvents.length + this.memory.readyCount + this.rollups.size;
  }

  get stats(): BatchWriterStats {
    return { ...this.counters, pendingRows: this.pendingRows };
  }

  /** Process, file, network and disk events, stored one row each. */
  append(event: StoredKernelEvent): void {
    if (!this.accept(event.profileId)) return;
    this.pendingEvents.push(event);
    this.flushIfFull();
  }

  /** Folded into at most one memory_events row per process per memory interval. */
  appendMemorySample(sample: MemorySample): void {
    if (!this.accept(sample.profileId)) return;
    this.memory.add(sample);
    this.flushIfFull();
  }

  /** Adds to the usage bucket holding `timeMs` for (profile, comm); comm '' is the whole profile. */
  addUsage(profileId: number, comm: string, timeMs: number, delta: UsageDelta): void {
    if (!this.accept(profileId)) return;
    this.rollups.add(profileId, comm, timeMs, delta);
    this.flushIfFull();
  }

  /** Credits [fromMs, toMs) as active time of (profile, comm), split across the buckets it spans. */
  addActiveTime(profileId: number, comm: string, fromMs: number, toMs: number): void {
    if (!this.accept(profileId) || !(toMs > fromMs)) return;
    this.rollups.addActiveTime(profileId, comm, fromMs, toMs);
    this.flushIfFull();
  }

  /** Writes when the interval has passed or enough rows wait; call it from the pipeline's tick. */
  flushIfDue(nowMs: number): FlushResult | null {
    this.memory.closeEnded(nowMs);
    const due = nowMs - this.lastFlushMs >= this.flushIntervalMs || this.pendingRows >= this.maxPendingRows;
    return due ? this.flush(nowMs) : null;
  }

  /**
   * Writes everything pending except memory intervals still open at `nowMs` (writing those now could give a
   * process two rows in one interval). Throws StoreWriteError on failure, keeping the batch for the next try.
   */
  flush(nowMs: number = this.now()): FlushResult {
    this.assertOpen();
    this.memory.closeEnded(nowMs);
    this.lastFlushMs = nowMs;
    return this.write(nowMs);
  }

  /** Writes everything, open memory intervals included, and refuses further appends. For shutdown. */
  close(): FlushResult {
    if (this.closed) return { rowsWritten: 0, rowsDropped: 0 };
    this.memory.closeAll();
    const result = this.flush();
    this.closed = true;
    return result;
  }

  private accept(profileId: number): boolean {
    this.assertOpen();
    if (isWatchedProfileId(profileId)) return true;
    this.counters.ignoredUnwatched++;
    return false;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError(`the batch writer of ${this.label} is closed; nothing more can be written`);
  }

  private flushIfFull(): void {
    if (this.pendingRows < this.maxPendingRows) return;
    const nowMs = this.now();
    if (nowMs < this.retryNotBeforeMs) return;
    try {
      this.flush(nowMs);
    } catch (error) {
      this.onError(error instanceof StoreWriteError ? error : new StoreWriteError(String(error), { cause: error }));
    }
  }

  private write(nowMs: number): FlushResult {
    const events = this.pendingEvents;
    const memoryRows = this.memory.takeReady();
    const buckets = this.rollups.take();
    const rows = events.length + memoryRows.length + buckets.length;
    if (rows === 0) return { rowsWritten: 0, rowsDropped: 0 };
    this.pendingEvents = [];

    try {
      const result = this.writeTransaction(events, memoryRows, buckets);
      this.counters.flushes++;
      this.counters.rowsWritten += result.rowsWritten;
      this.counters.droppedUnknownProfile += result.rowsDropped;
      this.retryNotBeforeMs = Number.NEGATIVE_INFINITY;
      return result;
    } catch (error) {
      this.counters.failedFlushes++;
      this.retryNotBeforeMs = nowMs + this.flushIntervalMs;
      const keep = this.pendingRows + rows <= this.maxRetainedRows;
      if (keep) {
        this.pendingEvents = events.concat(this.pendingEvents);
        this.memory.restore(memoryRows);
        this.rollups.restore(buckets);
      } else {
        this.counters.droppedAfterFailure += rows;
      }
      throw new StoreWriteError(
        `writing ${rows} rows to ${this.label} failed: ${String(error)}; ` +
          (keep
            ? 'they are kept and retried at the next flush'
            : `dropped them to bound memory — check free disk space and the file's permissions`),
        { cause: error },
      );
    }
  }

  private writeTransaction(
    events: StoredKernelEvent[],
    memoryRows: MemoryIntervalRow[],
    buckets: RollupBucket[],
  ): FlushResult {
    // Profiles deleted while their events were in flight would fail the foreign key and with it the whole batch.
    const known = this.knownProfileIds();
    let rowsWritten = 0;
    let rowsDropped = 0;
    this.db.transaction(() => {
      for (const event of events) {
        if (known.has(event.profileId)) {
          this.inserts.insertEvent(event);
          rowsWritten++;
        } else rowsDropped++;
      }
      for (const row of memoryRows) {
        if (known.has(row.profileId)) {
          this.inserts.insertMemoryRow(row);
          rowsWritten++;
        } else rowsDropped++;
      }
      for (const bucket of buckets) {
        if (known.has(bucket.profileId)) {
          this.upsertRollup(bucket);
          rowsWritten++;
        } else rowsDropped++;
      }
    })();
    return { rowsWritten, rowsDropped };
  }
}
