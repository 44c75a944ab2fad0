import { FunctionRef, internalFunction, shipFunction, type Env, type ShippedFunction } from './closure.js';
import { compareKeys, KeyMap, keyString } from './keys.js';
import type { Aggregation, Op, PartitionerSpec, Plan, Sink, SortSpec } from './plan.js';
import { HashPartitioner, type Partitioner } from './Partitioner.js';
import { StatCounter } from './StatCounter.js';
import type { Dependency, RDDLike } from '../scheduler/DAGScheduler.js';
import { rangeBounds } from '../shuffle/partitioning.js';
import { IllegalArgumentException, SparkException } from '../util/errors.js';
import type { SparkContext } from './SparkContext.js';
import { saveTextFile } from '../io/saveTextFile.js';
import { parseStorageLevel, type StorageLevel } from '../memory/storageLevel.js';

/** `numPartitions` or an env, in either order, as the optional tail of a shuffle operation's arguments. */
type Tail = [numPartitionsOrEnv?: number | Env, env?: Env];

function tail(args: Tail): { numPartitions: number | undefined; env: Env | undefined } {
  const [a, b] = args;
  if (typeof a === 'number') return { numPartitions: a, env: b };
  return { numPartitions: undefined, env: a };
}

function checkPartitions(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new IllegalArgumentException(`${what}: numPartitions should be a whole number of at least 1, but was ${n}`);
  return n;
}

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
    return this.cached ? { t: 'cached', block: `rdd_${this.id}_${p}`, parent: base, ...(this.level !== 'MEMORY_ONLY' ? { level: this.level } : {}) } : base;
  }

  preferredExecutors(p: number): string[] {
    if (this.cached) {
      const where = this.sc.blockLocations(`rdd_${this.id}_${p}`);
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
    try {
      this.level = parseStorageLevel(level);
    } catch (err) {
      throw new IllegalArgumentException((err as Error).message);
    }
    this.cached = true;
    return this;
  }

  unpersist(): this {
    this.cached = false;
    this.sc.dropBlocks(`rdd_${this.id}_`);
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
    const offsets: number[] = [];
    return new RDD<[T, number]>(
      this.sc,
      this.numPartitions,
      'zipWithIndex',
      [{ kind: 'narrow', rdd: this }],
      (p) => ({ t: 'op', op: { k: 'zipWithIndex', offset: offsets[p] ?? 0 }, parent: this.plan(p) }),
      this as RDD<unknown>,
      async () => {
        const counts = new Array<number>(this.numPartitions).fill(0);
        await this.sc.runJob(this, { k: 'count' }, (p, v) => (counts[p] = v as number), 'zipWithIndex');
        let acc = 0;
        for (let p = 0; p < counts.length; p++) {
          offsets[p] = acc;
          acc += counts[p]!;
        }
      },
    );
  }

  sortBy<K>(f: (x: T) => K, ascending = true, numPartitions?: number, env?: Env): RDD<T> {
    return this.keyBy(f, env).sortByKey(ascending, numPartitions).values();
  }

  // ------------------------------------------------------------------------------------------ pair transformations

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
    const { numPartitions, env } = tail(rest);
    const agg: Aggregation = {
      createCombiner: shipFunction(createCombiner, env, 'combineByKey'),
      mergeValue: shipFunction(mergeValue, env, 'combineByKey'),
      mergeCombiners: shipFunction(mergeCombiners, env, 'combineByKey'),
      mapSideCombine: true,
    };
    return new ShuffledRDD<K, V, C>(this, hash(numPartitions ?? this.sc.defaultParallelism, 'combineByKey'), 'combineByKey', agg);
  }

  reduceByKey<K, V>(this: RDD<[K, V]>, f: (a: V, b: V) => V, ...rest: Tail): RDD<[K, V]> {
    const { numPartitions, env } = tail(rest);
    const agg = reduceAgg(shipFunction(f, env, 'reduceByKey'));
    return new ShuffledRDD<K, V, V>(this, hash(numPartitions ?? this.sc.defaultParallelism, 'reduceByKey'), 'reduceByKey', agg);
  }

  foldByKey<K, V>(this: RDD<[K, V]>, zero: V, f: (a: V, b: V) => V, ...rest: Tail): RDD<[K, V]> {
    const { numPartitions, env } = tail(rest);
    const g = new FunctionRef(shipFunction(f, env, 'foldByKey'));
    const agg: Aggregation = {
      createCombiner: internalFunction('(v) => f(structuredClone(zero), v)', { f: g, zero }),
      mergeValue: internalFunction('(c, v) => f(c, v)', { f: g }),
      mergeCombiners: internalFunction('(a, b) => f(a, b)', { f: g }),
      mapSideCombine: true,
    };
    return new ShuffledRDD<K, V, V>(this, hash(numPartitions ?? this.sc.defaultParallelism, 'foldByKey'), 'foldByKey', agg);
  }

  aggregateByKey<K, V, U>(this: RDD<[K, V]>, zero: U, seqOp: (acc: U, v: V) => U, combOp: (a: U, b: U) => U, ...rest: Tail): RDD<[K, U]> {
    const { numPartitions, env } = tail(rest);
    const seq = new FunctionRef(shipFunction(seqOp, env, 'aggregateByKey'));
    const agg: Aggregation = {
      createCombiner: internalFunction('(v) => seq(structuredClone(zero), v)', { seq, zero }),
      mergeValue: internalFunction('(c, v) => seq(c, v)', { seq }),
      mergeCombiners: shipFunction(combOp, env, 'aggregateByKey'),
      mapSideCombine: true,
    };
    return new ShuffledRDD<K, V, U>(this, hash(numPartitions ?? this.sc.defaultParallelism, 'aggregateByKey'), 'aggregateByKey', agg);
  }

  /** All values of each key, in one array. No map-side combining (it would not shrink the data), as in Spark. */
  groupByKey<K, V>(this: RDD<[K, V]>, numPartitions?: number): RDD<[K, V[]]> {
    const agg: Aggregation = {
      createCombiner: internalFunction('(v) => [v]'),
      mergeValue: internalFunction('(c, v) => { c.push(v); return c; }'),
      mergeCombiners: internalFunction('(a, b) => a.concat(b)'),
      mapSideCombine: false,
    };
    return new ShuffledRDD<K, V, V[]>(this, hash(numPartitions ?? this.sc.defaultParallelism, 'groupByKey'), 'groupByKey', agg);
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
    const n = checkPartitions(numPartitions ?? this.numPartitions, 'sortByKey');
    let bounds: unknown[] = [];
    const sort: SortSpec = { ascending };
    return new ShuffledRDD<K, V, V>(this, () => ({ kind: 'range', numPartitions: n, bounds, ascending }), 'sortByKey', undefined, sort, async () => {
      // Sample keys to cut the key space into `n` ranges of similar size (Spark's RangePartitioner).
      const perPartition = Math.ceil((20 * n) / Math.max(1, this.numPartitions)) + 10;
      const sample: unknown[] = [];
      await this.sc.runJob(this, { k: 'sampleKeys', n: perPartition, seed: 42 }, (_p, v) => sample.push(...(v as { sample: unknown[] }).sample), 'sortByKey sample');
      bounds = rangeBounds(sample, n);
    });
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

  private run(sink: Sink, onResult: (p: number, v: unknown) => void, action: string, partitions?: number[]): Promise<void> {
    return this.sc.runJob(this, sink, onResult, action, partitions);
  }

  async collect(): Promise<T[]> {
    const parts: unknown[][] = new Array(this.numPartitions);
    await this.run({ k: 'collect' }, (p, v) => (parts[p] = v as unknown[]), 'collect');
    return parts.flat() as T[];
  }

  async count(): Promise<number> {
    let n = 0;
    await this.run({ k: 'count' }, (_p, v) => (n += v as number), 'count');
    return n;
  }

  async sum(this: RDD<number>): Promise<number> {
    let s = 0;
    await this.run({ k: 'sum' }, (_p, v) => (s += v as number), 'sum');
    return s;
  }

  async stats(this: RDD<number>): Promise<StatCounter> {
    const st = new StatCounter();
    await this.run({ k: 'stats' }, (_p, v) => st.mergeStats(StatCounter.fromJSON(v as never)), 'stats');
    return st;
  }

  async mean(this: RDD<number>): Promise<number> {
    return (await this.stats()).mean;
  }

  async reduce(f: (a: T, b: T) => T, env?: Env): Promise<T> {
    const shipped = shipFunction(f, env, 'reduce');
    const merge = await this.sc.compileOnDriver<(a: T, b: T) => T>(shipped);
    const parts: ({ acc: T } | null)[] = new Array(this.numPartitions).fill(null);
    await this.run({ k: 'reduce', f: shipped }, (p, v) => (parts[p] = v as { acc: T } | null), 'reduce');
    const present = parts.filter((x): x is { acc: T } => x !== null);
    if (present.length === 0) throw new SparkException('reduce: empty collection');
    return present.map((x) => x.acc).reduce((a, b) => merge(a, b));
  }

  async fold(zero: T, f: (a: T, b: T) => T, env?: Env): Promise<T> {
    const shipped = shipFunction(f, env, 'fold');
    const merge = await this.sc.compileOnDriver<(a: T, b: T) => T>(shipped);
    const parts: T[] = new Array(this.numPartitions);
    await this.run({ k: 'fold', zero, f: shipped }, (p, v) => (parts[p] = v as T), 'fold');
    return parts.reduce((a, b) => merge(a, b), structuredClone(zero));
  }

  async aggregate<U>(zero: U, seqOp: (acc: U, x: T) => U, combOp: (a: U, b: U) => U, env?: Env): Promise<U> {
    const comb = await this.sc.compileOnDriver<(a: U, b: U) => U>(shipFunction(combOp, env, 'aggregate'));
    const parts: U[] = new Array(this.numPartitions);
    await this.run({ k: 'aggregate', zero, seqOp: shipFunction(seqOp, env, 'aggregate') }, (p, v) => (parts[p] = v as U), 'aggregate');
    return parts.reduce((a, b) => comb(a, b), structuredClone(zero));
  }

  /** The first `n` elements, scanning as few partitions as it can (1, then 4 times more each round). */
  async take(n: number): Promise<T[]> {
    const out: T[] = [];
    let scanned = 0;
    let batch = 1;
    while (out.length < n && scanned < this.numPartitions) {
      const parts = Array.from({ length: Math.min(batch, this.numPartitions - scanned) }, (_, i) => scanned + i);
      const results = new Map<number, T[]>();
      const want = n - out.length;
      await this.run({ k: 'take', n: want }, (p, v) => results.set(p, v as T[]), 'take', parts);
      for (const p of parts) out.push(...(results.get(p) ?? []).slice(0, n - out.length));
      scanned += parts.length;
      batch *= 4;
    }
    return out;
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
  async takeOrdered(n: number, keyFn?: (x: T) => unknown, env?: Env): Promise<T[]> {
    return this.ordered(n, keyFn, env, false, 'takeOrdered');
  }

  /** The `n` largest elements (by `keyFn` when given), largest first. */
  async top(n: number, keyFn?: (x: T) => unknown, env?: Env): Promise<T[]> {
    return this.ordered(n, keyFn, env, true, 'top');
  }

  private async ordered(n: number, keyFn: ((x: T) => unknown) | undefined, env: Env | undefined, descending: boolean, what: string): Promise<T[]> {
    const shipped = keyFn ? shipFunction(keyFn, env, what) : undefined;
    const all: T[] = [];
    await this.run({ k: 'takeOrdered', n, descending, ...(shipped ? { keyFn: shipped } : {}) }, (_p, v) => all.push(...(v as T[])), what);
    const key = shipped ? await this.sc.compileOnDriver<(x: T) => unknown>(shipped) : (x: T) => x;
    return all
      .map((x) => [key(x), x] as const)
      .sort((a, b) => (descending ? compareKeys(b[0], a[0]) : compareKeys(a[0], b[0])))
      .slice(0, n)
      .map(([, x]) => x);
  }

  async foreach(f: (x: T) => void | Promise<void>, env?: Env): Promise<void> {
    await this.run({ k: 'foreach', f: shipFunction(f, env, 'foreach') }, () => undefined, 'foreach');
  }

  async foreachPartition(f: (it: Iterator<T>) => void | Promise<void>, env?: Env): Promise<void> {
    await this.run({ k: 'foreachPartition', f: shipFunction(f, env, 'foreachPartition') }, () => undefined, 'foreachPartition');
  }

  /** Merges per-partition `[key, count]` lists into one Map (keys compared by value, kept as first seen). */
  private async countBy<K>(sink: Sink, action: string): Promise<Map<K, number>> {
    const m = new KeyMap<number>();
    await this.run(sink, (_p, v) => {
      for (const [k, n] of v as [K, number][]) {
        const cur = m.get(k);
        if (cur) cur[1] += n;
        else m.set(k, n);
      }
    }, action);
    return new Map(m.toArray() as [K, number][]);
  }

  /** How many times each distinct element occurs. Keys of the Map are the elements as first seen. */
  countByValue(): Promise<Map<T, number>> {
    return this.countBy<T>({ k: 'countByValue' }, 'countByValue');
  }

  countByKey<K, V>(this: RDD<[K, V]>): Promise<Map<K, number>> {
    return this.countBy<K>({ k: 'countByKey' }, 'countByKey');
  }

  /** Key to value; for a repeated key the last value wins (by partition order). */
  async collectAsMap<K, V>(this: RDD<[K, V]>): Promise<Map<K, V>> {
    const m = new Map<string, [K, V]>();
    for (const [k, v] of await this.collect()) m.set(keyString(k), [k, v]);
    return new Map([...m.values()]);
  }

  /**
   * Writes one `part-NNNNN` file per partition (tuples as `(a,b)`), compressed with `codec` (`gzip`, `bzip2`, `zstd`,
   * `lz4` or a Hadoop codec class name) when given, then `_SUCCESS`, through the output commit protocol of `src/io`.
   */
  async saveAsTextFile(path: string, codec?: string): Promise<void> {
    await saveTextFile(this.sc.conf, path, codec, (spec, onResult) => this.run({ k: 'save', ...spec }, onResult, 'saveAsTextFile'));
  }
}

function hash(n: number, what: string): () => PartitionerSpec {
  checkPartitions(n, what);
  return () => new HashPartitioner(n).spec();
}

function reduceAgg(f: ShippedFunction): Aggregation {
  return { createCombiner: internalFunction('(v) => v'), mergeValue: f, mergeCombiners: f, mapSideCombine: true };
}

/** The reduce side of a shuffle: one partition per reducer, combined and/or sorted as the shuffle says. */
export class ShuffledRDD<K, V, C> extends RDD<[K, C]> {
  readonly shuffleId: number;

  constructor(
    parent: RDD<[K, V]>,
    partitioner: () => PartitionerSpec,
    what: string,
    agg?: Aggregation,
    sort?: SortSpec,
    prepare?: () => Promise<void>,
  ) {
    const sc = parent.sc;
    const shuffleId = sc.newShuffleId();
    const n = partitioner().numPartitions;
    super(
      sc,
      n,
      what,
      [{ kind: 'shuffle', shuffleId, rdd: parent as RDD<unknown>, partitioner, ...(agg ? { agg } : {}), ...(prepare ? { prepare } : {}) }],
      (p) => ({ t: 'shuffle', shuffleId, partition: p, ...(agg ? { agg } : {}), ...(sort ? { sort } : {}) }),
    );
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
