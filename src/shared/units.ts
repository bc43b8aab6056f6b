// Sizes, durations and rates as people write them ("500MB", "1.5GiB", "2s", "10Mbps", "5MB/s") and back.
// Pure and node-free: the CLI parses flags with it and the renderer formats numbers with it.
//
// Base units: bytes, milliseconds, bits per second. SI prefixes (k, M, G, T) are powers of 1000, IEC prefixes
// (Ki, Mi, Gi, Ti) powers of 1024. A bare number is in the base unit.

export type QuantityKind = 'size' | 'duration' | 'rate';
export type UnitParseFailure = 'empty' | 'not_a_number' | 'negative' | 'unknown_unit' | 'too_large';

export class UnitParseError extends Error {
  override readonly name = 'UnitParseError';
  constructor(
    readonly kind: QuantityKind,
    readonly reason: UnitParseFailure,
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

const SI = [1, 1e3, 1e6, 1e9, 1e12] as const;
const IEC = [1, 1024, 1024 ** 2, 1024 ** 3, 1024 ** 4] as const;

/** Size units, matched case-insensitively: a size cannot be in bits, so "500mb" can only mean megabytes. */
const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['b', 1],
  ['byte', 1],
  ['bytes', 1],
  ['k', SI[1]],
  ['kb', SI[1]],
  ['m', SI[2]],
  ['mb', SI[2]],
  ['g', SI[3]],
  ['gb', SI[3]],
  ['t', SI[4]],
  ['tb', SI[4]],
  ['ki', IEC[1]],
  ['kib', IEC[1]],
  ['mi', IEC[2]],
  ['mib', IEC[2]],
  ['gi', IEC[3]],
  ['gib', IEC[3]],
  ['ti', IEC[4]],
  ['tib', IEC[4]],
]);
const SIZE_HINT = 'use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB';

const DURATION_UNITS: ReadonlyMap<string, number> = new Map([
  ['ns', 1e-6],
  ['us', 1e-3],
  ['µs', 1e-3],
  ['ms', 1],
  ['s', 1000],
  ['sec', 1000],
  ['secs', 1000],
  ['m', 60_000],
  ['min', 60_000],
  ['mins', 60_000],
  ['h', 3_600_000],
  ['hr', 3_600_000],
  ['hrs', 3_600_000],
  ['d', 86_400_000],
  ['day', 86_400_000],
  ['days', 86_400_000],
]);
const DURATION_HINT = 'use ms, s, m, h, d (or ns, us)';

const RATE_HINT = 'use bps, kbps, Mbps, Gbps, kbit/s, Mbit/s, B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s';

// A plain decimal number, optionally with an exponent; "Infinity", "0x10" and "1,5" are not numbers here.
const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
const QUANTITY = new RegExp(String.raw`^(${NUMBER})\s*(.*?)$`);

interface SplitQuantity {
  value: number;
  unit: string;
}

function example(kind: QuantityKind): string {
  return kind === 'size' ? '500MB' : kind === 'duration' ? '2s' : '10Mbps';
}

function split(kind: QuantityKind, input: string, text: string): SplitQuantity {
  const match = QUANTITY.exec(text);
  if (!match) {
    throw new UnitParseError(
      kind,
      'not_a_number',
      input,
      `'${input}' is not a ${kind}; expected a number with a unit, e.g. '${example(kind)}'`,
    );
  }
  const value = Number(match[1]);
  if (value < 0) {
    throw new UnitParseError(kind, 'negative', input, `negative ${kind} '${input}'; it must be ≥ 0`);
  }
  // "-0" is zero, not negative; normalise so results never print as -0.
  return { value: value === 0 ? 0 : value, unit: match[2] ?? '' };
}

function checkInput(kind: QuantityKind, input: string | number): string {
  if (typeof input === 'number') return String(input);
  const text = input.trim();
  if (text === '') {
    throw new UnitParseError(kind, 'empty', input, `empty ${kind}; expected e.g. '${example(kind)}'`);
  }
  return text;
}

