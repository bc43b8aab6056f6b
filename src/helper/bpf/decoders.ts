// Ring-buffer records (bpf/events.h) → the shared event objects of src/shared/events.ts.
import type { DiskOperation, EventOrigin, KernelEvent, ProcessExecEvent } from '../../shared/events.js';
import { formatIpAddress } from './ip-address.js';
import {
  ExecFlag,
  RecordKind,
  diskIoRecord,
  fsCloseRecord,
  fsOpenRecord,
  fsUnlinkRecord,
  memLimitRecord,
  netConnectRecord,
  processExecRecord,
  processExitRecord,
  recordHeader,
} from './layouts.js';
import { readStruct, type StructLayout } from './struct-layout.js';

/** Converts the kernel's CLOCK_MONOTONIC nanoseconds to epoch milliseconds. */
export type MonotonicToEpochMs = (monotonicNs: number) => number;

export function systemClock(): MonotonicToEpochMs {
  // process.hrtime is CLOCK_MONOTONIC (libuv), the same clock as bpf_ktime_get_ns().
  const offsetMs = Date.now() - Number(process.hrtime.bigint()) / 1e6;
  return (ns) => Math.round(ns / 1e6 + offsetMs);
}

export class RecordDecodeError extends Error {
  override name = 'RecordDecodeError';
}

const LAYOUT_BY_KIND = new Map<number, StructLayout>([
  [RecordKind.PROCESS_EXEC, processExecRecord],
  [RecordKind.PROCESS_EXIT, processExitRecord],
  [RecordKind.FS_OPEN, fsOpenRecord],
  [RecordKind.FS_CLOSE, fsCloseRecord],
  [RecordKind.FS_UNLINK, fsUnlinkRecord],
  [RecordKind.NET_CONNECT, netConnectRecord],
  [RecordKind.MEM_LIMIT_KILL, memLimitRecord],
  [RecordKind.DISK_IO, diskIoRecord],
]);

const KIND_OFFSET = recordHeader.offsetOf('kind');

type Header = { timestamp_ns: number; pid: number; tid: number; uid: number; gid: number; profile_id: number; comm: string };
type Raw = Record<string, unknown> & { hdr: Header };

function origin(raw: Raw, toEpochMs: MonotonicToEpochMs): EventOrigin {
  const h = raw.hdr;
  return {
    timeMs: toEpochMs(h.timestamp_ns),
    pid: h.pid,
    tid: h.tid,
    uid: h.uid,
    gid: h.gid,
    profileId: h.profile_id,
    comm: h.comm,
  };
}

function splitArgs(bytes: Uint8Array, size: number): string[] {
  const used = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(size, bytes.length)).toString('utf8');
  const args = used.split('\0');
  if (args.at(-1) === '') args.pop();
  return args;
}

function execEnforcement(flags: number): ProcessExecEvent['enforcement'] {
  if (flags & ExecFlag.KILLED_DENIED) return 'killed_denied';
  if (flags & ExecFlag.KILLED_BLOCKED) return 'killed_blocked';
  if (flags & ExecFlag.HELD) return 'held';
  return 'none';
}

const DISK_OPERATIONS: DiskOperation[] = ['read', 'write', 'flush', 'discard', 'other'];

/** Decodes one ring-buffer record. `view` covers exactly the record the kernel submitted. */
export function decodeRecord(view: DataView, toEpochMs: MonotonicToEpochMs): KernelEvent {
  if (view.byteLength < recordHeader.size) {
    throw new RecordDecodeError(`record of ${view.byteLength} bytes is shorter than its header`);
  }
  const kind = view.getUint32(KIND_OFFSET, true);
  const layout = LAYOUT_BY_KIND.get(kind);
  if (!layout) throw new RecordDecodeError(`unknown record kind ${kind}`);
  if (view.byteLength < layout.size) {
    throw new RecordDecodeError(`${layout.cName} needs ${layout.size} bytes, got ${view.byteLength}`);
  }
  const raw = readStruct(view, layout) as Raw;
  const who = origin(raw, toEpochMs);
  const n = (field: string) => raw[field] as number;
  const s = (field: string) => raw[field] as string;

  switch (kind) {
    case RecordKind.PROCESS_EXEC:
      return {
        type: 'process_exec',
        ...who,
        ppid: n('ppid'),
        filename: s('filename'),
        args: splitArgs(raw.args as Uint8Array, n('args_size')),
        argsTruncated: (n('flags') & ExecFlag.ARGS_TRUNCATED) !== 0,
        exe: { dev: n('exe_dev'), ino: n('exe_ino'), sizeBytes: n('exe_size') },
        enforcement: execEnforcement(n('flags')),
      };
    case RecordKind.PROCESS_EXIT:
      return {
        type: 'process_exit',
        ...who,
        ppid: n('ppid'),
        exitCode: n('exit_code'),
        exitSignal: n('exit_signal'),
        lifetimeNs: n('lifetime_ns'),
      };
    case RecordKind.FS_OPEN:
      return { type: 'fs_open', ...who, filename: s('filename'), flags: n('flags'), result: n('result') };
    case RecordKind.FS_CLOSE:
      return { type: 'fs_close', ...who, fd: n('fd'), ino: n('ino') };
    case RecordKind.FS_UNLINK:
      return { type: 'fs_unlink', ...who, filename: s('filename'), dirfd: n('dirfd'), flags: n('flags') };
    case RecordKind.NET_CONNECT: {
      const ipv6 = n('family') === 10;
      return {
        type: 'net_connect',
        ...who,
        family: ipv6 ? 'ipv6' : 'ipv4',
        sourceAddress: formatIpAddress(raw.saddr as Uint8Array, ipv6),
        sourcePort: n('sport'),
        destinationAddress: formatIpAddress(raw.daddr as Uint8Array, ipv6),
        destinationPort: n('dport'),
        established: n('result') === 0,
        connectLatencyNs: n('connect_latency_ns'),
      };
    }
    case RecordKind.MEM_LIMIT_KILL:
      return { type: 'memory_limit_kill', ...who, rssBytes: n('rss_bytes'), limitBytes: n('limit_bytes') };
    case RecordKind.DISK_IO:
      return {
        type: 'disk_io',
        ...who,
        devMajor: n('dev_major'),
        devMinor: n('dev_minor'),
        sector: n('sector'),
        sectors: n('sectors'),
        operation: DISK_OPERATIONS[n('op')] ?? 'other',
        bytes: n('bytes'),
        latencyNs: n('latency_ns'),
        queueLatencyNs: n('queue_latency_ns'),
        error: n('error'),
        rwbs: s('rwbs'),
      };
    default:
      throw new RecordDecodeError(`no decoder for record kind ${kind}`);
  }
}
