/** Spark's REST date form and query-parameter grammar (`SimpleDateParam`, enum params, quantile lists). */

/** `2015-02-03T16:42:59.720GMT`: Spark's date format, always UTC. */
export function apiDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', 'GMT');
}

/** A query parameter that does not parse: answered with 400 and Spark's message. */
export class BadParameterError extends Error {
  constructor(param: string, expected: string, actual: string) {
    super(`Bad value for parameter "${param}".  Expected a ${expected}, got "${actual}"`);
  }
}

/** A resource that does not exist: answered with 404. */
export class NotFoundError extends Error {}

/** A feature the server does not offer: answered with 503. */
export class UnavailableError extends Error {}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSz` (zone as `GMT`, `UTC`, `Z` or an offset) or `yyyy-MM-dd` in GMT. */
export function parseDateParam(name: string, raw: string): number {
  const full = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(GMT|UTC|Z|[+-]\d{2}:?\d{2})?$/.exec(raw);
  if (full) {
    const zone = !full[2] || full[2] === 'GMT' || full[2] === 'UTC' ? 'Z' : full[2];
    const t = Date.parse(`${full[1]}${zone}`);
    if (!Number.isNaN(t)) return t;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const t = Date.parse(`${raw}T00:00:00.000Z`);
    if (!Number.isNaN(t)) return t;
  }
  throw new BadParameterError(name, 'date', raw);
}

/** Every value of a repeatable enum parameter, case-insensitively (`status=running&status=FAILED`). */
export function enumParams<T extends string>(q: URLSearchParams, name: string, values: readonly T[], typeName: string): T[] {
  return q.getAll(name).flatMap((raw) => raw.split(',')).filter((v) => v !== '').map((raw) => {
    const v = values.find((x) => x.toLowerCase() === raw.toLowerCase());
    if (v === undefined) throw new BadParameterError(name, typeName, raw);
    return v;
  });
}

export function boolParam(q: URLSearchParams, name: string, dflt: boolean): boolean {
  const raw = q.get(name);
  if (raw === null) return dflt;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new BadParameterError(name, 'boolean', raw);
}

export function intParam(q: URLSearchParams, name: string, dflt: number): number {
  const raw = q.get(name);
  if (raw === null) return dflt;
  if (!/^-?\d+$/.test(raw)) throw new BadParameterError(name, 'int', raw);
  return Number(raw);
}

export function quantilesParam(q: URLSearchParams, dflt: string): number[] {
  const raw = q.get('quantiles') ?? dflt;
  return raw.split(',').map((s) => {
    const v = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(v)) throw new BadParameterError('quantiles', 'double', s);
    return v;
  });
}
