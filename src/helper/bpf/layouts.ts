// The TypeScript mirror of bpf/events.h. Checked against the objects' BTF by test/integration/bpf-layout.test.ts.
import { defineStruct } from './struct-layout.js';

export const COMM_LEN = 16;
export const PATH_LEN = 256;
export const ARGS_LEN = 512;
export const MAX_UID = 65536;

export const RecordKind = {
  PROCESS_EXEC: 1,
  PROCESS_EXIT: 2,
  FS_OPEN: 10,
  FS_CLOSE: 11,
  FS_UNLINK: 12,
  NET_CONNECT: 20,
  MEM_LIMIT_KILL: 30,
  DISK_IO: 40,
} as const;

export const MonitorStat = {
  RECORDS_SUBMITTED: 0,
  RECORDS_DROPPED: 1,
  AGGREGATE_FULL: 2,
  PENDING_FULL: 3,
  ENFORCEMENT_KILLS: 4,
  EXEC_HELD: 5,
  SLOTS: 8,
} as const;

export const AccountFlag = { WATCHED: 1, EXEC_DENIED: 2, COUNT_ALLOCATIONS: 4 } as const;
export const ExecFlag = { ARGS_TRUNCATED: 1, KILLED_BLOCKED: 2, KILLED_DENIED: 4, HELD: 8 } as const;

export const watchedAccount = defineStruct('watched_account', [
  ['profile_id', 'u32'],
  ['flags', 'u32'],
  ['max_process_memory_bytes', 'u64'],
]);

export const recordHeader = defineStruct('record_header', [
  ['timestamp_ns', 'u64'],
  ['kind', 'u32'],
  ['pid', 'u32'],
  ['tid', 'u32'],
  ['uid', 'u32'],
  ['gid', 'u32'],
  ['profile_id', 'u32'],
  ['comm', { chars: COMM_LEN }],
]);

export const processExecRecord = defineStruct('process_exec_record', [
  ['hdr', recordHeader],
  ['ppid', 'u32'],
  ['flags', 'u32'],
  ['exe_ino', 'u64'],
  ['exe_size', 'u64'],
  ['exe_dev', 'u32'],
  ['args_size', 'u32'],
  ['filename', { chars: PATH_LEN }],
  ['args', { bytes: ARGS_LEN }],
]);

export const processExitRecord = defineStruct('process_exit_record', [
  ['hdr', recordHeader],
  ['ppid', 'u32'],
  ['exit_code', 's32'],
  ['exit_signal', 'u32'],
  ['_pad', 'u32'],
  ['lifetime_ns', 'u64'],
]);

export const fsOpenRecord = defineStruct('fs_open_record', [
  ['hdr', recordHeader],
  ['result', 's32'],
  ['flags', 'u32'],
  ['filename', { chars: PATH_LEN }],
]);

export const fsCloseRecord = defineStruct('fs_close_record', [
  ['hdr', recordHeader],
  ['fd', 's32'],
  ['_pad', 'u32'],
  ['ino', 'u64'],
]);

export const fsUnlinkRecord = defineStruct('fs_unlink_record', [
  ['hdr', recordHeader],
  ['dirfd', 's32'],
  ['flags', 'u32'],
  ['filename', { chars: PATH_LEN }],
]);

export const netConnectRecord = defineStruct('net_connect_record', [
  ['hdr', recordHeader],
  ['family', 'u16'],
  ['sport', 'u16'],
  ['dport', 'u16'],
  ['protocol', 'u16'],
  ['result', 's32'],
  ['_pad', 'u32'],
  ['saddr', { bytes: 16 }],
  ['daddr', { bytes: 16 }],
  ['connect_latency_ns', 'u64'],
]);

export const memLimitRecord = defineStruct('mem_limit_record', [
  ['hdr', recordHeader],
  ['rss_bytes', 'u64'],
  ['limit_bytes', 'u64'],
]);

export const diskIoRecord = defineStruct('disk_io_record', [
  ['hdr', recordHeader],
  ['dev_major', 'u32'],
  ['dev_minor', 'u32'],
  ['sector', 'u64'],
  ['sectors', 'u32'],
  ['op', 'u32'],
  ['bytes', 'u64'],
  ['latency_ns', 'u64'],
  ['queue_latency_ns', 'u64'],
  ['error', 's32'],
  ['_pad', 'u32'],
  ['rwbs', { chars: 8 }],
]);

export const pendingIoKey = defineStruct('pending_io_key', [
  ['dev', 'u32'],
  ['_pad', 'u32'],
  ['sector', 'u64'],
]);

export const pendingIo = defineStruct('pending_io', [
  ['queue_ns', 'u64'],
  ['issue_ns', 'u64'],
  ['bytes', 'u64'],
  ['pid', 'u32'],
  ['tid', 'u32'],
  ['uid', 'u32'],
  ['gid', 'u32'],
  ['profile_id', 'u32'],
  ['_pad', 'u32'],
  ['comm', { chars: COMM_LEN }],
]);

export const fsIoStats = defineStruct('fs_io_stats', [
  ['uid', 'u32'],
  ['profile_id', 'u32'],
  ['comm', { chars: COMM_LEN }],
  ['read_bytes', 'u64'],
  ['write_bytes', 'u64'],
  ['reads', 'u64'],
  ['writes', 'u64'],
  ['opens', 'u64'],
  ['exited_ns', 'u64'],
]);

export const netIoStats = defineStruct('net_io_stats', [
  ['uid', 'u32'],
  ['profile_id', 'u32'],
  ['comm', { chars: COMM_LEN }],
  ['tx_bytes', 'u64'],
  ['rx_bytes', 'u64'],
  ['tx_calls', 'u64'],
  ['rx_calls', 'u64'],
  ['exited_ns', 'u64'],
]);

export const memStats = defineStruct('mem_stats', [
  ['uid', 'u32'],
  ['profile_id', 'u32'],
  ['comm', { chars: COMM_LEN }],
  ['kmalloc_bytes', 'u64'],
  ['kmalloc_count', 'u64'],
  ['kfree_bytes', 'u64'],
  ['kfree_count', 'u64'],
  ['page_alloc_bytes', 'u64'],
  ['page_free_bytes', 'u64'],
  ['rss_bytes', 'u64'],
  ['vms_bytes', 'u64'],
  ['shared_bytes', 'u64'],
  ['swap_bytes', 'u64'],
  ['peak_rss_bytes', 'u64'],
  ['exited_ns', 'u64'],
]);

export const exeIdentity = defineStruct('exe_identity', [
  ['dev', 'u32'],
  ['profile_id', 'u32'],
  ['ino', 'u64'],
]);

export const blockedSizeKey = defineStruct('blocked_size_key', [
  ['size', 'u64'],
  ['profile_id', 'u32'],
  ['_pad', 'u32'],
]);

/** Every layout, for the BTF check. */
export const ALL_LAYOUTS = [
  watchedAccount,
  recordHeader,
  processExecRecord,
  processExitRecord,
  fsOpenRecord,
  fsCloseRecord,
  fsUnlinkRecord,
  netConnectRecord,
  memLimitRecord,
  diskIoRecord,
  pendingIoKey,
  pendingIo,
  fsIoStats,
  netIoStats,
  memStats,
  exeIdentity,
  blockedSizeKey,
];
