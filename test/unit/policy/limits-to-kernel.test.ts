import { describe, expect, it } from 'vitest';
import { NO_LIMITS, type Limits } from '../../../src/shared/model.js';
import {
  bytesPerSecondToMbps,
  diskRatesFromLimits,
  mbToBytes,
  mbpsToBytesPerSecond,
  msToNs,
  networkRatesFromLimits,
  tokenBucketBurstBytes,
  watchedAccountFromLimits,
} from '../../../src/helper/policy/limits-to-kernel.js';

const limits = (patch: Partial<Limits>): Limits => ({ ...NO_LIMITS, ...patch });

describe('limits to kernel units', () => {
  it('converts Mbps (10^6 bits/s) to bytes per second and back', () => {
    expect(mbpsToBytesPerSecond(10)).toBe(1_250_000);
    expect(mbpsToBytesPerSecond(0.5)).toBe(62_500);
    expect(bytesPerSecondToMbps(1_250_000)).toBe(10);
  });

  it('converts MB (10^6 bytes) to bytes and ms to ns', () => {
    expect(mbToBytes(500)).toBe(500_000_000);
    expect(mbToBytes(1073.741824)).toBe(1024 ** 3);
    expect(msToNs(2.5)).toBe(2_500_000);
  });

  it('turns max_process_memory_mb into the watched account memory limit in bytes, and max_allocation_mb into counting', () => {
    const memory = { max_allocation_mb: 50, max_process_memory_mb: 200 };
    expect(watchedAccountFromLimits(3, limits({ memory }))).toEqual({
      profileId: 3,
      maxProcessMemoryBytes: 200_000_000,
      execDenied: false,
      countAllocations: true,
    });
    expect(watchedAccountFromLimits(3, NO_LIMITS, { execDenied: true })).toEqual({
      profileId: 3,
      maxProcessMemoryBytes: 0,
      execDenied: true,
      countAllocations: false,
    });
  });

  it('treats null, zero, negative and non-finite limits as none', () => {
    for (const bad of [null, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const memory = { max_allocation_mb: null, max_process_memory_mb: bad };
      expect(watchedAccountFromLimits(1, limits({ memory })).maxProcessMemoryBytes).toBe(0);
      const allocation = { max_allocation_mb: bad, max_process_memory_mb: null };
      expect(watchedAccountFromLimits(1, limits({ memory: allocation })).countAllocations).toBe(false);
      const network = { max_upload_mbps: bad, max_download_mbps: bad };
      expect(networkRatesFromLimits(limits({ network }))).toEqual({ uploadBytesPerSecond: null, downloadBytesPerSecond: null });
    }
  });

  it('gives the network limiter whole bytes per second per direction', () => {
    const network = { max_upload_mbps: 2, max_download_mbps: 10 };
    expect(networkRatesFromLimits(limits({ network }))).toEqual({
      uploadBytesPerSecond: 250_000,
      downloadBytesPerSecond: 1_250_000,
    });
    // a tiny limit stays a limit
    const tiny = { max_upload_mbps: 1e-9, max_download_mbps: null };
    expect(networkRatesFromLimits(limits({ network: tiny })).uploadBytesPerSecond).toBe(1);
  });

  it('gives each disk direction the whole read+write bandwidth limit', () => {
    const diskIo = { max_bandwidth_mbps: 64, max_latency_ms: 20 };
    expect(diskRatesFromLimits(limits({ diskIo }))).toEqual({ readBytesPerSecond: 8e6, writeBytesPerSecond: 8e6 });
    expect(diskRatesFromLimits(NO_LIMITS)).toEqual({ readBytesPerSecond: null, writeBytesPerSecond: null });
  });

  it('sizes token buckets at a quarter second, never below two full frames', () => {
    expect(tokenBucketBurstBytes(1_250_000)).toBe(312_500);
    expect(tokenBucketBurstBytes(1000)).toBe(3028);
  });
});
