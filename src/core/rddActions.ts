/**
 * RDD actions: the operations that run a job and merge the partitions' results on the driver (collect, count,
 * reduce, take, ...). `RDD`'s action methods delegate here.
 */
import { shipFunction, type Env, type ShippedFunction } from './closure.js';
import { compareKeys, KeyMap, keyString } from './keys.js';
import type { Sink } from './plan.js';
import { StatCounter } from './StatCounter.js';
import type { RDDLike } from '../scheduler/DAGScheduler.js';
import { SparkException } from '../util/errors.js';

/** The part of `SparkContext` actions use (structural, so this module needs neither it nor `RDD`). */
export interface JobRunner {
  runJob(rdd: RDDLike, sink: Sink, onResult: (partition: number, value: unknown) => void, action: string, partitions?: number[]): Promise<void>;
  compileOnDriver<F extends (...a: any[]) => any>(f: ShippedFunction): Promise<F>;
}

/** What an action needs of its RDD: the scheduler's view of it and the context that runs its jobs. */
export interface JobSource extends RDDLike {
  readonly sc: JobRunner;
}

function run(rdd: JobSource, sink: Sink, onResult: (p: number, v: unknown) => void, action: string, partitions?: number[]): Promise<void> {
  return rdd.sc.runJob(rdd, sink, onResult, action, partitions);
}

export async function collect<T>(rdd: JobSource): Promise<T[]> {
  const parts: unknown[][] = new Array(rdd.numPartitions);
  await run(rdd, { k: 'collect' }, (p, v) => (parts[p] = v as unknown[]), 'collect');
  return parts.flat() as T[];
}

export async function count(rdd: JobSource): Promise<number> {
  let n = 0;
  await run(rdd, { k: 'count' }, (_p, v) => (n += v as number), 'count');
  return n;
}

/** Where each partition's elements start in the whole RDD's order (one counting job), for `zipWithIndex`. */
export async function partitionOffsets(rdd: JobSource, action: string): Promise<number[]> {
  const counts = new Array<number>(rdd.numPartitions).fill(0);
  await run(rdd, { k: 'count' }, (p, v) => (counts[p] = v as number), action);
  const offsets: number[] = [];
  let acc = 0;
  for (let p = 0; p < counts.length; p++) {
    offsets[p] = acc;
    acc += counts[p]!;
  }
  return offsets;
}

export async function sum(rdd: JobSource): Promise<number> {
  let s = 0;
  await run(rdd, { k: 'sum' }, (_p, v) => (s += v as number), 'sum');
  return s;
}

export async function stats(rdd: JobSource): Promise<StatCounter> {
  const st = new StatCounter();
  await run(rdd, { k: 'stats' }, (_p, v) => st.mergeStats(StatCounter.fromJSON(v as never)), 'stats');
  return st;
}

export async function reduce<T>(rdd: JobSource, f: (a: T, b: T) => T, env?: Env): Promise<T> {
  const shipped = shipFunction(f, env, 'reduce');
  const merge = await rdd.sc.compileOnDriver<(a: T, b: T) => T>(shipped);
  const parts: ({ acc: T } | null)[] = new Array(rdd.numPartitions).fill(null);
  await run(rdd, { k: 'reduce', f: shipped }, (p, v) => (parts[p] = v as { acc: T } | null), 'reduce');
  const present = parts.filter((x): x is { acc: T } => x !== null);
  if (present.length === 0) throw new SparkException('reduce: empty collection');
  return present.map((x) => x.acc).reduce((a, b) => merge(a, b));
}

export async function fold<T>(rdd: JobSource, zero: T, f: (a: T, b: T) => T, env?: Env): Promise<T> {
  const shipped = shipFunction(f, env, 'fold');
  const merge = await rdd.sc.compileOnDriver<(a: T, b: T) => T>(shipped);
  const parts: T[] = new Array(rdd.numPartitions);
  await run(rdd, { k: 'fold', zero, f: shipped }, (p, v) => (parts[p] = v as T), 'fold');
  return parts.reduce((a, b) => merge(a, b), structuredClone(zero));
}

