// Builders for decoded monitor events and a temp-dir store, shared by the store and pipeline tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  DiskIoEvent,
  FsIoSample,
  FsOpenEvent,
  MemoryLimitKillEvent,
  MemorySample,
  NetConnectEvent,
  NetIoSample,
  ProcessExecEvent,
  ProcessExitEvent,
} from '../../../src/shared/events.js';

export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // a Monday, on a whole hour

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dots-store-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const origin = (o: { profileId?: number; pid?: number; comm?: string; timeMs?: number; uid?: number }) => ({
  timeMs: o.timeMs ?? T0,
  pid: o.pid ?? 100,
  tid: o.pid ?? 100,
  uid: o.uid ?? 1001,
  gid: o.uid ?? 1001,
  profileId: o.profileId ?? 1,
  comm: o.comm ?? 'firefox',
});

type Origin = Parameters<typeof origin>[0];

export const exec = (o: Origin & Partial<ProcessExecEvent> = {}): ProcessExecEvent => ({
  ...origin(o),
  type: 'process_exec',
  ppid: 1,
  filename: `/usr/bin/${o.comm ?? 'firefox'}`,
  args: [o.comm ?? 'firefox', '--new-window'],
  argsTruncated: false,
  exe: { dev: 2049, ino: 1234, sizeBytes: 1_000_000 },
  enforcement: o.enforcement ?? 'none',
});

export const exit = (o: Origin & { lifetimeNs?: number } = {}): ProcessExitEvent => ({
  ...origin(o),
  type: 'process_exit',
  ppid: 1,
  exitCode: 0,
  exitSignal: 0,
  lifetimeNs: o.lifetimeNs ?? 1e9,
});

export const fsOpen = (o: Origin = {}): FsOpenEvent => ({
  ...origin(o),
  type: 'fs_open',
  filename: '/home/kid/notes.txt',
  flags: 0,
  result: 5,
});

export const memoryKill = (o: Origin & { rssBytes: number; limitBytes: number }): MemoryLimitKillEvent => ({
  ...origin(o),
  type: 'memory_limit_kill',
  rssBytes: o.rssBytes,
  limitBytes: o.limitBytes,
});

export const connect = (o: Origin = {}): NetConnectEvent => ({
  ...origin(o),
  type: 'net_connect',
  family: 'ipv4',
  sourceAddress: '192.168.1.20',
  sourcePort: 40000,
  destinationAddress: '93.184.216.34',
  destinationPort: 443,
  established: true,
  connectLatencyNs: 20e6,
});

export const diskIo = (o: Origin & Partial<Pick<DiskIoEvent, 'operation' | 'bytes' | 'latencyNs'>> = {}): DiskIoEvent => ({
  ...origin(o),
  type: 'disk_io',
  devMajor: 259,
  devMinor: 0,
  sector: 2048,
  sectors: (o.bytes ?? 4096) / 512,
  operation: o.operation ?? 'read',
  bytes: o.bytes ?? 4096,
  latencyNs: o.latencyNs ?? 1e6,
  queueLatencyNs: 5e4,
  error: 0,
  rwbs: 'R',
});

export const netIo = (o: Origin & { txBytes?: number; rxBytes?: number; final?: boolean } = {}): NetIoSample => ({
  ...sampleOrigin(o),
  type: 'net_io',
  txBytes: o.txBytes ?? 0,
  rxBytes: o.rxBytes ?? 0,
  txCalls: 1,
  rxCalls: 1,
});

type FsIoOptions = Origin & { readBytes?: number; writeBytes?: number; opens?: number; final?: boolean };
export const fsIo = (o: FsIoOptions = {}): FsIoSample => ({
  ...sampleOrigin(o),
  type: 'fs_io',
  readBytes: o.readBytes ?? 0,
  writeBytes: o.writeBytes ?? 0,
  reads: 1,
  writes: 1,
  opens: o.opens ?? 0,
});

export const memory = (
  o: Origin & Partial<Pick<MemorySample, 'rssBytes' | 'peakRssBytes' | 'kmallocBytes' | 'final'>> = {},
): MemorySample => ({
  ...sampleOrigin(o),
  type: 'memory',
  kmallocBytes: o.kmallocBytes ?? 1024,
  kmallocCount: 4,
  kfreeBytes: 512,
  kfreeCount: 2,
  pageAllocBytes: 8192,
  pageFreeBytes: 4096,
  rssBytes: o.rssBytes ?? 100_000_000,
  vmsBytes: 400_000_000,
  sharedBytes: 20_000_000,
  swapBytes: 0,
  peakRssBytes: o.peakRssBytes ?? o.rssBytes ?? 100_000_000,
});

function sampleOrigin(o: Origin & { final?: boolean }) {
  const { tid: _tid, gid: _gid, ...rest } = origin(o);
  return { ...rest, final: o.final ?? false };
}
