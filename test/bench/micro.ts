// The userspace pipeline alone: synthetic ring-buffer records laid out as bpf/events.h (layouts.ts) → decodeRecord
// → pipeline.handleEvent → the store's batch writer → a real SQLite file. Three passes separate the costs: decoding
// only, decoding + pipeline (a writer that keeps nothing), and the whole path with SQLite flushes. Not included:
// libbpf's ring_buffer__consume and koffi's callback per record (the helper CPU % of the real run has those).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeRecord, systemClock } from '../../src/helper/bpf/decoders.js';
import {
  RecordKind,
  diskIoRecord,
  fsCloseRecord,
  fsOpenRecord,
  fsUnlinkRecord,
  netConnectRecord,
  processExecRecord,
  processExitRecord,
  recordHeader,
} from '../../src/helper/bpf/layouts.js';
import type { StructLayout } from '../../src/helper/bpf/struct-layout.js';
import { createPipeline, type UsageSink } from '../../src/helper/pipeline/index.js';
import { openStore } from '../../src/helper/store/index.js';

export interface MicroResult {
  records: number;
  mix: Record<string, number>;
  decodeRecordsPerSecond: number;
  pipelineRecordsPerSecond: number;
  storedRecordsPerSecond: number;
  rowsWritten: number;
  databaseBytes: number;
}

/** Relative frequency of each record kind, roughly what the stress-ng mix produces. */
const MIX: Array<[keyof typeof RecordKind, number]> = [
  ['FS_OPEN', 35],
  ['FS_CLOSE', 25],
  ['FS_UNLINK', 5],
  ['PROCESS_EXEC', 8],
  ['PROCESS_EXIT', 8],
  ['NET_CONNECT', 9],
  ['DISK_IO', 10],
];

const LAYOUT: Record<string, StructLayout> = {
  FS_OPEN: fsOpenRecord,
  FS_CLOSE: fsCloseRecord,
  FS_UNLINK: fsUnlinkRecord,
  PROCESS_EXEC: processExecRecord,
  PROCESS_EXIT: processExitRecord,
  NET_CONNECT: netConnectRecord,
  DISK_IO: diskIoRecord,
};

type FieldValue = number | bigint | string | Uint8Array;

/** Writes fields by name at their offsets (strings NUL-padded, u64 as bigint or number). */
function put(buffer: Buffer, layout: StructLayout, base: number, values: Record<string, FieldValue>): void {
  for (const field of layout.fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    const at = base + field.offset;
    if (typeof value === 'string' || value instanceof Uint8Array) {
      Buffer.from(value).copy(buffer, at, 0, field.size - (typeof value === 'string' ? 1 : 0));
    } else if (field.type === 'u64') buffer.writeBigUInt64LE(BigInt(value), at);
    else if (field.type === 'u32') buffer.writeUInt32LE(Number(value), at);
    else if (field.type === 's32') buffer.writeInt32LE(Number(value), at);
    else if (field.type === 'u16') buffer.writeUInt16LE(Number(value), at);
    else if (field.type === 'u8') buffer.writeUInt8(Number(value), at);
  }
}

const EXEC_ARGS = Buffer.from(['stress-ng', '--fork', '1', '--open', '1', ''].join('\0'));
const COMMS = ['stress-ng', 'firefox', 'minecraft', 'bash', 'code', 'node', 'python3', 'steam'];

function synthesize(kind: keyof typeof RecordKind, variant: number, profileId: number): Buffer {
  const layout = LAYOUT[kind]!;
  const buffer = Buffer.alloc(layout.size);
  const pid = 10_000 + (variant % 200);
  put(buffer, recordHeader, 0, {
    timestamp_ns: 0n,
    kind: RecordKind[kind],
    pid,
    tid: pid,
    uid: 1001,
    gid: 1001,
    profile_id: profileId,
    comm: COMMS[variant % COMMS.length]!,
  });
  const path = `/home/kid/.cache/app-${variant % 50}/file-${variant}.dat`;
  const fields: Record<string, Record<string, FieldValue>> = {
    FS_OPEN: { result: 3, flags: 0o102, filename: path },
    FS_CLOSE: { fd: 3, ino: 1_000_000 + variant },
    FS_UNLINK: { dirfd: -100, flags: 0, filename: path },
    PROCESS_EXEC: {
      ppid: 1000,
      flags: 0,
      exe_ino: 4242n,
      exe_size: 1_234_567n,
      exe_dev: (254 << 20) | 1,
      args_size: EXEC_ARGS.length,
      filename: '/usr/bin/stress-ng',
      args: EXEC_ARGS,
    },
    PROCESS_EXIT: { ppid: 1000, exit_code: 0, exit_signal: 0, lifetime_ns: 5_000_000n },
    NET_CONNECT: {
      family: 2,
      sport: 40_000 + variant,
      dport: 443,
      protocol: 6,
      result: 0,
      saddr: Uint8Array.of(127, 0, 0, 1),
      daddr: Uint8Array.of(93, 184, 216, variant % 250),
      connect_latency_ns: 150_000n,
    },
    DISK_IO: {
      dev_major: 254,
      dev_minor: 0,
      sector: BigInt(variant * 2048),
      sectors: 2048,
      op: 1,
      bytes: 1_048_576n,
      latency_ns: 400_000n,
      queue_latency_ns: 20_000n,
      error: 0,
      rwbs: 'WS',
    },
  };
  put(buffer, layout, 0, fields[kind]!);
  return buffer;
}

