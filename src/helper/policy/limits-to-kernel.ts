// model.Limits (in the parent's units: MB = 10^6 bytes, Mbps = 10^6 bits/s, ms) → the numbers the kernel side
// wants (bytes, bytes per second, nanoseconds). Pure; every enforcement module converts through here.
import type { Limits } from '../../shared/model.js';
import type { WatchedAccount } from '../bpf/monitor-set.js';

export const BYTES_PER_MB = 1e6;

/** 10 Mbps → 1,250,000 bytes/s. */
export function mbpsToBytesPerSecond(mbps: number): number {
  return (mbps * 1e6) / 8;
}

export function bytesPerSecondToMbps(bytesPerSecond: number): number {
  return (bytesPerSecond * 8) / 1e6;
}

/** 500 MB → 500,000,000 bytes (whole bytes). */
export function mbToBytes(mb: number): number {
  return Math.round(mb * BYTES_PER_MB);
}

export function msToNs(ms: number): number {
  return Math.round(ms * 1e6);
}

/** A limit of null, 0, negative or not finite means "none": enforcement modules take null for it. */
function positive(value: number | null): number | null {
  return value !== null && Number.isFinite(value) && value > 0 ? value : null;
}

/** What MonitorSet.watch() pushes to WATCHED_UIDS for a child's account. */
export function watchedAccountFromLimits(
  profileId: number,
  limits: Limits,
  { execDenied = false }: { execDenied?: boolean } = {},
): WatchedAccount {
  const memoryMb = positive(limits.memory.max_process_memory_mb);
  return {
    profileId,
    maxProcessMemoryBytes: memoryMb === null ? 0 : mbToBytes(memoryMb),
    execDenied,
    countAllocations: positive(limits.memory.max_allocation_mb) !== null,
  };
}

export interface NetworkRates {
  uploadBytesPerSecond: number | null;
  downloadBytesPerSecond: number | null;
}

/** The network limiter's rates, whole bytes per second (at least 1 so a tiny limit is not "none"). */
export function networkRatesFromLimits(limits: Limits): NetworkRates {
  const toRate = (mbps: number | null) => {
    const p = positive(mbps);
    return p === null ? null : Math.max(1, Math.round(mbpsToBytesPerSecond(p)));
  };
  return {
    uploadBytesPerSecond: toRate(limits.network.max_upload_mbps),
    downloadBytesPerSecond: toRate(limits.network.max_download_mbps),
  };
}

/**
 * Token-bucket capacity for a rate: a quarter second's worth. Long enough that TCP's pauses (a 200 ms minimum
 * retransmission timeout after a drop) do not waste tokens, short enough that a burst after idling is brief. At
 * least two full-size Ethernet frames so that very low limits still pass a packet at a time.
 */
export const BURST_SECONDS = 0.25;
export function tokenBucketBurstBytes(bytesPerSecond: number): number {
  return Math.max(Math.round(bytesPerSecond * BURST_SECONDS), 2 * 1514);
}

export interface DiskRates {
  readBytesPerSecond: number | null;
  writeBytesPerSecond: number | null;
}

/**
 * max_bandwidth_mbps is read + write together; the kernel's throttles (blkio, io.max) limit each direction
 * separately, so each gets the whole limit and evaluation alerts on the sum.
 */
export function diskRatesFromLimits(limits: Limits): DiskRates {
  const p = positive(limits.diskIo.max_bandwidth_mbps);
  const rate = p === null ? null : Math.max(1, Math.round(mbpsToBytesPerSecond(p)));
  return { readBytesPerSecond: rate, writeBytesPerSecond: rate };
}
