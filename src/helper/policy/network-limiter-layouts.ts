// The TypeScript mirror of the structs in bpf/network-limiter.bpf.c (that object's own maps, not events.h).
// Checked against the object's BTF by test/integration/policy-network.test.ts.
import { defineStruct } from '../bpf/struct-layout.js';

export const NetDirection = { UPLOAD: 0, DOWNLOAD: 1 } as const;
export type NetDirectionName = 'upload' | 'download';

export const netLimit = defineStruct('net_limit', [
  ['profile_id', 'u32'],
  ['_pad', 'u32'],
  ['upload_bytes_per_second', 'u64'],
  ['upload_burst_bytes', 'u64'],
  ['download_bytes_per_second', 'u64'],
  ['download_burst_bytes', 'u64'],
]);

export const netBucketKey = defineStruct('net_bucket_key', [
  ['profile_id', 'u32'],
  ['direction', 'u32'],
]);

export const netBucket = defineStruct('net_bucket', [
  ['lock', 'u32'], // struct bpf_spin_lock: never copied to or from userspace
  ['_pad', 'u32'],
  ['tokens', 'u64'], // __s64 in C; written only when the helper creates the bucket
  ['refilled_ns', 'u64'],
  ['passed_bytes', 'u64'],
  ['passed_packets', 'u64'],
  ['dropped_bytes', 'u64'],
  ['dropped_packets', 'u64'],
]);

export const NETWORK_LIMITER_LAYOUTS = [netLimit, netBucketKey, netBucket];