function checkNumber(kind: QuantityKind, input: string | number): void {
  if (typeof input !== 'number') return;
  if (!Number.isFinite(input)) {
    throw new UnitParseError(kind, 'not_a_number', String(input), `${kind} must be a finite number`);
  }
  if (input < 0) {
    throw new UnitParseError(kind, 'negative', String(input), `negative ${kind} ${input}; it must be ≥ 0`);
  }
}

function checkRange(kind: QuantityKind, input: string, result: number): number {
  if (!Number.isFinite(result) || result > Number.MAX_SAFE_INTEGER) {
    throw new UnitParseError(kind, 'too_large', input, `${kind} '${input}' is too large`);
  }
  return result;
}

function unknownUnit(kind: QuantityKind, input: string, unit: string, hint: string): UnitParseError {
  return new UnitParseError(kind, 'unknown_unit', input, `unknown unit '${unit}' in '${input}'; ${hint}`);
}

/** "500MB" → 500000000, "1.5GiB" → 1610612736, "512k" → 512000. Whole bytes (rounded). */
export function parseBytes(input: string | number): number {
  checkNumber('size', input);
  const text = checkInput('size', input);
  const { value, unit } = split('size', String(input), text);
  const factor = SIZE_UNITS.get(unit.toLowerCase());
  if (factor === undefined) throw unknownUnit('size', String(input), unit, SIZE_HINT);
  return checkRange('size', String(input), Math.round(value * factor));
}

/**
 * "100ms" → 100, "2s" → 2000, "1.5m" → 90000, "1h30m" / "1h 30m" → 5400000, "250us" → 0.25. A bare number is
 * milliseconds. Units are case-insensitive: "m" is minutes ("ms" milliseconds); months and years are not units.
 */
export function parseDuration(input: string | number): number {
  checkNumber('duration', input);
  const text = checkInput('duration', input);
  const original = String(input);
  // A sequence of number+unit parts ("1h 30m 10s"); only a lone number may omit its unit.
  const part = new RegExp(String.raw`\s*(${NUMBER}\s*[^\s\d.+-]*)`, 'y');
  let totalMs = 0;
  let parts = 0;
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (!match) {
      throw new UnitParseError(
        'duration',
        'not_a_number',
        original,
        `'${original}' is not a duration; expected e.g. '2s' or '1h 30m'`,
      );
    }
    const { value, unit } = split('duration', original, match[1] ?? '');
    parts++;
    if (unit === '' && (parts > 1 || part.lastIndex < text.length)) {
      throw new UnitParseError('duration', 'unknown_unit', original, `missing unit in '${original}'; ${DURATION_HINT}`);
    }
    const factor = unit === '' ? 1 : DURATION_UNITS.get(unit.toLowerCase());
    if (factor === undefined) throw unknownUnit('duration', original, unit, DURATION_HINT);
    totalMs += value * factor;
  }
  // Round away binary floating-point noise (1.1s → 1100, not 1100.0000000000002) at nanosecond precision.
  return checkRange('duration', original, Math.round(totalMs * 1e6) / 1e6);
}

const RATE_PREFIXES: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['k', SI[1]],
  ['m', SI[2]], // milli-bits per second are not a thing; "mbps" means megabits
  ['g', SI[3]],
  ['t', SI[4]],
  ['ki', IEC[1]],
  ['mi', IEC[2]],
  ['gi', IEC[3]],
  ['ti', IEC[4]],
]);

/**
 * The unit's base decides bits vs bytes and is case-sensitive, as everywhere: "Mbps", "Mbit/s", "Mb/s" are
 * megabits; "MBps", "MB/s" megabytes. The prefix is not ("mbps" = "Mbps").
 */
const RATE_UNIT = /^(|[kKmMgGtT][iI]?)(bps|bit\/s|bits\/s|b\/s|Bps|B\/s|byte\/s|bytes\/s)$/;

