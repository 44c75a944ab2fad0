import { internalFunction, shipFunction, type Env } from './closure.js';
import type { Aggregation, Op, PartitionerSpec, Plan, SortSpec } from './plan.js';
import { HashPartitioner, type Partitioner } from './Partitioner.js';
import type { StatCounter } from './StatCounter.js';
import type { Dependency, RDDLike } from '../scheduler/DAGScheduler.js';
import { IllegalArgumentException, SparkException } from '../util/errors.js';
import type { SparkContext } from './SparkContext.js';
import { saveTextFile } from '../io/saveTextFile.js';
import type { StorageLevel } from '../memory/storageLevel.js';
import * as actions from './rddActions.js';
import * as pair from './pairFunctions.js';
import { checkPartitions, reduceAgg, type ShuffleSpec, type Tail } from './pairFunctions.js';
import { cachedPlan, rddBlockId, storageLevel } from './persistence.js';

/**
 * A Resilient Distributed Dataset: an immutable, partitioned collection computed lazily from its lineage.
 * Transformations return new RDDs; actions run a job and return a Promise. Functions run on executors, so the
 * driver values they use are passed explicitly in an `env` object (see `closure.ts`).
 *
 * Pair RDDs hold two-element arrays `[key, value]`; keys compare by value (numbers, strings, booleans, bigints,
 * and arrays of them).
 */
export class RDD<T> implements RDDLike {
  readonly id: number;
  name: string;
  private cached = false;
  private level: StorageLevel = 'MEMORY_ONLY';
  protected prepared: Promise<void> | undefined;

  constructor(
    readonly sc: SparkContext,
    readonly numPartitions: number,
    name: string,
    private readonly deps: Dependency[],
    private readonly planFn: (p: number) => Plan,
    /** Narrow parents whose partition p this RDD's partition p reads (for cache locality). */
    private readonly oneToOneParent?: RDD<unknown>,
    private readonly prepareFn?: () => Promise<void>,
  ) {
    this.id = sc.newRddId();
    this.name = `${name} [${this.id}]`;
  }

  dependencies(): Dependency[] {
    return this.deps;
  }

  get partitions(): number[] {
    return Array.from({ length: this.numPartitions }, (_, i) => i);
  }

  getNumPartitions(): number {
    return this.numPartitions;
  }

  plan(p: number): Plan {
    const base = this.planFn(p);
    return this.cached ? cachedPlan(this.id, p, base, this.level) : base;
  }

  preferredExecutors(p: number): string[] {
    if (this.cached) {
      const where = this.sc.blockLocations(rddBlockId(this.id, p));
      if (where.length > 0) return where;
    }
    return this.oneToOneParent?.preferredExecutors(p) ?? [];
  }

  prepare(): Promise<void> {
    if (!this.prepareFn) return Promise.resolve();
    this.prepared ??= this.prepareFn();
    return this.prepared;
  }

  setName(name: string): this {
    this.name = name;
    return this;
  }

  toString(): string {
    return this.name;
  }

  // ------------------------------------------------------------------------------------------ caching

  /** Keeps computed partitions in executor memory for later jobs. */
  cache(): this {
    return this.persist();
  }

  /** Caches partitions at `level`: MEMORY_ONLY, MEMORY_AND_DISK or DISK_ONLY (`_SER` variants accepted; docs/memory.md). */
  persist(level = 'MEMORY_ONLY'): this {
    this.level = storageLevel(level);
    this.cached = true;
    return this;
  }

  unpersist(): this {
    this.cached = false;
    this.sc.dropBlocks(rddBlockId(this.id, ''));
    return this;
  }

  get isCached(): boolean {
    return this.cached;
  }

  // ------------------------------------------------------------------------------------------ narrow transformations

  protected withOp<U>(op: Op, what: string): RDD<U> {
    return new RDD<U>(this.sc, this.numPartitions, what, [{ kind: 'narrow', rdd: this }], (p) => ({ t: 'op', op, parent: this.plan(p) }), this as RDD<unknown>);
  }

  map<U>(f: (x: T) => U, env?: Env): RDD<U> {
    return this.withOp({ k: 'map', f: shipFunction(f, env, 'map') }, 'map');
  }

  filter(f: (x: T) => boolean, env?: Env): RDD<T> {
    return this.withOp({ k: 'filter', f: shipFunction(f, env, 'filter') }, 'filter');
  }

  flatMap<U>(f: (x: T) => Iterable<U>, env?: Env): RDD<U> {
    return this.withOp({ k: 'flatMap', f: shipFunction(f, env, 'flatMap') }, 'flatMap');
  }

