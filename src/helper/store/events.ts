// Raw event rows: how each kind of kernel event is written, and how a profile's events are read back (the row
// shapes are src/shared/event-rows.ts, which clients share).
export { EVENT_TABLES };
export type { DiskIoEventRow, EventRowByTable, EventTable, FileEventRow, MemoryEventRow, NetworkEventRow, ProcessEventRow };
import type BetterSqlite3 from 'better-sqlite3';
import type {
  DiskIoEvent,
  FsCloseEvent,
  FsOpenEvent,
  FsUnlinkEvent,
  KernelEvent,
  MemoryLimitKillEvent,
  MonitorEvent,
  NetConnectEvent,
  ProcessExecEvent,
  ProcessExitEvent,
} from '../../shared/events.js';
import type {
  DiskIoEventRow,
  EventRowByTable,
  EventTable,
  FileEventRow,
  MemoryEventRow,
  NetworkEventRow,
  ProcessEventRow,
} from '../../shared/event-rows.js';
import { EVENT_TABLES } from '../../shared/event-rows.js';
import type { MemoryIntervalRow } from './memory-intervals.js';
import { assertLimit, assertProfileId, assertTimeRange } from './validate.js';
import { InvalidArgumentError } from './errors.js';

type Database = BetterSqlite3.Database;

/** Kernel events kept as rows. A memory-limit kill is not: the policy layer turns it into an alert. */
export type StoredKernelEvent = Exclude<KernelEvent, MemoryLimitKillEvent>;

const STORED_TYPES: ReadonlySet<MonitorEvent['type']> = new Set<StoredKernelEvent['type']>([
  'process_exec',
  'process_exit',
  'fs_open',
  'fs_close',
  'fs_unlink',
  'net_connect',
  'disk_io',
]);

export function isStoredKernelEvent(event: MonitorEvent): event is StoredKernelEvent {
  return STORED_TYPES.has(event.type);
}

/** SQL table of each kind; only these constants are ever placed in SQL text. */
export const EVENT_TABLE_NAMES: Readonly<Record<EventTable, string>> = Object.freeze({
  process: 'process_events',
  file: 'file_events',
  network: 'network_events',
  memory: 'memory_events',
  disk_io: 'disk_io_events',
});


export interface EventQuery<T extends EventTable> {
  profileId: number;
  table: T;
  /** Inclusive. */
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  /** Default 1000, at most MAX_EVENT_QUERY_LIMIT. */
  limit?: number;
}

export const MAX_EVENT_QUERY_LIMIT = 10_000;

export interface EventQueries {
  /** Newest first. */
  list<T extends EventTable>(query: EventQuery<T>): EventRowByTable[T][];
  count(table: EventTable, profileId: number): number;
}

const COMMON_COLUMNS = 'id, profile_id AS profileId, timestamp AS timeMs, pid, uid, comm';
const SELECT_COLUMNS: Readonly<Record<EventTable, string>> = {
  process: `${COMMON_COLUMNS}, kind, ppid, filename, args_json AS args, args_truncated AS argsTruncated,
    enforcement, exit_code AS exitCode, exit_signal AS exitSignal, lifetime_ns AS lifetimeNs`,
  file: `${COMMON_COLUMNS}, kind, filename, flags, result, fd, ino, dirfd`,
  network: `${COMMON_COLUMNS}, family, source_address AS sourceAddress, source_port AS sourcePort,
    destination_address AS destinationAddress, destination_port AS destinationPort, established,
    connect_latency_ns AS connectLatencyNs`,
  memory: `${COMMON_COLUMNS}, rss_bytes AS rssBytes, vms_bytes AS vmsBytes, shared_bytes AS sharedBytes,
    swap_bytes AS swapBytes, peak_rss_bytes AS peakRssBytes, kmalloc_bytes AS kmallocBytes,
    kfree_bytes AS kfreeBytes, page_alloc_bytes AS pageAllocBytes, page_free_bytes AS pageFreeBytes`,
  disk_io: `${COMMON_COLUMNS}, dev_major AS devMajor, dev_minor AS devMinor, operation, sector, sectors, bytes,
    latency_ns AS latencyNs, queue_latency_ns AS queueLatencyNs, error`,
};

/** Fixes the columns SQLite cannot type: JSON text and 0/1 booleans. */
const FIX_ROW: Partial<Record<EventTable, (row: Record<string, unknown>) => void>> = {
  process(row) {
    row.args = typeof row.args === 'string' ? (JSON.parse(row.args) as string[]) : null;
    row.argsTruncated = row.argsTruncated === null ? null : row.argsTruncated === 1;
  },
  network(row) {
    row.established = row.established === 1;
  },
};

