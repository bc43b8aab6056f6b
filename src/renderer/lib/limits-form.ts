// The limit fields of a profile as the editor shows them: what each means (model.ts), how a parent types it
// ("500MB", "10Mbps", "100ms", parsed by shared/units.ts) and what it is stored as (MB, Mbps, ms).

import type { Limits } from '../../shared/model.js';
import { LIMIT_MAXIMA, type LimitsPatch } from '../../shared/protocol.js';
import {
  UnitParseError,
  bitsPerSecondToMbps,
  bytesToMB,
  formatBytes,
  formatDuration,
  formatRate,
  parseBytes,
  parseDuration,
  parseRate,
} from '../../shared/units.js';

export type LimitGroup = 'memory' | 'diskIo' | 'network';
type NumericLimits = Omit<Limits, 'blockedApps'>;
export type LimitKey = {
  [G in LimitGroup]: `${G}.${Extract<keyof NumericLimits[G], string>}`;
}[LimitGroup];

export interface LimitField {
  key: LimitKey;
  group: LimitGroup;
  name: string;
  label: string;
  quantity: 'size' | 'rate' | 'duration';
  storedUnit: 'MB' | 'Mbps' | 'ms';
  example: string;
  /** What the number limits, exactly (model.ts). */
  meaning: string;
  /** What happens when it is exceeded. */
  effect: string;
  max: number;
}

export const LIMIT_GROUP_LABELS: Readonly<Record<LimitGroup, string>> = {
  memory: 'Memory',
  diskIo: 'Disk I/O',
  network: 'Network',
};

export const LIMIT_FIELDS: readonly LimitField[] = [
  {
    key: 'memory.max_process_memory_mb',
    group: 'memory',
    name: 'max_process_memory_mb',
    label: 'Memory per program',
    quantity: 'size',
    storedUnit: 'MB',
    example: '500MB',
    meaning: 'Resident set size (anon + file + shmem pages) of one process.',
    effect: 'A program over it is stopped by the kernel, and you get an alert.',
    max: LIMIT_MAXIMA.memoryMb,
  },
  {
    key: 'memory.max_allocation_mb',
    group: 'memory',
    name: 'max_allocation_mb',
    label: 'Kernel allocations per program',
    quantity: 'size',
    storedUnit: 'MB',
    example: '100MB',
    meaning:
      'Kernel allocations (kmalloc + page allocations, net of frees) of one process per sample interval. ' +
      'Counted only while a profile sets this limit: the counting runs on every allocation of the computer.',
    effect: 'Raises an alert; nothing is stopped.',
    max: LIMIT_MAXIMA.memoryMb,
  },
  {
    key: 'diskIo.max_bandwidth_mbps',
    group: 'diskIo',
    name: 'max_bandwidth_mbps',
    label: 'Disk bandwidth',
    quantity: 'rate',
    storedUnit: 'Mbps',
    example: '20MB/s',
    meaning: "Read + write bandwidth of the child's processes together, averaged over a few seconds.",
    effect: "The child's disk I/O is throttled to it.",
    max: LIMIT_MAXIMA.rateMbps,
  },
  {
    key: 'diskIo.max_latency_ms',
    group: 'diskIo',
    name: 'max_latency_ms',
    label: 'Disk latency',
    quantity: 'duration',
    storedUnit: 'ms',
    example: '100ms',
    meaning: "Device latency (issue to completion) of the child's requests, p95 over a short window.",
    effect: 'Raises an alert; nothing is stopped.',
    max: LIMIT_MAXIMA.latencyMs,
  },
  {
    key: 'network.max_upload_mbps',
    group: 'network',
    name: 'max_upload_mbps',
    label: 'Upload',
    quantity: 'rate',
    storedUnit: 'Mbps',
    example: '5Mbps',
    meaning: "Bytes the child's sockets send.",
    effect: 'Limited in the kernel by a token bucket.',
    max: LIMIT_MAXIMA.rateMbps,
  },
  {
    key: 'network.max_download_mbps',
    group: 'network',
    name: 'max_download_mbps',
    label: 'Download',
    quantity: 'rate',
    storedUnit: 'Mbps',
    example: '10Mbps',
    meaning: "Bytes the child's sockets receive.",
    effect: 'Limited in the kernel by a token bucket.',
    max: LIMIT_MAXIMA.rateMbps,
  },
];