  /** `f` receives an iterator over the partition and returns an iterable (an array or a generator). */
  mapPartitions<U>(f: (it: Iterator<T>) => Iterable<U> | AsyncIterable<U> | Promise<Iterable<U>>, env?: Env): RDD<U> {
    return this.withOp({ k: 'mapPartitions', f: shipFunction(f, env, 'mapPartitions'), withIndex: false }, 'mapPartitions');
  }

  mapPartitionsWithIndex<U>(f: (it: Iterator<T>, index: number) => Iterable<U> | AsyncIterable<U> | Promise<Iterable<U>>, env?: Env): RDD<U> {
    return this.withOp({ k: 'mapPartitions', f: shipFunction(f, env, 'mapPartitionsWithIndex'), withIndex: true }, 'mapPartitionsWithIndex');
  }

  keyBy<K>(f: (x: T) => K, env?: Env): RDD<[K, T]> {
    return this.withOp({ k: 'keyBy', f: shipFunction(f, env, 'keyBy') }, 'keyBy');
  }

  sample(withReplacement: boolean, fraction: number, seed: number = Math.floor(Math.random() * 2 ** 31)): RDD<T> {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1)) {
      throw new IllegalArgumentException(`sample: fraction should be ${withReplacement ? '>= 0' : 'in [0, 1]'}, but was ${fraction}`);
    }
    return this.withOp({ k: 'sample', withReplacement, fraction, seed }, 'sample');
  }

  union(other: RDD<T>): RDD<T> {
    return this.sc.union([this, other]);
  }

  /** Fewer partitions without a shuffle (neighbouring partitions are concatenated), or any number with one. */
  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    checkPartitions(numPartitions, 'coalesce');
    if (shuffle) return this.repartition(numPartitions);
    const n = Math.min(numPartitions, this.numPartitions);
    const groups: number[][] = Array.from({ length: n }, () => []);
    for (let p = 0; p < this.numPartitions; p++) groups[Math.floor((p * n) / this.numPartitions)]!.push(p);
    return new RDD<T>(this.sc, n, 'coalesce', [{ kind: 'narrow', rdd: this }], (p) => ({ t: 'concat', parents: groups[p]!.map((q) => this.plan(q)) }));
  }

  repartition(numPartitions: number): RDD<T> {
    checkPartitions(numPartitions, 'repartition');
    const keyed = this.map((x) => [0, x] as [number, T]);
    return new ShuffledRDD<number, T, T>(keyed, () => ({ kind: 'roundRobin', numPartitions }), 'repartition').values();
  }

  distinct(numPartitions?: number): RDD<T> {
    const pairs = this.map((x) => [x, null] as [T, null]);
    return new ShuffledRDD<T, null, null>(pairs, () => ({ kind: 'hash', numPartitions: numPartitions ?? this.numPartitions }), 'distinct', reduceAgg(internalFunction('(a) => a'))).keys();
  }

  /** Pairs each element with its index (partition order, then position); runs a job to count partitions. */
  zipWithIndex(): RDD<[T, number]> {
    let offsets: number[] = [];
    return new RDD<[T, number]>(
      this.sc,
      this.numPartitions,
      'zipWithIndex',
      [{ kind: 'narrow', rdd: this }],
      (p) => ({ t: 'op', op: { k: 'zipWithIndex', offset: offsets[p] ?? 0 }, parent: this.plan(p) }),
      this as RDD<unknown>,
      async () => {
        offsets = await actions.partitionOffsets(this, 'zipWithIndex');
      },
    );
  }

  sortBy<K>(f: (x: T) => K, ascending = true, numPartitions?: number, env?: Env): RDD<T> {
    return this.keyBy(f, env).sortByKey(ascending, numPartitions).values();
  }

  // ------------------------------------------------------------------------------------------ pair transformations
  // The shuffles are described in pairFunctions.ts (Spark's PairRDDFunctions); these methods wrap them as RDDs.

  keys<K, V>(this: RDD<[K, V]>): RDD<K> {
    return this.map((kv) => kv[0]);
  }

  values<K, V>(this: RDD<[K, V]>): RDD<V> {
    return this.map((kv) => kv[1]);
  }

  mapValues<K, V, U>(this: RDD<[K, V]>, f: (v: V) => U, env?: Env): RDD<[K, U]> {
    return this.withOp({ k: 'mapValues', f: shipFunction(f, env, 'mapValues') }, 'mapValues');
  }

  flatMapValues<K, V, U>(this: RDD<[K, V]>, f: (v: V) => Iterable<U>, env?: Env): RDD<[K, U]> {
    return this.withOp({ k: 'flatMapValues', f: shipFunction(f, env, 'flatMapValues') }, 'flatMapValues');
  }

  combineByKey<K, V, C>(
    this: RDD<[K, V]>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    ...rest: Tail
  ): RDD<[K, C]> {
    return shuffle<K, V, C>(this, pair.combineByKey(createCombiner, mergeValue, mergeCombiners, rest, this.sc.defaultParallelism));
  }

  reduceByKey<K, V>(this: RDD<[K, V]>, f: (a: V, b: V) => V, ...rest: Tail): RDD<[K, V]> {
    return shuffle<K, V, V>(this, pair.reduceByKey(f, rest, this.sc.defaultParallelism));
  }

  foldByKey<K, V>(this: RDD<[K, V]>, zero: V, f: (a: V, b: V) => V, ...rest: Tail): RDD<[K, V]> {
    return shuffle<K, V, V>(this, pair.foldByKey(zero, f, rest, this.sc.defaultParallelism));
  }

  aggregateByKey<K, V, U>(this: RDD<[K, V]>, zero: U, seqOp: (acc: U, v: V) => U, combOp: (a: U, b: U) => U, ...rest: Tail): RDD<[K, U]> {
    return shuffle<K, V, U>(this, pair.aggregateByKey(zero, seqOp, combOp, rest, this.sc.defaultParallelism));
  }

  /** All values of each key, in one array. No map-side combining (it would not shrink the data), as in Spark. */
  groupByKey<K, V>(this: RDD<[K, V]>, numPartitions?: number): RDD<[K, V[]]> {
    return shuffle<K, V, V[]>(this, pair.groupByKey(numPartitions, this.sc.defaultParallelism));
  }

  groupBy<K>(f: (x: T) => K, numPartitions?: number, env?: Env): RDD<[K, T[]]> {
    return this.keyBy(f, env).groupByKey(numPartitions);
  }

  partitionBy<K, V>(this: RDD<[K, V]>, partitioner: Partitioner): RDD<[K, V]> {
    return new ShuffledRDD<K, V, V>(this, () => partitioner.spec(), 'partitionBy');
  }

  /** Repartitions by `partitioner` and sorts each partition by key during the shuffle (spilling as needed). */
  repartitionAndSortWithinPartitions<K, V>(this: RDD<[K, V]>, partitioner: Partitioner, ascending = true): RDD<[K, V]> {
    return new ShuffledRDD<K, V, V>(this, () => partitioner.spec(), 'repartitionAndSortWithinPartitions', undefined, { ascending });
  }

  sortByKey<K, V>(this: RDD<[K, V]>, ascending = true, numPartitions?: number): RDD<[K, V]> {
    return shuffle<K, V, V>(this, pair.sortByKey(this, ascending, numPartitions));
  }

  cogroup<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V[], W[]]]> {
    return new CoGroupedRDD<K>([this as RDD<[K, unknown]>, other as RDD<[K, unknown]>], numPartitions ?? this.sc.defaultParallelism) as unknown as RDD<[K, [V[], W[]]]>;
  }

  private joinWith<K, V, W, R>(other: RDD<[K, W]>, mode: 'inner' | 'left' | 'right' | 'full', numPartitions?: number): RDD<[K, R]> {
    const cg = (this as unknown as RDD<[K, V]>).cogroup(other, numPartitions);
    return cg.withOp({ k: 'join', mode }, `${mode === 'inner' ? '' : mode + 'Outer'}join`);
  }

  join<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V, W]]> {
    return this.joinWith<K, V, W, [V, W]>(other, 'inner', numPartitions);
  }

  /** Missing right values are `undefined`. */
  leftOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V, W | undefined]]> {
    return this.joinWith<K, V, W, [V, W | undefined]>(other, 'left', numPartitions);
  }

  rightOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V | undefined, W]]> {
    return this.joinWith<K, V, W, [V | undefined, W]>(other, 'right', numPartitions);
  }

  fullOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V | undefined, W | undefined]]> {
    return this.joinWith<K, V, W, [V | undefined, W | undefined]>(other, 'full', numPartitions);
  }

  // ------------------------------------------------------------------------------------------ actions
  // Each runs a job; the merging of partition results lives in rddActions.ts.

  collect(): Promise<T[]> {
    return actions.collect<T>(this);
  }

  count(): Promise<number> {
    return actions.count(this);
  }

  sum(this: RDD<number>): Promise<number> {
    return actions.sum(this);
  }

  stats(this: RDD<number>): Promise<StatCounter> {
    return actions.stats(this);
  }

  async mean(this: RDD<number>): Promise<number> {
    return (await this.stats()).mean;
  }

  reduce(f: (a: T, b: T) => T, env?: Env): Promise<T> {
    return actions.reduce(this, f, env);
  }

  fold(zero: T, f: (a: T, b: T) => T, env?: Env): Promise<T> {
    return actions.fold(this, zero, f, env);
  }

  aggregate<U>(zero: U, seqOp: (acc: U, x: T) => U, combOp: (a: U, b: U) => U, env?: Env): Promise<U> {
    return actions.aggregate(this, zero, seqOp, combOp, env);
  }

  /** The first `n` elements, scanning as few partitions as it can (1, then 4 times more each round). */
  take(n: number): Promise<T[]> {
    return actions.take<T>(this, n);
  }

  async first(): Promise<T> {
    const [x] = await this.take(1);
    if (x === undefined && (await this.isEmpty())) throw new SparkException('first: empty collection');
    return x as T;
  }

  async isEmpty(): Promise<boolean> {
    return this.numPartitions === 0 || (await this.take(1)).length === 0;
  }

  /** The `n` smallest elements (by `keyFn` when given). */
  takeOrdered(n: number, keyFn?: (x: T) => unknown, env?: Env): Promise<T[]> {
    return actions.ordered(this, n, keyFn, env, false, 'takeOrdered');
  }

  /** The `n` largest elements (by `keyFn` when given), largest first. */
  top(n: number, keyFn?: (x: T) => unknown, env?: Env): Promise<T[]> {
    return actions.ordered(this, n, keyFn, env, true, 'top');
  }

  foreach(f: (x: T) => void | Promise<void>, env?: Env): Promise<void> {
    return actions.foreach(this, f, env);
  }

  foreachPartition(f: (it: Iterator<T>) => void | Promise<void>, env?: Env): Promise<void> {
    return actions.foreachPartition(this, f, env);
  }

  /** How many times each distinct element occurs. Keys of the Map are the elements as first seen. */
  countByValue(): Promise<Map<T, number>> {
    return actions.countBy<T>(this, { k: 'countByValue' }, 'countByValue');
  }

  countByKey<K, V>(this: RDD<[K, V]>): Promise<Map<K, number>> {
    return actions.countBy<K>(this, { k: 'countByKey' }, 'countByKey');
  }

  /** Key to value; for a repeated key the last value wins (by partition order). */
  collectAsMap<K, V>(this: RDD<[K, V]>): Promise<Map<K, V>> {
    return actions.collectAsMap<K, V>(this);
  }

  /**
   * Writes one `part-NNNNN` file per partition (tuples as `(a,b)`), compressed with `codec` (`gzip`, `bzip2`, `zstd`,
   * `lz4` or a Hadoop codec class name) when given, then `_SUCCESS`, through the output commit protocol of `src/io`.
   */
  async saveAsTextFile(path: string, codec?: string): Promise<void> {
    await saveTextFile(this.sc.conf, path, codec, (spec, onResult) => this.sc.runJob(this, { k: 'save', ...spec }, onResult, 'saveAsTextFile'));
  }
}

