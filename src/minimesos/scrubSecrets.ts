/**
 * What the state endpoints may show of secrets: a real Mesos master or agent never serves secret values, only that
 * a secret is there (its type, and a REFERENCE secret's name). The endpoints' JSON goes through this last, so no
 * field added to them later can leak a VALUE secret's bytes.
 */

/** A deep copy of `x` without secret values: every `Secret.value` and any plain value of a SECRET variable. */
export function scrubSecrets<T>(x: T): T {
  return scrub(x) as T;
}

function scrub(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(scrub);
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'value' && isSecretValue(o, v)) continue;
    out[k] = scrub(v);
  }
  return out;
}

/** `Secret.value` (`{data: <base64>}`), or a string `value` on an `Environment.Variable` of type SECRET. */
function isSecretValue(owner: Record<string, unknown>, v: unknown): boolean {
  if (owner.type === 'SECRET') return true;
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'data' in v && (owner.type === undefined || owner.type === 'VALUE' || owner.type === 'UNKNOWN');
}
