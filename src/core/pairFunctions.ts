/**
 * Key-value operations (Spark's PairRDDFunctions and Aggregator): each builds the description of the shuffle it
 * needs (partitioner, combining functions, sort), which `RDD` turns into a `ShuffledRDD`. Also the argument checks
 * and optional-argument parsing shuffle operations share.
 */
import { FunctionRef, internalFunction, shipFunction, type Env, type ShippedFunction } from './closure.js';
import type { Aggregation, PartitionerSpec, SortSpec } from './plan.js';
import { HashPartitioner } from './Partitioner.js';
import type { JobSource } from './rddActions.js';
import { rangeBounds } from '../shuffle/partitioning.js';
import { IllegalArgumentException } from '../util/errors.js';

/** `numPartitions` or an env, in either order, as the optional tail of a shuffle operation's arguments. */
export type Tail = [numPartitionsOrEnv?: number | Env, env?: Env];

function tail(args: Tail): { numPartitions: number | undefined; env: Env | undefined } {
  const [a, b] = args;
  if (typeof a === 'number') return { numPartitions: a, env: b };
  return { numPartitions: undefined, env: a };
}

export function checkPartitions(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new IllegalArgumentException(`${what}: numPartitions should be a whole number of at least 1, but was ${n}`);
  return n;
}

/** A shuffle as `ShuffledRDD`'s constructor takes it (after the parent). */
export interface ShuffleSpec {
  partitioner: () => PartitionerSpec;
  what: string;
  agg?: Aggregation;
  sort?: SortSpec;
  prepare?: () => Promise<void>;
}

function hash(n: number, what: string): () => PartitionerSpec {
  checkPartitions(n, what);
  return () => new HashPartitioner(n).spec();
}

/** Combining with one function: the first value is the combiner. */
export function reduceAgg(f: ShippedFunction): Aggregation {
  return { createCombiner: internalFunction('(v) => v'), mergeValue: f, mergeCombiners: f, mapSideCombine: true };
}

/** Hash-partitioned by key and combined with `agg`; `defaultParallelism` when the tail gives no partition count. */
function byKey(agg: Aggregation, numPartitions: number | undefined, defaultParallelism: number, what: string): ShuffleSpec {
  return { partitioner: hash(numPartitions ?? defaultParallelism, what), what, agg };
}

export function combineByKey<V, C>(
  createCombiner: (v: V) => C,
  mergeValue: (c: C, v: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  rest: Tail,
  defaultParallelism: number,
): ShuffleSpec {
  const { numPartitions, env } = tail(rest);
  const agg: Aggregation = {
    createCombiner: shipFunction(createCombiner, env, 'combineByKey'),
    mergeValue: shipFunction(mergeValue, env, 'combineByKey'),
    mergeCombiners: shipFunction(mergeCombiners, env, 'combineByKey'),
    mapSideCombine: true,
  };
  return byKey(agg, numPartitions, defaultParallelism, 'combineByKey');
}

export function reduceByKey<V>(f: (a: V, b: V) => V, rest: Tail, defaultParallelism: number): ShuffleSpec {
  const { numPartitions, env } = tail(rest);
  return byKey(reduceAgg(shipFunction(f, env, 'reduceByKey')), numPartitions, defaultParallelism, 'reduceByKey');
}

export function foldByKey<V>(zero: V, f: (a: V, b: V) => V, rest: Tail, defaultParallelism: number): ShuffleSpec {
  const { numPartitions, env } = tail(rest);
  const g = new FunctionRef(shipFunction(f, env, 'foldByKey'));
  const agg: Aggregation = {
    createCombiner: internalFunction('(v) => f(structuredClone(zero), v)', { f: g, zero }),
    mergeValue: internalFunction('(c, v) => f(c, v)', { f: g }),
    mergeCombiners: internalFunction('(a, b) => f(a, b)', { f: g }),
    mapSideCombine: true,
  };
  return byKey(agg, numPartitions, defaultParallelism, 'foldByKey');
}

export function aggregateByKey<V, U>(zero: U, seqOp: (acc: U, v: V) => U, combOp: (a: U, b: U) => U, rest: Tail, defaultParallelism: number): ShuffleSpec {
  const { numPartitions, env } = tail(rest);
  const seq = new FunctionRef(shipFunction(seqOp, env, 'aggregateByKey'));
  const agg: Aggregation = {
    createCombiner: internalFunction('(v) => seq(structuredClone(zero), v)', { seq, zero }),
    mergeValue: internalFunction('(c, v) => seq(c, v)', { seq }),
    mergeCombiners: shipFunction(combOp, env, 'aggregateByKey'),
    mapSideCombine: true,
  };
  return byKey(agg, numPartitions, defaultParallelism, 'aggregateByKey');
}

/** Values gathered into arrays, without map-side combining (it would not shrink the data), as in Spark. */
export function groupByKey(numPartitions: number | undefined, defaultParallelism: number): ShuffleSpec {
  const agg: Aggregation = {
    createCombiner: internalFunction('(v) => [v]'),
    mergeValue: internalFunction('(c, v) => { c.push(v); return c; }'),
    mergeCombiners: internalFunction('(a, b) => a.concat(b)'),
    mapSideCombine: false,
  };
  return byKey(agg, numPartitions, defaultParallelism, 'groupByKey');
}

/** Range-partitioned by key and sorted within partitions; the bounds come from a sampling job run when the shuffle is prepared. */
export function sortByKey(parent: JobSource, ascending: boolean, numPartitions: number | undefined): ShuffleSpec {
  const n = checkPartitions(numPartitions ?? parent.numPartitions, 'sortByKey');
  let bounds: unknown[] = [];
  return {
    partitioner: () => ({ kind: 'range', numPartitions: n, bounds, ascending }),
    what: 'sortByKey',
    sort: { ascending },
    prepare: async () => {
      // Sample keys to cut the key space into `n` ranges of similar size (Spark's RangePartitioner).
      const perPartition = Math.ceil((20 * n) / Math.max(1, parent.numPartitions)) + 10;
      const sample: unknown[] = [];
      await parent.sc.runJob(parent, { k: 'sampleKeys', n: perPartition, seed: 42 }, (_p, v) => sample.push(...(v as { sample: unknown[] }).sample), 'sortByKey sample');
      bounds = rangeBounds(sample, n);
    },
  };
}