export const UNIT_NOTE = 'MB = 1,000,000 bytes (1 GiB = 1073.74 MB); Mbps = 1,000,000 bits per second; ms = milliseconds.';

export type LimitValues = Record<LimitKey, number | null>;
export type LimitInputs = Record<LimitKey, string>;

export type ParsedLimit = { ok: true; value: number | null } | { ok: false; error: string };

const BARE_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function toStoredUnit(field: LimitField, text: string): number {
  switch (field.quantity) {
    case 'size':
      return bytesToMB(parseBytes(text));
    case 'rate':
      return bitsPerSecondToMbps(parseRate(text));
    case 'duration':
      return parseDuration(text);
  }
}

/** What the parent typed → the stored number (null = no limit), or why it cannot be. */
export function parseLimitInput(field: LimitField, input: string): ParsedLimit {
  const text = input.trim();
  if (text === '') return { ok: true, value: null };
  // A bare "200" would be 200 bytes or 200 bits/s: almost certainly not what was meant.
  if (BARE_NUMBER.test(text)) return { ok: false, error: `Add a unit, e.g. '${field.example}'.` };
  let value: number;
  try {
    value = toStoredUnit(field, text);
  } catch (error) {
    if (error instanceof UnitParseError) return { ok: false, error: `${error.message}.` };
    throw error;
  }
  if (value <= 0) return { ok: false, error: 'Must be more than 0. Leave the field empty for no limit.' };
  if (value > field.max) {
    return { ok: false, error: `At most ${field.max.toLocaleString('en-US')} ${field.storedUnit}.` };
  }
  return { ok: true, value };
}

/** A stored value → text that parses back to exactly it ("200MB", "12.5Mbps", "100ms"). */
export function formatLimitInput(field: LimitField, value: number | null): string {
  return value === null ? '' : `${value}${field.storedUnit}`;
}

/** The exact meaning of a stored value, for the line under the field. */
export function describeLimitValue(field: LimitField, value: number | null): string {
  if (value === null) return 'No limit.';
  switch (field.quantity) {
    case 'size': {
      const bytes = Math.round(value * 1e6);
      return `${formatBytes(bytes)} = ${bytes.toLocaleString('en-US')} bytes (${formatBytes(bytes, { binary: true })}).`;
    }
    case 'rate': {
      const bits = value * 1e6;
      return `${formatRate(bits)} = ${formatRate(bits, { as: 'bytes' })}.`;
    }
    case 'duration':
      return `${formatDuration(value)} = ${value.toLocaleString('en-US')} ms.`;
  }
}

export function readLimit(limits: Limits, field: LimitField): number | null {
  const group = limits[field.group] as unknown as Record<string, number | null>;
  return group[field.name] ?? null;
}

export function limitValuesOf(limits: Limits): LimitValues {
  return Object.fromEntries(LIMIT_FIELDS.map((field) => [field.key, readLimit(limits, field)])) as LimitValues;
}

export function limitInputsOf(limits: Limits): LimitInputs {
  return Object.fromEntries(
    LIMIT_FIELDS.map((field) => [field.key, formatLimitInput(field, readLimit(limits, field))]),
  ) as LimitInputs;
}

/** limits.set's patch for the fields whose value differs from `saved` (null removes a limit). */
export function limitsPatchOf(saved: Limits, values: LimitValues): LimitsPatch {
  const patch: Record<LimitGroup, Record<string, number | null>> = { memory: {}, diskIo: {}, network: {} };
  for (const field of LIMIT_FIELDS) {
    const next = values[field.key];
    if (next !== readLimit(saved, field)) patch[field.group][field.name] = next;
  }
  const result: LimitsPatch = {};
  for (const group of Object.keys(patch) as LimitGroup[]) {
    if (Object.keys(patch[group]).length > 0) (result as Record<string, unknown>)[group] = patch[group];
  }
  return result;
}
