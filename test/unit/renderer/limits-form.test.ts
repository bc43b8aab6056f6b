import { describe, expect, it } from 'vitest';
import {
  LIMIT_FIELDS,
  describeLimitValue,
  formatLimitInput,
  limitInputsOf,
  limitValuesOf,
  limitsPatchOf,
  parseLimitInput,
  type LimitKey,
} from '../../../src/renderer/lib/limits-form.js';
import { NO_LIMITS, type Limits } from '../../../src/shared/model.js';
import { LimitsPatchSchema } from '../../../src/shared/protocol.js';

function field(key: LimitKey) {
  const found = LIMIT_FIELDS.find((f) => f.key === key);
  if (!found) throw new Error(key);
  return found;
}
const memory = field('memory.max_process_memory_mb');
const upload = field('network.max_upload_mbps');
const disk = field('diskIo.max_bandwidth_mbps');
const latency = field('diskIo.max_latency_ms');

describe('parseLimitInput', () => {
  it.each([
    [memory, '500MB', 500],
    [memory, '200 MB', 200],
    [memory, '1GiB', 1073.741824],
    [memory, '1.5GB', 1500],
    [upload, '10Mbps', 10],
    [upload, '800kbit/s', 0.8],
    [disk, '5MB/s', 40],
    [latency, '100ms', 100],
    [latency, '2s', 2000],
  ] as const)('%s: %s → %d', (f, input, value) => {
    expect(parseLimitInput(f, input)).toEqual({ ok: true, value });
  });

  it('reads an empty field as "no limit"', () => {
    expect(parseLimitInput(memory, '   ')).toEqual({ ok: true, value: null });
  });

  it('asks for a unit instead of guessing what a bare number means', () => {
    expect(parseLimitInput(memory, '200')).toEqual({ ok: false, error: "Add a unit, e.g. '500MB'." });
  });

  it('explains unknown units, zero and values over the maximum', () => {
    const unknown = parseLimitInput(memory, '5 parsecs');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.error).toContain("unknown unit 'parsecs'");
    expect(parseLimitInput(memory, '0MB')).toMatchObject({ ok: false, error: expect.stringContaining('more than 0') });
    expect(parseLimitInput(memory, '2PB' as string).ok).toBe(false);
    expect(parseLimitInput(memory, '2TB')).toMatchObject({ ok: false, error: 'At most 1,000,000 MB.' });
  });
});

describe('formatting', () => {
  it('writes every stored value back as text that parses to exactly it', () => {
    for (const [f, value] of [
      [memory, 1073.741824],
      [upload, 12.5],
      [latency, 0.25],
    ] as const) {
      const text = formatLimitInput(f, value);
      expect(parseLimitInput(f, text)).toEqual({ ok: true, value });
    }
    expect(formatLimitInput(memory, null)).toBe('');
  });

  it('describes what a value means exactly', () => {
    expect(describeLimitValue(memory, 200)).toBe('200 MB = 200,000,000 bytes (191 MiB).');
    expect(describeLimitValue(upload, 10)).toBe('10 Mbps = 1.25 MB/s.');
    expect(describeLimitValue(latency, 1500)).toBe('1.5 s = 1,500 ms.');
    expect(describeLimitValue(latency, null)).toBe('No limit.');
  });

  it('has a meaning for every numeric limit in model.Limits', () => {
    const keys = LIMIT_FIELDS.map((f) => f.key).sort();
    const modelKeys = (['memory', 'diskIo', 'network'] as const)
      .flatMap((group) => Object.keys(NO_LIMITS[group]).map((name) => `${group}.${name}`))
      .sort();
    expect(keys).toEqual(modelKeys);
    for (const f of LIMIT_FIELDS) expect(f.meaning.length).toBeGreaterThan(10);
  });
});

describe('limitsPatchOf', () => {
  const saved: Limits = {
    ...structuredClone(NO_LIMITS),
    memory: { max_allocation_mb: null, max_process_memory_mb: 300 },
    network: { max_upload_mbps: 5, max_download_mbps: null },
  };

  it('sends only what changed, null to remove a limit, and passes the protocol schema', () => {
    const values = { ...limitValuesOf(saved), 'memory.max_process_memory_mb': 200, 'network.max_upload_mbps': null };
    const patch = limitsPatchOf(saved, values);
    expect(patch).toEqual({ memory: { max_process_memory_mb: 200 }, network: { max_upload_mbps: null } });
    expect(LimitsPatchSchema.safeParse(patch).success).toBe(true);
  });

  it('is empty when nothing changed', () => {
    expect(limitsPatchOf(saved, limitValuesOf(saved))).toEqual({});
  });

  it('fills the form inputs from saved limits', () => {
    expect(limitInputsOf(saved)['memory.max_process_memory_mb']).toBe('300MB');
    expect(limitInputsOf(saved)['memory.max_allocation_mb']).toBe('');
  });
});
