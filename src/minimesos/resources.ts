/**
 * Resource arithmetic for the simulated master: containment, subtraction and addition over Mesos Resource lists,
 * keyed by name, role and reservation (so reserved and unreserved pieces never mix).
 */
import type { Range, Resource } from '../mesos/wire/resources.js';

const EPS = 1e-9;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Which pool a resource belongs to: name, type, role, reservation principal. */
export function poolKey(r: Resource): string {
  const role = r.reservations?.length ? r.reservations[r.reservations.length - 1]!.role ?? '*' : (r.role ?? '*');
  const principal = r.reservation?.principal ?? r.reservations?.[r.reservations.length - 1]?.principal ?? '';
  return `${r.name}\u0000${r.type}\u0000${role}\u0000${principal}`;
}

export function roleOf(r: Resource): string {
  return r.reservations?.length ? r.reservations[r.reservations.length - 1]!.role ?? '*' : (r.role ?? '*');
}

function normalizeRanges(rs: Range[]): Range[] {
  const sorted = [...rs].sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ begin: r.begin, end: r.end });
  }
  return out;
}

function subtractRanges(from: Range[], take: Range[]): Range[] | undefined {
  let cur = normalizeRanges(from);
  for (const t of normalizeRanges(take)) {
    const host = cur.find((r) => r.begin <= t.begin && t.end <= r.end);
    if (!host) return undefined;
    cur = cur.flatMap((r) => {
      if (r !== host) return [r];
      const parts: Range[] = [];
      if (r.begin < t.begin) parts.push({ begin: r.begin, end: t.begin - 1 });
      if (t.end < r.end) parts.push({ begin: t.end + 1, end: r.end });
      return parts;
    });
  }
  return cur;
}

function clone(r: Resource): Resource {
  return structuredClone(r);
}

function isEmpty(r: Resource): boolean {
  if (r.type === 'SCALAR') return (r.scalar?.value ?? 0) <= EPS;
  if (r.type === 'RANGES') return (r.ranges?.range ?? []).length === 0;
  if (r.type === 'SET') return (r.set?.item ?? []).length === 0;
  return false;
}

/** Merges resources of the same pool into one entry each. */
export function normalize(list: readonly Resource[]): Resource[] {
  const byKey = new Map<string, Resource>();
  for (const r of list) {
    const k = poolKey(r);
    const cur = byKey.get(k);
    if (!cur) {
      byKey.set(k, clone(r));
      continue;
    }
    if (r.type === 'SCALAR') cur.scalar = { value: round3((cur.scalar?.value ?? 0) + (r.scalar?.value ?? 0)) };
    else if (r.type === 'RANGES') cur.ranges = { range: normalizeRanges([...(cur.ranges?.range ?? []), ...(r.ranges?.range ?? [])]) };
    else if (r.type === 'SET') cur.set = { item: [...new Set([...(cur.set?.item ?? []), ...(r.set?.item ?? [])])] };
  }
  return [...byKey.values()].filter((r) => !isEmpty(r));
}

export function add(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  return normalize([...a, ...b]);
}

/**
 * `from - take`, or undefined when `take` is not contained in `from` (the caller names what is missing via
 * `missing`).
 */
export function subtract(from: readonly Resource[], take: readonly Resource[]): Resource[] | undefined {
  const pool = new Map(normalize(from).map((r) => [poolKey(r), r]));
  for (const t of normalize(take)) {
    const k = poolKey(t);
    const have = pool.get(k);
    if (!have) return undefined;
    if (t.type === 'SCALAR') {
      const left = (have.scalar?.value ?? 0) - (t.scalar?.value ?? 0);
      if (left < -EPS) return undefined;
      have.scalar = { value: round3(left) };
    } else if (t.type === 'RANGES') {
      const left = subtractRanges(have.ranges?.range ?? [], t.ranges?.range ?? []);
      if (!left) return undefined;
      have.ranges = { range: left };
    } else if (t.type === 'SET') {
      const items = new Set(have.set?.item ?? []);
      for (const i of t.set?.item ?? []) if (!items.delete(i)) return undefined;
      have.set = { item: [...items] };
    }
  }
  return [...pool.values()].filter((r) => !isEmpty(r));
}

export function contains(from: readonly Resource[], take: readonly Resource[]): boolean {
  return subtract(from, take) !== undefined;
}

/** Sum of a scalar across pools. */
export function scalarSum(list: readonly Resource[], name: string): number {
  return round3(list.filter((r) => r.name === name && r.type === 'SCALAR').reduce((n, r) => n + (r.scalar?.value ?? 0), 0));
}

/** Resources usable by `role`: unreserved plus those reserved for it. */
export function forRole(list: readonly Resource[], role: string): Resource[] {
  return list.filter((r) => {
    const rr = roleOf(r);
    return rr === '*' || rr === role;
  });
}

/** The v0 `/state` form: `{cpus, gpus, mem, disk, ports: "[31000-32000]"}` (the four scalars always present). */
export function toV0(list: readonly Resource[]): Record<string, number | string> {
  const out: Record<string, number | string> = { cpus: 0, gpus: 0, mem: 0, disk: 0 };
  for (const r of normalize(list.map((x) => ({ ...x, role: '*', reservation: undefined, reservations: undefined })))) {
    if (r.type === 'SCALAR') out[r.name] = r.scalar?.value ?? 0;
    else if (r.type === 'RANGES') out[r.name] = `[${(r.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
    else if (r.type === 'SET') out[r.name] = `{${(r.set?.item ?? []).join(',')}}`;
  }
  return out;
}

/** Mesos' smallest offer (`--min_allocatable_resources=cpus:0.01|mem:32`): either is enough. */
export function isAllocatable(list: readonly Resource[]): boolean {
  return scalarSum(list, 'cpus') >= 0.01 || scalarSum(list, 'mem') >= 32;
}
