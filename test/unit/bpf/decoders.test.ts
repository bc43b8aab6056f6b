// Synthetic records built at the layout offsets; the same decoders read real kernel records in
// test/integration/monitors.test.ts.
import { describe, expect, it } from 'vitest';
import { RecordDecodeError, decodeRecord } from '../../../src/helper/bpf/decoders.js';
import {
  ExecFlag,
  RecordKind,
  diskIoRecord,
  netConnectRecord,
  processExecRecord,
  recordHeader,
} from '../../../src/helper/bpf/layouts.js';
import type { StructLayout } from '../../../src/helper/bpf/struct-layout.js';

const toEpochMs = (ns: number) => 1_700_000_000_000 + ns / 1e6;

function record(layout: StructLayout, kind: number, fill: (b: Buffer, at: (field: string) => number) => void) {
  const b = Buffer.alloc(layout.size);
  const hdr = (f: string) => recordHeader.offsetOf(f);
  b.writeBigUInt64LE(5_000_000n, hdr('timestamp_ns'));
  b.writeUInt32LE(kind, hdr('kind'));
  b.writeUInt32LE(4242, hdr('pid'));
  b.writeUInt32LE(4243, hdr('tid'));
  b.writeUInt32LE(1001, hdr('uid'));
  b.writeUInt32LE(1002, hdr('gid'));
  b.writeUInt32LE(3, hdr('profile_id'));
  b.write('game\0', hdr('comm'));
  fill(b, (f) => layout.offsetOf(f));
  return new DataView(b.buffer, b.byteOffset, b.length);
}

describe('decodeRecord', () => {
  it('decodes an exec record with its arguments and enforcement flag', () => {
    const view = record(processExecRecord, RecordKind.PROCESS_EXEC, (b, at) => {
      b.writeUInt32LE(77, at('ppid'));
      b.writeUInt32LE(ExecFlag.KILLED_BLOCKED, at('flags'));
      b.writeBigUInt64LE(123456n, at('exe_ino'));
      b.writeBigUInt64LE(9000n, at('exe_size'));
      b.writeUInt32LE((254 << 20) | 1, at('exe_dev'));
      const args = Buffer.from('game\0--level\0 3\0');
      args.copy(b, at('args'));
      b.writeUInt32LE(args.length, at('args_size'));
      b.write('/usr/games/game\0', at('filename'));
    });
    expect(decodeRecord(view, toEpochMs)).toEqual({
      type: 'process_exec',
      timeMs: 1_700_000_000_005,
      pid: 4242,
      tid: 4243,
      uid: 1001,
      gid: 1002,
      profileId: 3,
      comm: 'game',
      ppid: 77,
      filename: '/usr/games/game',
      args: ['game', '--level', ' 3'],
      argsTruncated: false,
      exe: { dev: (254 << 20) | 1, ino: 123456, sizeBytes: 9000 },
      enforcement: 'killed_blocked',
    });
  });

  it('decodes an IPv6 connect', () => {
    const view = record(netConnectRecord, RecordKind.NET_CONNECT, (b, at) => {
      b.writeUInt16LE(10, at('family'));
      b.writeUInt16LE(50000, at('sport'));
      b.writeUInt16LE(443, at('dport'));
      b.writeInt32LE(-1, at('result'));
      b[at('saddr') + 15] = 1;
      b[at('daddr') + 15] = 1;
    });
    expect(decodeRecord(view, toEpochMs)).toMatchObject({
      type: 'net_connect',
      family: 'ipv6',
      sourceAddress: '::1',
      sourcePort: 50000,
      destinationPort: 443,
      established: false,
    });
  });

  it('maps the disk operation code to a name', () => {
    const view = record(diskIoRecord, RecordKind.DISK_IO, (b, at) => {
      b.writeUInt32LE(1, at('op'));
      b.writeBigUInt64LE(1048576n, at('bytes'));
      b.write('WS\0', at('rwbs'));
    });
    expect(decodeRecord(view, toEpochMs)).toMatchObject({ type: 'disk_io', operation: 'write', bytes: 1048576, rwbs: 'WS' });
  });

  it('rejects short, unknown and truncated records with a reason', () => {
    expect(() => decodeRecord(new DataView(new ArrayBuffer(8)), toEpochMs)).toThrow(RecordDecodeError);
    const unknown = record(recordHeader, 99, () => {});
    expect(() => decodeRecord(unknown, toEpochMs)).toThrow(/unknown record kind 99/);
    const truncated = record(recordHeader, RecordKind.DISK_IO, () => {});
    expect(() => decodeRecord(truncated, toEpochMs)).toThrow(/disk_io_record needs/);
  });
});