/** "10Mbps" → 10000000, "5MB/s" → 40000000, "800kbit/s" → 800000 — bits per second (rounded). */
export function parseRate(input: string | number): number {
  checkNumber('rate', input);
  const text = checkInput('rate', input);
  const original = String(input);
  const { value, unit } = split('rate', original, text);
  if (unit === '') return checkRange('rate', original, Math.round(value));
  const match = RATE_UNIT.exec(unit);
  const prefix = match ? RATE_PREFIXES.get((match[1] ?? '').toLowerCase()) : undefined;
  if (!match || prefix === undefined) throw unknownUnit('rate', original, unit, RATE_HINT);
  const bitsPerUnit = (match[2] ?? '').startsWith('B') || (match[2] ?? '').startsWith('byte') ? 8 : 1;
  return checkRange('rate', original, Math.round(value * prefix * bitsPerUnit));
}

/** Bytes → the MB (10^6 bytes) that model.Limits fields are in. */
export function bytesToMB(bytes: number): number {
  return bytes / 1e6;
}

/** Bits per second → the Mbps (10^6 bits/s) that model.Limits fields are in. */
export function bitsPerSecondToMbps(bitsPerSecond: number): number {
  return bitsPerSecond / 1e6;
}

// --- formatting -------------------------------------------------------------------------------------------------

/** Three significant digits at most, trailing zeros dropped: 1.5, 12.3, 123. */
function roundForDisplay(value: number): number {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function scaled(value: number, base: number, units: readonly string[]): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  let magnitude = Math.abs(value);
  let index = 0;
  while (index < units.length - 1 && magnitude >= base) {
    magnitude /= base;
    index++;
  }
  let shown = roundForDisplay(magnitude);
  // 999.7 kB rounds to "1000 kB": show it as "1 MB" instead.
  if (shown >= base && index < units.length - 1) {
    shown = roundForDisplay(shown / base);
    index++;
  }
  return `${sign}${shown} ${units[index]}`;
}

export interface FormatBytesOptions {
  /** IEC units (KiB, MiB: powers of 1024) instead of SI (kB, MB: powers of 1000). Default false. */
  binary?: boolean;
}

/** 1500 → "1.5 kB", 1610612736 → "1.61 GB" (or "1.5 GiB" with binary). */
export function formatBytes(bytes: number, options: FormatBytesOptions = {}): string {
  return options.binary
    ? scaled(bytes, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB'])
    : scaled(bytes, 1000, ['B', 'kB', 'MB', 'GB', 'TB']);
}

export interface FormatRateOptions {
  /** Show bytes per second ("1.25 MB/s") instead of bits per second ("10 Mbps"). Default 'bits'. */
  as?: 'bits' | 'bytes';
}

/** Bits per second → "10 Mbps" (or "1.25 MB/s" with as: 'bytes'). */
export function formatRate(bitsPerSecond: number, options: FormatRateOptions = {}): string {
  return options.as === 'bytes'
    ? scaled(bitsPerSecond / 8, 1000, ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'])
    : scaled(bitsPerSecond, 1000, ['bps', 'kbps', 'Mbps', 'Gbps', 'Tbps']);
}

/**
 * Milliseconds → "250 ms", "2.5 s", "1m 30s", "2h 5m", "3d 4h". Sub-millisecond values as "0.25 ms".
 * Everything it prints, parseDuration reads back.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const value = Math.abs(ms);
  if (value < 1000) return `${sign}${roundForDisplay(value)} ms`;
  if (value < 60_000) {
    const seconds = roundForDisplay(value / 1000);
    if (seconds < 60) return `${sign}${seconds} s`;
  }
  const totalSeconds = Math.round(value / 1000);
  const pairs: Array<[number, string, number, string]> = [
    [86_400, 'd', 3600, 'h'],
    [3600, 'h', 60, 'm'],
    [60, 'm', 1, 's'],
  ];
  for (const [bigSeconds, bigUnit, smallSeconds, smallUnit] of pairs) {
    if (totalSeconds >= bigSeconds) {
      const big = Math.floor(totalSeconds / bigSeconds);
      const small = Math.round((totalSeconds - big * bigSeconds) / smallSeconds);
      return small === 0 ? `${sign}${big}${bigUnit}` : `${sign}${big}${bigUnit} ${small}${smallUnit}`;
    }
  }
  return `${sign}${totalSeconds} s`;
}
