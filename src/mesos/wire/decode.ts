import type { z } from 'zod';

/** A message that does not have the shape its schema requires; `path` names the offending field. */
export class MesosDecodeError extends Error {
  constructor(
    readonly what: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`Malformed ${what}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'MesosDecodeError';
  }
}

/**
 * Validates a parsed JSON value against a wire schema. A malformed message is rejected here, with the field path,
 * instead of failing later deep inside the framework.
 */
export function decode<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new MesosDecodeError(
    what,
    r.error.issues.slice(0, 5).map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}

/** Parses JSON text and validates it. Mesos writes non-finite doubles as bare tokens; those are accepted. */
export function decodeJson<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON.parse(text.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"'));
    } catch (err) {
      throw new MesosDecodeError(what, [{ path: '', message: `not JSON (${(err as Error).message})` }]);
    }
  }
  return decode(schema, value, what);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}