/** A fixed pseudo-random sequence of records following MIX. */
function recordSequence(count: number, profileId: number): Buffer[] {
  const total = MIX.reduce((n, [, w]) => n + w, 0);
  const pool = new Map<string, Buffer[]>();
  for (const [kind] of MIX) pool.set(kind, Array.from({ length: 64 }, (_, v) => synthesize(kind, v, profileId)));
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return Array.from({ length: count }, () => {
    let pick = random() * total;
    const [kind] = MIX.find(([, w]) => (pick -= w) < 0) ?? MIX[0]!;
    const variants = pool.get(kind)!;
    return variants[Math.floor(random() * variants.length)]!;
  });
}

const TIMESTAMP_OFFSET = recordHeader.offsetOf('timestamp_ns');

/** Runs `handle` over every record with fresh CLOCK_MONOTONIC timestamps; returns records per second. */
function timed(records: Buffer[], handle: (view: DataView) => void, onSecond: () => void = () => {}): number {
  const started = performance.now();
  let nextSecond = started + 1000;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if ((i & 255) === 0) {
      const now = performance.now();
      if (now >= nextSecond) {
        onSecond();
        nextSecond = now + 1000;
      }
    }
    record.writeBigUInt64LE(process.hrtime.bigint(), TIMESTAMP_OFFSET);
    handle(new DataView(record.buffer, record.byteOffset, record.length));
  }
  return (records.length * 1000) / (performance.now() - started);
}

const nullSink: UsageSink = {
  append() {},
  appendMemorySample() {},
  addUsage() {},
  addActiveTime() {},
  flushIfDue() {},
};

export function runMicroBenchmark(records: number): MicroResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dots-bench-micro-'));
  const store = openStore(path.join(dir, 'micro.db'));
  try {
    const profileId = store.profiles.create({ name: 'Micro' }).id;
    const sequence = recordSequence(records, profileId);
    const clock = systemClock();

    let checksum = 0;
    timed(sequence.slice(0, Math.min(records, 5000)), (view) => (checksum += decodeRecord(view, clock).pid)); // warm-up
    const decodeRecordsPerSecond = timed(sequence, (view) => (checksum += decodeRecord(view, clock).pid));

    const bare = createPipeline({ writer: nullSink });
    const pipelineRecordsPerSecond = timed(
      sequence,
      (view) => bare.handleEvent(decodeRecord(view, clock)),
      () => bare.tick(Date.now()),
    );

    const pipeline = createPipeline({ writer: store.writer });
    const started = performance.now();
    timed(
      sequence,
      (view) => pipeline.handleEvent(decodeRecord(view, clock)),
      () => pipeline.tick(Date.now()),
    );
    store.writer.flush();
    const storedRecordsPerSecond = (records * 1000) / (performance.now() - started);
    if (checksum === 0) throw new Error('decoder returned no pids');

    const mixTotal = MIX.reduce((n, [, w]) => n + w, 0);
    return {
      records,
      mix: Object.fromEntries(MIX.map(([kind, w]) => [kind.toLowerCase(), Math.round((w * 100) / mixTotal)])),
      decodeRecordsPerSecond,
      pipelineRecordsPerSecond,
      storedRecordsPerSecond,
      rowsWritten: store.writer.stats.rowsWritten,
      databaseBytes:
        statSync(path.join(dir, 'micro.db')).size +
        (statSync(path.join(dir, 'micro.db-wal'), { throwIfNoEntry: false })?.size ?? 0),
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
