/**
 * Spark's size and duration grammars (`512m`, `2g`, `120s`, `5min`): an integer followed by an optional unit
 * suffix, case-insensitive; a bare number is taken in the caller's default unit. Fractions are refused, as in
 * Spark, because a silently truncated `1.5g` is worse than an error.
 */

export type ByteUnit = 'b' | 'k' | 'm' | 'g' | 't' | 'p';
export type TimeUnit = 'us' | 'ms' | 's' | 'min' | 'h' | 'd';

const BYTE_FACTORS: Record<ByteUnit, bigint> = {
  b: 1n,
  k: 1n << 10n,
  m: 1n << 20n,
  g: 1n << 30n,
  t: 1n << 40n,
  p: 1n << 50n,
};

const BYTE_SUFFIXES: Record<string, ByteUnit> = {
  b: 'b', k: 'k', kb: 'k', m: 'm', mb: 'm', g: 'g', gb: 'g', t: 't', tb: 't', p: 'p', pb: 'p',
};

/** Microseconds per unit. */
const TIME_FACTORS: Record<TimeUnit, number> = {
  us: 1,
  ms: 1_000,
  s: 1_000_000,
  min: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
};

const TIME_SUFFIXES: Record<string, TimeUnit> = {
  us: 'us', usec: 'us', ms: 'ms', msec: 'ms', s: 's', sec: 's', m: 'min', min: 'min', mins: 'min',
  h: 'h', d: 'd',
};

export const BYTE_FORM = 'a whole number with an optional unit b, k, m, g, t or p (e.g. 512m, 2g)';
export const TIME_FORM = 'a whole number with an optional unit us, ms, s, m/min, h or d (e.g. 500ms, 120s, 5min)';

/** Thrown with the text of what was wrong; callers wrap it with the key. */
export class UnitFormatError extends Error {}

/** Parses a size string into `unit` (truncating toward zero, like Spark's `ByteUnit.convertTo`). */
export function parseBytes(input: string, unit: ByteUnit = 'b'): number {
  const s = input.trim().toLowerCase();
  if (/^-?[0-9]+\.[0-9]+[a-z]*$/.test(s)) {
    throw new UnitFormatError(`fractional values are not supported, got '${input}'`);
  }
  const m = /^(-?[0-9]+)([a-z]+)?$/.exec(s);
  if (!m) throw new UnitFormatError(`expected ${BYTE_FORM}, got '${input}'`);
  const suffix = m[2];
  const from = suffix === undefined ? unit : BYTE_SUFFIXES[suffix];
  if (from === undefined) throw new UnitFormatError(`unknown size unit '${suffix}' in '${input}', expected ${BYTE_FORM}`);
  const n = BigInt(m[1]!);
  if (n < 0n) throw new UnitFormatError(`a size cannot be negative, got '${input}'`);
  return Number((n * BYTE_FACTORS[from]) / BYTE_FACTORS[unit]);
}

/** Parses a duration string into `unit`, truncating toward zero (`500ms` as seconds is 0, as in Spark). */
export function parseTime(input: string, unit: TimeUnit = 'ms'): number {
  const s = input.trim().toLowerCase();
  const m = /^(-?[0-9]+)([a-z]+)?$/.exec(s);
  if (!m) throw new UnitFormatError(`expected ${TIME_FORM}, got '${input}'`);
  const suffix = m[2];
  const from = suffix === undefined ? unit : TIME_SUFFIXES[suffix];
  if (from === undefined) throw new UnitFormatError(`unknown time unit '${suffix}' in '${input}', expected ${TIME_FORM}`);
  return Math.trunc((Number(m[1]) * TIME_FACTORS[from]) / TIME_FACTORS[unit]);
}
