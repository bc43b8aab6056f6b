// Wire schemas of stored event rows (src/shared/event-rows.ts), for events.query.
import { z } from 'zod';
import { EVENT_TABLES, type EventRowByTable, type EventTable } from '../event-rows.js';

const num = z.number();
const nullableNum = num.nullable();
const base = { id: num, profileId: num, timeMs: num, pid: num, uid: num, comm: z.string() };

export const EventTableSchema = z.enum(EVENT_TABLES as [EventTable, ...EventTable[]]);

export const EVENT_ROW_SCHEMAS = {
  process: z.object({
    ...base,
    kind: z.enum(['exec', 'exit']),
    ppid: num,
    filename: z.string().nullable(),
    args: z.array(z.string()).nullable(),
    argsTruncated: z.boolean().nullable(),
    enforcement: z.enum(['none', 'killed_blocked', 'killed_denied', 'held']).nullable(),
    exitCode: nullableNum,
    exitSignal: nullableNum,
    lifetimeNs: nullableNum,
  }),
  file: z.object({
    ...base,
    kind: z.enum(['open', 'close', 'unlink']),
    filename: z.string().nullable(),
    flags: nullableNum,
    result: nullableNum,
    fd: nullableNum,
    ino: nullableNum,
    dirfd: nullableNum,
  }),
  network: z.object({
    ...base,
    family: z.enum(['ipv4', 'ipv6']),
    sourceAddress: z.string(),
    sourcePort: num,
    destinationAddress: z.string(),
    destinationPort: num,
    established: z.boolean(),
    connectLatencyNs: num,
  }),
  memory: z.object({
    ...base,
    rssBytes: num,
    vmsBytes: num,
    sharedBytes: num,
    swapBytes: num,
    peakRssBytes: num,
    kmallocBytes: num,
    kfreeBytes: num,
    pageAllocBytes: num,
    pageFreeBytes: num,
  }),
  disk_io: z.object({
    ...base,
    devMajor: num,
    devMinor: num,
    operation: z.enum(['read', 'write', 'flush', 'discard', 'other']),
    sector: num,
    sectors: num,
    bytes: num,
    latencyNs: num,
    queueLatencyNs: num,
    error: num,
  }),
} as const;

export const EventRowSchema = z.union([
  EVENT_ROW_SCHEMAS.process,
  EVENT_ROW_SCHEMAS.file,
  EVENT_ROW_SCHEMAS.network,
  EVENT_ROW_SCHEMAS.memory,
  EVENT_ROW_SCHEMAS.disk_io,
]);

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type RowOf<K extends EventTable> = z.output<(typeof EVENT_ROW_SCHEMAS)[K]>;
export type _EventRowSchemasMatchInterfaces = [
  Assert<Equals<RowOf<'process'>, EventRowByTable['process']>>,
  Assert<Equals<RowOf<'file'>, EventRowByTable['file']>>,
  Assert<Equals<RowOf<'network'>, EventRowByTable['network']>>,
  Assert<Equals<RowOf<'memory'>, EventRowByTable['memory']>>,
  Assert<Equals<RowOf<'disk_io'>, EventRowByTable['disk_io']>>,
];