export function createEventQueries(db: Database): EventQueries {
  const listStatements = new Map<EventTable, BetterSqlite3.Statement<[number, number, number, number]>>();
  const countStatements = new Map<EventTable, BetterSqlite3.Statement<[number], { n: number }>>();
  for (const table of EVENT_TABLES) {
    const name = EVENT_TABLE_NAMES[table];
    listStatements.set(
      table,
      db.prepare(
        `SELECT ${SELECT_COLUMNS[table]} FROM ${name}
         WHERE profile_id = ? AND timestamp >= ? AND timestamp < ? ORDER BY timestamp DESC, id DESC LIMIT ?`,
      ),
    );
    countStatements.set(table, db.prepare(`SELECT COUNT(*) AS n FROM ${name} WHERE profile_id = ?`));
  }
  const tableStatement = <S>(statements: Map<EventTable, S>, table: EventTable): S => {
    const statement = statements.get(table);
    if (!statement) {
      throw new InvalidArgumentError(`unknown event table '${String(table)}'; use ${EVENT_TABLES.join(', ')}`);
    }
    return statement;
  };

  return {
    list<T extends EventTable>({ profileId, table, fromMs, toMs, limit = 1000 }: EventQuery<T>) {
      assertProfileId(profileId);
      assertTimeRange(fromMs, toMs);
      assertLimit(limit, MAX_EVENT_QUERY_LIMIT);
      const statement = tableStatement(listStatements, table);
      const rows = statement.all(profileId, fromMs, toMs, limit) as Record<string, unknown>[];
      const fix = FIX_ROW[table];
      if (fix) rows.forEach(fix);
      return rows as unknown as EventRowByTable[T][];
    },
    count: (table, profileId) => tableStatement(countStatements, table).get(profileId)?.n ?? 0,
  };
}

/** Prepared inserts the batch writer runs inside its transaction. */
export interface EventInserts {
  insertEvent(event: StoredKernelEvent): void;
  insertMemoryRow(row: MemoryIntervalRow): void;
}

export function createEventInserts(db: Database): EventInserts {
  const exec = db.prepare(
    `INSERT INTO process_events (profile_id, timestamp, kind, pid, ppid, uid, comm, filename, args_json,
       args_truncated, enforcement) VALUES (?, ?, 'exec', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const exit = db.prepare(
    `INSERT INTO process_events (profile_id, timestamp, kind, pid, ppid, uid, comm, exit_code, exit_signal,
       lifetime_ns) VALUES (?, ?, 'exit', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const open = db.prepare(
    `INSERT INTO file_events (profile_id, timestamp, kind, pid, uid, comm, filename, flags, result)
     VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
  );
  const close = db.prepare(
    `INSERT INTO file_events (profile_id, timestamp, kind, pid, uid, comm, fd, ino)
     VALUES (?, ?, 'close', ?, ?, ?, ?, ?)`,
  );
  const unlink = db.prepare(
    `INSERT INTO file_events (profile_id, timestamp, kind, pid, uid, comm, filename, dirfd, flags)
     VALUES (?, ?, 'unlink', ?, ?, ?, ?, ?, ?)`,
  );
  const connect = db.prepare(
    `INSERT INTO network_events (profile_id, timestamp, pid, uid, comm, family, source_address, source_port,
       destination_address, destination_port, established, connect_latency_ns)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const disk = db.prepare(
    `INSERT INTO disk_io_events (profile_id, timestamp, pid, uid, comm, dev_major, dev_minor, operation, sector,
       sectors, bytes, latency_ns, queue_latency_ns, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const memory = db.prepare(
    `INSERT INTO memory_events (profile_id, timestamp, pid, uid, comm, rss_bytes, vms_bytes, shared_bytes,
       swap_bytes, peak_rss_bytes, kmalloc_bytes, kfree_bytes, page_alloc_bytes, page_free_bytes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const writers: { [K in StoredKernelEvent['type']]: (event: Extract<StoredKernelEvent, { type: K }>) => void } = {
    process_exec: (e: ProcessExecEvent) =>
      exec.run(e.profileId, e.timeMs, e.pid, e.ppid, e.uid, e.comm, e.filename, JSON.stringify(e.args),
        e.argsTruncated ? 1 : 0, e.enforcement),
    process_exit: (e: ProcessExitEvent) =>
      exit.run(e.profileId, e.timeMs, e.pid, e.ppid, e.uid, e.comm, e.exitCode, e.exitSignal, e.lifetimeNs),
    fs_open: (e: FsOpenEvent) => open.run(e.profileId, e.timeMs, e.pid, e.uid, e.comm, e.filename, e.flags, e.result),
    fs_close: (e: FsCloseEvent) => close.run(e.profileId, e.timeMs, e.pid, e.uid, e.comm, e.fd, e.ino),
    fs_unlink: (e: FsUnlinkEvent) =>
      unlink.run(e.profileId, e.timeMs, e.pid, e.uid, e.comm, e.filename, e.dirfd, e.flags),
    net_connect: (e: NetConnectEvent) =>
      connect.run(e.profileId, e.timeMs, e.pid, e.uid, e.comm, e.family, e.sourceAddress, e.sourcePort,
        e.destinationAddress, e.destinationPort, e.established ? 1 : 0, e.connectLatencyNs),
    disk_io: (e: DiskIoEvent) =>
      disk.run(e.profileId, e.timeMs, e.pid, e.uid, e.comm, e.devMajor, e.devMinor, e.operation, e.sector,
        e.sectors, e.bytes, e.latencyNs, e.queueLatencyNs, e.error),
  };

  return {
    insertEvent(event) {
      (writers[event.type] as (e: StoredKernelEvent) => void)(event);
    },
    insertMemoryRow: (r) =>
      memory.run(r.profileId, r.timeMs, r.pid, r.uid, r.comm, r.rssBytes, r.vmsBytes, r.sharedBytes, r.swapBytes,
        r.peakRssBytes, r.kmallocBytes, r.kfreeBytes, r.pageAllocBytes, r.pageFreeBytes),
  };
}