/** The shuffle `spec` describes, reading `parent`. */
function shuffle<K, V, C>(parent: RDD<[K, V]>, spec: ShuffleSpec): ShuffledRDD<K, V, C> {
  return new ShuffledRDD<K, V, C>(parent, spec.partitioner, spec.what, spec.agg, spec.sort, spec.prepare);
}

/** The reduce side of a shuffle: one partition per reducer, combined and/or sorted as the shuffle says. */
export class ShuffledRDD<K, V, C> extends RDD<[K, C]> {
  readonly shuffleId: number;

  constructor(parent: RDD<[K, V]>, partitioner: () => PartitionerSpec, what: string, agg?: Aggregation, sort?: SortSpec, prepare?: () => Promise<void>) {
    const shuffleId = parent.sc.newShuffleId();
    const dep: Dependency = { kind: 'shuffle', shuffleId, rdd: parent as RDD<unknown>, partitioner, ...(agg ? { agg } : {}), ...(prepare ? { prepare } : {}) };
    super(parent.sc, partitioner().numPartitions, what, [dep], (p) => ({ t: 'shuffle', shuffleId, partition: p, ...(agg ? { agg } : {}), ...(sort ? { sort } : {}) }));
    this.shuffleId = shuffleId;
  }
}

/** Several pair RDDs shuffled by the same partitioner and grouped by key: `[key, [values of each parent]]`. */
export class CoGroupedRDD<K> extends RDD<[K, unknown[][]]> {
  constructor(parents: RDD<[K, unknown]>[], numPartitions: number) {
    const sc = parents[0]!.sc;
    checkPartitions(numPartitions, 'cogroup');
    const deps: Dependency[] = parents.map((rdd) => ({
      kind: 'shuffle' as const, shuffleId: sc.newShuffleId(), rdd: rdd as RDD<unknown>, partitioner: () => new HashPartitioner(numPartitions).spec(),
    }));
    const ids = deps.map((d) => (d as { shuffleId: number }).shuffleId);
    super(sc, numPartitions, 'cogroup', deps, (p) => ({ t: 'cogroup', shuffleIds: ids, partition: p }));
  }
}
