/**
 * What a task carries to compute one partition: a tree of plain data (structured-cloneable), built by the driver
 * from the RDD lineage up to the stage's shuffle boundaries. Functions travel as source plus env.
 */
import type { ShippedFunction } from './closure.js';
import type { TaskMemorySettings } from '../memory/settings.js';
import type { StorageLevel } from '../memory/storageLevel.js';
import type { OutputSpec } from '../io/commitProtocol.js';
import type { TaskMetricsLite } from '../scheduler/events.js';

export type Op =
  | { k: 'map'; f: ShippedFunction }
  | { k: 'filter'; f: ShippedFunction }
  | { k: 'flatMap'; f: ShippedFunction }
  | { k: 'mapValues'; f: ShippedFunction }
  | { k: 'flatMapValues'; f: ShippedFunction }
  | { k: 'keyBy'; f: ShippedFunction }
  | { k: 'mapPartitions'; f: ShippedFunction; withIndex: boolean }
  | { k: 'sample'; withReplacement: boolean; fraction: number; seed: number }
  | { k: 'zipWithIndex'; offset: number }
  | { k: 'join'; mode: 'inner' | 'left' | 'right' | 'full' };

/** Ops that can be fused into one loop (one element in, zero or more out, no state). */
export const FUSABLE = new Set<Op['k']>(['map', 'filter', 'flatMap', 'mapValues', 'flatMapValues', 'keyBy']);

/** How a shuffle combines values per key (Spark's Aggregator). */
export interface Aggregation {
  createCombiner: ShippedFunction;
  mergeValue: ShippedFunction;
  mergeCombiners: ShippedFunction;
  /** Whether map tasks already combined (then reducers merge combiners). */
  mapSideCombine: boolean;
}

export interface SortSpec {
  ascending: boolean;
  /** Sort by `keyFn(key)` instead of the key. */
  keyFn?: ShippedFunction;
}

export type PartitionerSpec =
  | { kind: 'hash'; numPartitions: number }
  | { kind: 'range'; numPartitions: number; bounds: unknown[]; ascending: boolean; keyFn?: ShippedFunction }
  | { kind: 'roundRobin'; numPartitions: number };

export type Plan =
  | { t: 'data'; items: unknown[] }
  | { t: 'range'; start: number; end: number; step: number }
  /** A byte range of a text file; `io` carries a remote store's `spark.hadoop.*` settings, `fileSize` its size (src/io). */
  | { t: 'text'; path: string; start: number; end: number; io?: Record<string, string>; fileSize?: number }
  /** Whole files read into memory, one `[path, content]` record each: text (decompressed, UTF-8) or raw bytes. */
  | { t: 'wholeFiles'; files: { path: string; size: number }[]; binary: boolean; io?: Record<string, string> }
  | { t: 'empty' }
  | { t: 'op'; op: Op; parent: Plan }
  | { t: 'concat'; parents: Plan[] }
  | { t: 'shuffle'; shuffleId: number; partition: number; agg?: Aggregation; sort?: SortSpec }
  | { t: 'cogroup'; shuffleIds: number[]; partition: number }
  | { t: 'cached'; block: string; parent: Plan; level?: StorageLevel };

/** Where a map task's output for each reducer lies. */
export interface MapStatus {
  shuffleId: number;
  mapId: number;
  executorId: string;
  /** Local path of the data file (readable by executors sharing the host) and the byte range per reducer. */
  path: string;
  offsets: number[];
  /** Address of the server of this output: the executor's block server, or the host's external shuffle service. */
  address?: { host: string; port: number };
  /** Set when an external shuffle service serves the output: it outlives the executor. */
  external?: { appId: string };
}

/** What the result of a task is made of. */
export type Sink =
  | { k: 'collect' }
  | { k: 'count' }
  | { k: 'sum' }
  | { k: 'stats' }
  | { k: 'reduce'; f: ShippedFunction }
  | { k: 'fold'; zero: unknown; f: ShippedFunction }
  | { k: 'aggregate'; zero: unknown; seqOp: ShippedFunction }
  | { k: 'take'; n: number }
  | { k: 'takeOrdered'; n: number; keyFn?: ShippedFunction; descending: boolean }
  | { k: 'foreach'; f: ShippedFunction }
  | { k: 'foreachPartition'; f: ShippedFunction }
  | { k: 'countByValue' }
  | { k: 'countByKey' }
  | { k: 'sampleKeys'; n: number; seed: number; keyFn?: ShippedFunction }
  /** Text output through the commit protocol of `src/io` (`dir` is a path or URI). */
  | ({ k: 'save' } & OutputSpec)
  | { k: 'shuffleWrite'; shuffleId: number; mapId: number; partitioner: PartitionerSpec; agg?: Aggregation; dir: string };

export interface TaskDescription {
  taskId: number;
  jobId: number;
  stageId: number;
  stageAttempt: number;
  partition: number;
  attempt: number;
  plan: Plan;
  sink: Sink;
  /** Map outputs of every shuffle the plan reads. */
  shuffleInputs: Record<number, MapStatus[]>;
  /** Broadcast values the executor does not hold yet. */
  broadcasts: Record<number, unknown>;
  /** Local directory for shuffle files and spills. */
  localDir: string;
  /** Spill a shuffle buffer to disk past this many records. */
  spillThreshold: number;
  /** The executor heap's memory pool and spill settings (`src/memory/settings.ts`); absent: no reduce-side spilling. */
  memory?: TaskMemorySettings;
  /** Module path the application was started from, for `require` and module references. */
  appPath: string | undefined;
  /** Reducer fetch window: most bytes of map outputs requested at once (`spark.reducer.maxSizeInFlight`). */
  maxBytesInFlight: number;
  /** A block fetch unanswered this long fails (`spark.network.timeout`), so the map stage runs again. */
  fetchTimeoutMs: number;
}

export interface TaskResult {
  value: unknown;
  accumulators: Record<number, unknown[]>;
  /** Blocks this task cached. */
  blocks: string[];
  mapStatus?: MapStatus;
  /** Records in and out, for metrics. */
  records: number;
  /** What the executor measured (the UI's task metrics). */
  metrics?: TaskMetricsLite;
}
