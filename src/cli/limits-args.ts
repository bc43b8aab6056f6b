// The limit-setting commands' arguments → a limits.set patch, in model.Limits' units (MB = 10^6 bytes,
// Mbps = 10^6 bit/s, ms). Pure: no I/O, so every unit and error message is unit-tested.
import type { LimitsPatch } from '../shared/protocol.js';
import { LIMIT_MAXIMA } from '../shared/protocol.js';
import {
  bitsPerSecondToMbps,
  bytesToMB,
  parseBytes,
  parseDuration,
  parseRate,
  type QuantityKind,
} from '../shared/units.js';
import { UsageError } from './exit-codes.js';

type LimitGroup = 'memory' | 'diskIo' | 'network';
export interface LimitField {
  group: LimitGroup;
  field: string;
}

export interface LimitCommand {
  quantity: QuantityKind;
  /** For `--help`. */
  summary: string;
  example: string;
  fields: readonly LimitField[];
  /** With --upload / --download to set one of its two fields. */
  directional?: boolean;
}

export const LIMIT_COMMANDS = {
  'set-memory-limit': {
    quantity: 'size',
    summary: "memory (resident) one of the child's processes may use; over it the process is stopped",
    example: '500MB',
    fields: [{ group: 'memory', field: 'max_process_memory_mb' }],
  },
  'set-allocation-limit': {
    quantity: 'size',
    summary: 'kernel memory one process may allocate per sample interval before an alert (counted only while set)',
    example: '200MB',
    fields: [{ group: 'memory', field: 'max_allocation_mb' }],
  },
  'set-disk-latency-alert': {
    quantity: 'duration',
    summary: "alert when the child's disk requests take longer than this (95th percentile)",
    example: '100ms',
    fields: [{ group: 'diskIo', field: 'max_latency_ms' }],
  },
  'set-disk-bandwidth-limit': {
    quantity: 'rate',
    summary: 'disk reads + writes of all the child\'s processes together',
    example: '20MB/s',
    fields: [{ group: 'diskIo', field: 'max_bandwidth_mbps' }],
  },
  'set-bandwidth-limit': {
    quantity: 'rate',
    summary: 'network upload and download (both unless --upload or --download)',
    example: '10Mbps',
    fields: [
      { group: 'network', field: 'max_upload_mbps' },
      { group: 'network', field: 'max_download_mbps' },
    ],
    directional: true,
  },
} as const satisfies Record<string, LimitCommand>;

export type LimitCommandName = keyof typeof LIMIT_COMMANDS;

/** Words that remove a limit. */
export const NO_LIMIT_WORDS = ['none', 'off', 'unlimited'] as const;

const MAXIMUM: Record<QuantityKind, { value: number; unit: string }> = {
  size: { value: LIMIT_MAXIMA.memoryMb, unit: 'MB' },
  rate: { value: LIMIT_MAXIMA.rateMbps, unit: 'Mbps' },
  duration: { value: LIMIT_MAXIMA.latencyMs, unit: 'ms' },
};

/** "500MB" → 500 (MB), "100ms" → 100 (ms), "10Mbps" → 10 (Mbps), "none" → null. */
export function parseLimitValue(quantity: QuantityKind, input: string, example: string): number | null {
  const text = input.trim();
  if ((NO_LIMIT_WORDS as readonly string[]).includes(text.toLowerCase())) return null;
  // A bare number would be bytes, bit/s or ms: too easy to get wrong for a limit, so a unit is required.
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number(text) !== 0) {
    throw new UsageError(`missing unit in '${input}'`, `give one, e.g. '${example}' (or 'none' to remove the limit)`);
  }
  const value =
    quantity === 'size'
      ? bytesToMB(parseBytes(text))
      : quantity === 'rate'
        ? bitsPerSecondToMbps(parseRate(text))
        : parseDuration(text);
  if (value === 0) {
    throw new UsageError(`a limit of 0 would stop everything`, `to remove the limit, give 'none'`);
  }
  const max = MAXIMUM[quantity];
  if (value > max.value) {
    throw new UsageError(`'${input}' is above the largest limit the helper accepts (${max.value} ${max.unit})`);
  }
  return value;
}

export interface DirectionOptions {
  upload?: boolean;
  download?: boolean;
}

/** The fields a command sets: both directions of a directional command unless one is chosen. */
export function fieldsToSet(command: LimitCommandName, directions: DirectionOptions = {}): LimitField[] {
  const spec: LimitCommand = LIMIT_COMMANDS[command];
  if (!spec.directional || directions.upload === directions.download) {
    // Neither flag, or both: both directions.
    return [...spec.fields];
  }
  const wanted = directions.upload ? 'max_upload_mbps' : 'max_download_mbps';
  return spec.fields.filter((f) => f.field === wanted);
}

/** A limit command's value → the limits.set patch it sends. Throws UsageError / UnitParseError (exit 2). */
export function limitsPatchFor(
  command: LimitCommandName,
  input: string,
  directions: DirectionOptions = {},
): LimitsPatch {
  const spec: LimitCommand = LIMIT_COMMANDS[command];
  const value = parseLimitValue(spec.quantity, input, spec.example);
  const patch: Record<string, Record<string, number | null>> = {};
  for (const { group, field } of fieldsToSet(command, directions)) {
    (patch[group] ??= {})[field] = value;
  }
  return patch as LimitsPatch;
}
