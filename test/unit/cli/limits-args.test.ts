import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError, describeError } from '../../../src/cli/exit-codes.js';
import { fieldsToSet, limitsPatchFor, parseLimitValue } from '../../../src/cli/limits-args.js';
import { LimitsPatchSchema } from '../../../src/shared/protocol.js';
import { UnitParseError } from '../../../src/shared/units.js';

function rejection(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('limitsPatchFor', () => {
  it.each([
    ['set-memory-limit', '500MB', { memory: { max_process_memory_mb: 500 } }],
    ['set-memory-limit', '1.5GiB', { memory: { max_process_memory_mb: 1610.612736 } }],
    ['set-memory-limit', '512 MiB', { memory: { max_process_memory_mb: 536.870912 } }],
    ['set-allocation-limit', '200MB', { memory: { max_allocation_mb: 200 } }],
    ['set-disk-latency-alert', '100ms', { diskIo: { max_latency_ms: 100 } }],
    ['set-disk-latency-alert', '2s', { diskIo: { max_latency_ms: 2000 } }],
    ['set-disk-latency-alert', '250us', { diskIo: { max_latency_ms: 0.25 } }],
    ['set-disk-bandwidth-limit', '5MB/s', { diskIo: { max_bandwidth_mbps: 40 } }],
    ['set-bandwidth-limit', '10Mbps', { network: { max_upload_mbps: 10, max_download_mbps: 10 } }],
    ['set-bandwidth-limit', '800kbit/s', { network: { max_upload_mbps: 0.8, max_download_mbps: 0.8 } }],
  ] as const)('%s %s → %j', (command, value, patch) => {
    const result = limitsPatchFor(command, value);
    expect(result).toEqual(patch);
    expect(LimitsPatchSchema.safeParse(result).success).toBe(true);
  });

  it.each(['none', 'off', 'OFF', 'unlimited'])('removes a limit with %s (null)', (word) => {
    expect(limitsPatchFor('set-memory-limit', word)).toEqual({ memory: { max_process_memory_mb: null } });
    expect(limitsPatchFor('set-bandwidth-limit', word)).toEqual({
      network: { max_upload_mbps: null, max_download_mbps: null },
    });
  });

  it('sets one direction of the bandwidth with --upload or --download', () => {
    expect(limitsPatchFor('set-bandwidth-limit', '10Mbps', { upload: true })).toEqual({
      network: { max_upload_mbps: 10 },
    });
    expect(limitsPatchFor('set-bandwidth-limit', '2MB/s', { download: true })).toEqual({
      network: { max_download_mbps: 16 },
    });
    expect(fieldsToSet('set-bandwidth-limit', { upload: true, download: true })).toHaveLength(2);
  });

  it("rejects 500XB as an unknown unit, naming it (exit 2)", () => {
    const error = rejection(() => limitsPatchFor('set-memory-limit', '500XB'));
    expect(error).toBeInstanceOf(UnitParseError);
    expect(error.message).toMatch(/^unknown unit 'XB' in '500XB'; use B, kB, MB/);
    expect(describeError(error).exitCode).toBe(ExitCode.Usage);
  });

  it('rejects a size unit where a duration belongs, and bits for a size', () => {
    expect(rejection(() => limitsPatchFor('set-disk-latency-alert', '100MB')).message).toMatch(/unknown unit 'MB'/);
    expect(rejection(() => limitsPatchFor('set-memory-limit', '10Mbps')).message).toMatch(/unknown unit 'Mbps'/);
  });

  it('requires a unit (a bare number would silently be bytes or bit/s)', () => {
    const error = rejection(() => limitsPatchFor('set-memory-limit', '500'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe("missing unit in '500'");
    expect((error as UsageError).hint).toMatch(/500MB/);
  });

  it("refuses 0 (which the kernel reads as no limit) and points to 'none'", () => {
    for (const value of ['0', '0MB']) {
      const error = rejection(() => limitsPatchFor('set-memory-limit', value));
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).hint).toMatch(/'none'/);
    }
  });

  it('refuses negative values and values above what the helper accepts', () => {
    expect(rejection(() => parseLimitValue('size', '-5MB', '500MB')).message).toMatch(/negative/);
    expect(rejection(() => parseLimitValue('size', '2TB', '500MB')).message).toMatch(
      /above the largest limit .*1000000 MB/,
    );
    expect(rejection(() => parseLimitValue('duration', '1h', '100ms')).message).toMatch(/600000 ms/);
  });
});
