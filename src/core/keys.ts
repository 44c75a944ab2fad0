/**
 * How the engine compares keys: numbers, strings, booleans and bigints by value, arrays of them element by
 * element. `keyString` gives each such key one canonical text, used for hashing and grouping.
 */

export type Key = unknown;

export function keyString(k: Key): string {
  switch (typeof k) {
    case 'number':
      return Object.is(k, -0) ? 'n0' : `n${k}`;
    case 'string':
      return `s${k}`;
    case 'boolean':
      return k ? 't' : 'f';
    case 'bigint':
      return `b${k}`;
    case 'undefined':
      return 'u';
    default:
      if (k === null) return 'z';
      if (Array.isArray(k)) return `[${k.map((x) => JSON.stringify(keyString(x))).join(',')}]`;
      if (k instanceof Date) return `d${k.getTime()}`;
      // Other objects compare by their JSON form: equal content, equal key.
      return `o${JSON.stringify(k)}`;
  }
}

/** A 32-bit string hash (FNV-1a), stable across processes and runs. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function hashKey(k: Key): number {
  // Strings (the common case) hash as they are; other keys through their canonical text, which starts with a type tag.
  return typeof k === 'string' ? hashString(k) : hashString(keyString(k));
}

/**
 * A map keyed by value, per `keyString`. String keys skip the canonical text (no allocation per lookup), which
 * matters on the shuffle's hot path.
 */
export class KeyMap<V> {
  private readonly strings = new Map<string, [unknown, V]>();
  private readonly others = new Map<string, [unknown, V]>();

  get(k: Key): [unknown, V] | undefined {
    return typeof k === 'string' ? this.strings.get(k) : this.others.get(keyString(k));
  }

  set(k: Key, v: V): [unknown, V] {
    const entry: [unknown, V] = [k, v];
    if (typeof k === 'string') this.strings.set(k, entry);
    else this.others.set(keyString(k), entry);
    return entry;
  }

  get size(): number {
    return this.strings.size + this.others.size;
  }

  *entries(): Generator<[unknown, V]> {
    yield* this.strings.values();
    yield* this.others.values();
  }

  toArray(): [unknown, V][] {
    return [...this.strings.values(), ...this.others.values()];
  }
}

const TYPE_ORDER: Record<string, number> = { undefined: 0, boolean: 1, number: 2, bigint: 2, string: 3, object: 4 };

/** Natural ordering: numbers and bigints numerically, strings by code unit, arrays lexicographically. */
export function compareKeys(a: Key, b: Key): number {
  if (a === b) return 0;
  const ta = a === null ? 'undefined' : typeof a;
  const tb = b === null ? 'undefined' : typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (ta !== tb) return (TYPE_ORDER[ta] ?? 5) - (TYPE_ORDER[tb] ?? 5);
  if (ta === 'string' || ta === 'boolean') return (a as string) < (b as string) ? -1 : 1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareKeys(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  const sa = keyString(a);
  const sb = keyString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