export async function aggregate<T, U>(rdd: JobSource, zero: U, seqOp: (acc: U, x: T) => U, combOp: (a: U, b: U) => U, env?: Env): Promise<U> {
  const comb = await rdd.sc.compileOnDriver<(a: U, b: U) => U>(shipFunction(combOp, env, 'aggregate'));
  const parts: U[] = new Array(rdd.numPartitions);
  await run(rdd, { k: 'aggregate', zero, seqOp: shipFunction(seqOp, env, 'aggregate') }, (p, v) => (parts[p] = v as U), 'aggregate');
  return parts.reduce((a, b) => comb(a, b), structuredClone(zero));
}

/** The first `n` elements, scanning as few partitions as it can (1, then 4 times more each round). */
export async function take<T>(rdd: JobSource, n: number): Promise<T[]> {
  const out: T[] = [];
  let scanned = 0;
  let batch = 1;
  while (out.length < n && scanned < rdd.numPartitions) {
    const parts = Array.from({ length: Math.min(batch, rdd.numPartitions - scanned) }, (_, i) => scanned + i);
    const results = new Map<number, T[]>();
    const want = n - out.length;
    await run(rdd, { k: 'take', n: want }, (p, v) => results.set(p, v as T[]), 'take', parts);
    for (const p of parts) out.push(...(results.get(p) ?? []).slice(0, n - out.length));
    scanned += parts.length;
    batch *= 4;
  }
  return out;
}

/** The `n` smallest (or, `descending`, largest) elements by `keyFn` (the element itself when absent). */
export async function ordered<T>(rdd: JobSource, n: number, keyFn: ((x: T) => unknown) | undefined, env: Env | undefined, descending: boolean, what: string): Promise<T[]> {
  const shipped = keyFn ? shipFunction(keyFn, env, what) : undefined;
  const all: T[] = [];
  await run(rdd, { k: 'takeOrdered', n, descending, ...(shipped ? { keyFn: shipped } : {}) }, (_p, v) => all.push(...(v as T[])), what);
  const key = shipped ? await rdd.sc.compileOnDriver<(x: T) => unknown>(shipped) : (x: T) => x;
  return all
    .map((x) => [key(x), x] as const)
    .sort((a, b) => (descending ? compareKeys(b[0], a[0]) : compareKeys(a[0], b[0])))
    .slice(0, n)
    .map(([, x]) => x);
}

export async function foreach<T>(rdd: JobSource, f: (x: T) => void | Promise<void>, env?: Env): Promise<void> {
  await run(rdd, { k: 'foreach', f: shipFunction(f, env, 'foreach') }, () => undefined, 'foreach');
}

export async function foreachPartition<T>(rdd: JobSource, f: (it: Iterator<T>) => void | Promise<void>, env?: Env): Promise<void> {
  await run(rdd, { k: 'foreachPartition', f: shipFunction(f, env, 'foreachPartition') }, () => undefined, 'foreachPartition');
}

/** Merges per-partition `[key, count]` lists into one Map (keys compared by value, kept as first seen). */
export async function countBy<K>(rdd: JobSource, sink: Sink, action: string): Promise<Map<K, number>> {
  const m = new KeyMap<number>();
  await run(rdd, sink, (_p, v) => {
    for (const [k, n] of v as [K, number][]) {
      const cur = m.get(k);
      if (cur) cur[1] += n;
      else m.set(k, n);
    }
  }, action);
  return new Map(m.toArray() as [K, number][]);
}

/** Key to value; for a repeated key the last value wins (by partition order). */
export async function collectAsMap<K, V>(rdd: JobSource): Promise<Map<K, V>> {
  const m = new Map<string, [K, V]>();
  for (const [k, v] of await collect<[K, V]>(rdd)) m.set(keyString(k), [k, v]);
  return new Map([...m.values()]);
}
