import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { newIoEncryptionKey } from '../util/ioEncryption.js';
import { join, resolve, basename } from 'node:path';
import { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { driverHost } from '../conf/hostAddress.js';
import { checkNodeSettings } from '../conf/nodeOptions.js';
import type { ShippedFunction } from './closure.js';
import { RDD } from './RDD.js';
import type { Plan, Sink } from './plan.js';
import { Broadcast } from './Broadcast.js';
import { CollectionAccumulator, LongAccumulator, type Accumulator } from './Accumulator.js';
import { compile } from '../executor/functions.js';
import { DAGScheduler, type RDDLike } from '../scheduler/DAGScheduler.js';
import { TaskScheduler } from '../scheduler/TaskScheduler.js';
import { ListenerBus } from '../scheduler/ListenerBus.js';
import { MapOutputTracker } from '../scheduler/MapOutputTracker.js';
import type { SchedulerBackend } from '../scheduler/SchedulerBackend.js';
import type { SparkListener } from '../scheduler/events.js';
import { createBackend } from '../scheduler/clusterManagers.js';
import { ConsoleProgressBar } from './ConsoleProgressBar.js';
import type { DriverStatusServer } from '../ui/DriverStatusServer.js';
import { SparkUI } from '../ui/SparkUI.js';
import { startDriverUi } from './driverUi.js';
import { ModuleRef } from './ModuleRef.js';
import { broadcastIds, prepareLineage } from './jobPreparation.js';
import { ExecutorAllocationManager, allocationPolicy } from '../scheduler/ExecutorAllocationManager.js';
import { IllegalArgumentException, SparkException } from '../util/errors.js';
import { getLogger } from '../util/logging.js';
import { textFileSplits } from '../io/inputs.js';
import { wholeFilesSplits } from '../io/packFiles.js';
import { ioSettings } from '../io/ioSettings.js';
import { taskMemorySettings } from '../memory/settings.js';

const log = getLogger('SparkContext');

let active: SparkContext | undefined;

/**
 * The entry point: connects to a cluster (`local[N]` worker threads by default, or a cluster manager such as Mesos),
 * creates RDDs, and runs jobs.
 */
export class SparkContext {
  readonly conf: SparkConf;
  readonly master: string;
  readonly appName: string;
  private readonly backend: SchedulerBackend;
  private readonly bus = new ListenerBus();
  private readonly outputs = new MapOutputTracker();
  private readonly taskScheduler: TaskScheduler;
  private readonly dag: DAGScheduler;
  private readonly localDir: string;
  private started: Promise<void>;
  private readonly broadcasts = new Map<number, unknown>();
  private readonly accumulators = new Map<number, Accumulator<unknown, unknown>>();
  private readonly blocks = new Map<string, Set<string>>();
  private readonly progress: ConsoleProgressBar | undefined;
  private allocationManager: ExecutorAllocationManager | undefined;
  private statusServer: DriverStatusServer | undefined;
  private appUi: SparkUI | undefined;
  private nextRdd = 0;
  private nextShuffle = 0;
  private nextBroadcast = 0;
  private nextAccumulator = 0;
  private jobGroup: { id: string; description: string | undefined } | undefined;
  private stopped = false;
  readonly startTime = Date.now();

  constructor(conf: SparkConf = new SparkConf()) {
    if (active && !active.stopped) {
      throw new SparkException('Only one SparkContext should be running in this process; stop() the running one first, or use SparkContext.getOrCreate()');
    }
    this.conf = conf.clone();
    this.master = this.conf.get(config.MASTER);
    const appName = this.conf.get(config.APP_NAME);
    if (appName === undefined) throw new SparkException('An application name must be set in your configuration (spark.app.name, or SparkConf.setAppName)');
    this.appName = appName;
    checkNodeSettings(this.conf);
    // One key per application, made here and handed to executors with their configuration (a Mesos secret).
    if (this.conf.get(config.IO_ENCRYPTION_ENABLED) && !this.conf.get(config.IO_ENCRYPTION_KEY)) {
      this.conf.set(config.IO_ENCRYPTION_KEY.key, newIoEncryptionKey(this.conf.get(config.IO_ENCRYPTION_KEY_SIZE_BITS)));
    }
    // Dynamic allocation (not in local mode, as in Spark) must not lose shuffle output an active job needs: either it
    // outlives executors (the external shuffle service) or executors holding it are kept (shuffle tracking).
    const dynamicAllocation = this.conf.get(config.DYN_ALLOC_ENABLED) && (!/^local(\[|$)/.test(this.master) || this.conf.get(config.DYN_ALLOC_TESTING));
    const shuffleTracking = !this.conf.get(config.SHUFFLE_SERVICE_ENABLED) && this.conf.get(config.DYN_ALLOC_SHUFFLE_TRACKING_ENABLED);
    if (dynamicAllocation && !this.conf.get(config.SHUFFLE_SERVICE_ENABLED) && !shuffleTracking && !this.conf.get(config.DYN_ALLOC_TESTING)) {
      throw new SparkException('Dynamic allocation of executors requires the external shuffle service (spark.shuffle.service.enabled) or shuffle tracking (spark.dynamicAllocation.shuffleTracking.enabled).');
    }
    // Validated before anything starts.
    const policy = dynamicAllocation ? allocationPolicy(this.conf) : undefined;
    SparkUI.checkSettings(this.conf);
    const base = this.conf.get(config.LOCAL_DIR);
    mkdirSync(base, { recursive: true });
    this.localDir = mkdtempSync(join(base, 'spark-mesos-'));
    const created = createBackend(this.master, this.conf);
    this.backend = created.backend;
    this.taskScheduler = new TaskScheduler(this.backend, this.bus, (id) => this.broadcasts.get(id), (id) => {
      this.dag.executorLost(id);
      for (const holders of this.blocks.values()) holders.delete(id);
    }, this.conf.get(config.LOCALITY_WAIT), this.conf.get(config.EXCLUDE_ON_FAILURE_MAX_FAILED_TASKS_PER_EXECUTOR));
    this.dag = new DAGScheduler(this.taskScheduler, this.outputs, this.bus, {
      // Local mode does not retry unless local[N,F] or an explicit spark.task.maxFailures says so.
      maxTaskFailures: this.conf.contains(config.TASK_MAX_FAILURES.key) ? this.conf.get(config.TASK_MAX_FAILURES) : (created.maxTaskFailures ?? this.conf.get(config.TASK_MAX_FAILURES)),
      localDir: this.localDir,
      spillThreshold: this.conf.get(config.SHUFFLE_SPILL_THRESHOLD),
      memory: taskMemorySettings(this.master, this.conf, this.conf.get(config.DEFAULT_PARALLELISM) ?? this.backend.defaultParallelism()),
      maxBytesInFlight: this.conf.get(config.REDUCER_MAX_SIZE_IN_FLIGHT) * 1024 * 1024,
      fetchTimeoutMs: this.conf.get(config.NETWORK_TIMEOUT) * 1000,
      appPath: this.conf.getOption('spark.submit.appFile') ?? (process.argv[1] ? resolve(process.argv[1]) : undefined),
      broadcastIdsOf: broadcastIds,
      onBlocks: (executorId, blocks) => {
        for (const b of blocks) {
          let s = this.blocks.get(b);
          if (!s) this.blocks.set(b, (s = new Set()));
          s.add(executorId);
        }
      },
    });
    const ui = startDriverUi(this.conf, this.bus, {
      appName: this.appName, master: this.master, startTime: this.startTime, applicationId: () => this.applicationId, backend: this.backend,
      killJob: (id) => this.dag.cancelJob(id, 'killed via the Web UI'), killStage: (id) => this.dag.cancelStage(id, 'killed via the Web UI'),
    });
    this.appUi = ui.appUi;
    this.statusServer = ui.statusServer;
    if (this.conf.get(config.UI_SHOW_CONSOLE_PROGRESS) && process.stderr.isTTY) {
      this.progress = new ConsoleProgressBar(process.stderr);
      this.bus.add((e) => this.progress!.onEvent(e));
    }
    this.started = ui.started.then(() => this.backend.start({
      executorAdded: (e) => this.taskScheduler.executorAdded(e),
      executorRemoved: (id, reason) => this.taskScheduler.executorRemoved(id, reason),
      statusUpdate: (u) => this.taskScheduler.statusUpdate(u),
      resourceOffers: (offers) => this.taskScheduler.resourceOffers(offers),
      pendingTasks: () => this.taskScheduler.pendingCount,
      abort: (reason) => this.dag.abortAllJobs(reason),
      executorDecommissioning: (id) => this.taskScheduler.decommissionExecutor(id),
      executorRecommissioned: (id) => this.taskScheduler.recommissionExecutor(id),
      shuffleOutputsOn: (id) => this.outputs.outputsOn(id),
      shuffleOutputMoved: (from, to) => this.outputs.moveOutput(from, to),
      ...(this.statusServer?.url !== undefined ? { uiWebUrl: this.statusServer.url } : {}),
    }));
    this.started = this.started.then(() => this.appUi?.start(this.applicationId, driverHost(this.conf)));
    if (policy && this.backend.requestTotalExecutors && this.backend.killExecutors) {
      const cores = this.conf.contains(config.EXECUTOR_CORES.key) ? this.conf.get(config.EXECUTOR_CORES) : 1;
      this.started = this.started.then(async () => {
        this.allocationManager = new ExecutorAllocationManager(policy, this.backend, this.taskScheduler, cores,
          (id) => [...this.blocks.values()].some((holders) => holders.has(id)),
          shuffleTracking ? () => this.outputs.holders(this.dag.activeShuffleIds()) : undefined);
        await this.allocationManager.start();
      });
    }
    this.started.catch((err) => log.error({ err }, 'scheduler backend failed to start'));
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the process-wide active context, as Spark keeps it
    active = this;
    log.info({ app: this.appName, master: this.master }, 'SparkContext started');
  }

  /** The running context, or a new one from `conf`. */
  static getOrCreate(conf?: SparkConf): SparkContext {
    if (active && !active.stopped) return active;
    return new SparkContext(conf);
  }

  /** Resolves once the cluster is ready for jobs (executors registered, or the backend's own readiness rule). */
  async ready(): Promise<void> {
    await this.started;
  }

  get applicationId(): string {
    return this.backend.applicationId;
  }

  get defaultParallelism(): number {
    return this.conf.get(config.DEFAULT_PARALLELISM) ?? this.backend.defaultParallelism();
  }

  get defaultMinPartitions(): number {
    return Math.min(this.defaultParallelism, 2);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** The scheduler backend (for tools and tests that need the cluster's details). */
  get schedulerBackend(): SchedulerBackend {
    return this.backend;
  }

  /** Where the driver serves `/metrics/prometheus` and `/api/status` (when `spark.ui.enabled`). */
  get uiAddress(): { host: string; port: number } | undefined {
    return this.statusServer?.address;
  }

  /** The driver UI's URL as others reach it (Spark's `sc.uiWebUrl`), when it runs. */
  get uiWebUrl(): string | undefined {
    return this.statusServer?.url;
  }

  /** Executors currently registered. */
  get executorIds(): string[] {
    return this.taskScheduler.executorIds;
  }

  newRddId(): number {
    return this.nextRdd++;
  }

  newShuffleId(): number {
    return this.nextShuffle++;
  }

  addSparkListener(l: SparkListener): () => void {
    return this.bus.add(l);
  }

  // ------------------------------------------------------------------------------------------ creating RDDs

  /** Distributes a local collection over `numSlices` partitions (default: the default parallelism). */
  parallelize<T>(items: Iterable<T>, numSlices: number = this.defaultParallelism): RDD<T> {
    const data = [...items];
    if (!Number.isInteger(numSlices) || numSlices < 1) throw new IllegalArgumentException(`parallelize: numSlices should be a whole number of at least 1, but was ${numSlices}`);
    return new RDD<T>(this, numSlices, 'ParallelCollectionRDD', [], (p) => ({
      t: 'data',
      items: data.slice(Math.floor((p * data.length) / numSlices), Math.floor(((p + 1) * data.length) / numSlices)),
    }));
  }

  /** `start, start + step, ...` up to `end` (exclusive); with one argument, `0` to it. */
  range(start: number, end?: number, step = 1, numSlices: number = this.defaultParallelism): RDD<number> {
    if (end === undefined) {
      end = start;
      start = 0;
    }
    if (step === 0) throw new IllegalArgumentException('range: step cannot be 0');
    if (!Number.isInteger(numSlices) || numSlices < 1) throw new IllegalArgumentException(`range: numSlices should be a whole number of at least 1, but was ${numSlices}`);
    const n = Math.max(0, Math.ceil((end - start) / step));
    const s = start;
    const e = end;
    return new RDD<number>(this, numSlices, 'RangeRDD', [], (p) => {
      const from = Math.floor((p * n) / numSlices);
      const to = Math.floor(((p + 1) * n) / numSlices);
      return { t: 'range', start: s + from * step, end: p === numSlices - 1 ? e : s + to * step, step };
    });
  }

  emptyRDD<T>(): RDD<T> {
    return new RDD<T>(this, 0, 'EmptyRDD', [], () => ({ t: 'empty' }));
  }

  union<T>(rdds: RDD<T>[]): RDD<T> {
    const offsets: [RDD<T>, number][] = [];
    for (const r of rdds) for (let p = 0; p < r.numPartitions; p++) offsets.push([r, p]);
    return new RDD<T>(this, offsets.length, 'UnionRDD', rdds.map((rdd) => ({ kind: 'narrow' as const, rdd })), (p) => {
      const [r, q] = offsets[p]!;
      return r.plan(q);
    });
  }

  /**
   * Lines of text files: a file, a directory (its visible files), a glob, or a comma-separated list of them, local
   * (with or without `file://`), `s3a://`/`s3://` or `http(s)://`. Files are split into at least `minPartitions`
   * line-aligned byte ranges; compressed files (`.gz`, `.bz2`, `.zst`, `.lz4`) are read whole, one split each.
   */
  textFile(path: string, minPartitions: number = this.defaultMinPartitions): RDD<string> {
    // Listing and split planning for every store live in src/io (inputs.ts).
    const splits: Plan[] = textFileSplits(path, minPartitions, ioSettings(this.conf)).map((s) => ({ t: 'text', ...s }));
    return new RDD<string>(this, splits.length, `textFile ${basename(path)}`, [], (p) => splits[p]!);
  }

  /**
   * `[path, content]` of each whole file, content decompressed by extension and decoded as UTF-8; paths as
   * `textFile` takes them, keys as Spark gives them (`file:/abs/path`, `s3a://bucket/key`, the URL). Files are packed
   * into at most `minPartitions` partitions by size, a file never split (src/io/packFiles.ts).
   */
  wholeTextFiles(path: string, minPartitions: number = this.defaultMinPartitions): RDD<[string, string]> {
    return this.wholeFiles<string>(path, minPartitions, false, `wholeTextFiles ${basename(path)}`);
  }

  /** `[path, bytes]` of each whole file, as `wholeTextFiles` packs them; raw bytes, never decompressed. */
  binaryFiles(path: string, minPartitions: number = this.defaultMinPartitions): RDD<[string, Buffer]> {
    return this.wholeFiles<Buffer>(path, minPartitions, true, `binaryFiles ${basename(path)}`);
  }

  private wholeFiles<V>(path: string, minPartitions: number, binary: boolean, name: string): RDD<[string, V]> {
    const splits: Plan[] = wholeFilesSplits(path, minPartitions, ioSettings(this.conf), !binary).map((s) => ({ t: 'wholeFiles', binary, ...s }));
    return new RDD<[string, V]>(this, splits.length, name, [], (p) => splits[p]!);
  }

  // ------------------------------------------------------------------------------------------ shared variables

  broadcast<T>(value: T): Broadcast<T> {
    const id = this.nextBroadcast++;
    this.broadcasts.set(id, value);
    return new Broadcast(id, value, (bid) => this.taskScheduler.forgetBroadcast(bid));
  }

  longAccumulator(name?: string): LongAccumulator {
    const a = new LongAccumulator(this.nextAccumulator++, name);
    this.accumulators.set(a.id, a as Accumulator<unknown, unknown>);
    return a;
  }

  collectionAccumulator<T>(name?: string): CollectionAccumulator<T> {
    const a = new CollectionAccumulator<T>(this.nextAccumulator++, name);
    this.accumulators.set(a.id, a as Accumulator<unknown, unknown>);
    return a;
  }

  /**
   * A module (npm package or the application's own file) for shipped functions: put the result in an env and use it
   * there as the module's namespace. Typed as `T` (the module's type, e.g. `typeof import('./lib.js')`) so the
   * function body type-checks; on the driver it is only a reference.
   */
  module<T = any>(specifier: string): T {
    return new ModuleRef(specifier) as unknown as T;
  }

  // ------------------------------------------------------------------------------------------ jobs

  setJobGroup(groupId: string, description?: string): void {
    this.jobGroup = { id: groupId, description };
  }

  clearJobGroup(): void {
    this.jobGroup = undefined;
  }

  cancelJobGroup(groupId: string): void {
    this.dag.cancelJobGroup(groupId);
  }

  cancelAllJobs(): void {
    this.dag.cancelAllJobs();
  }

  /** Runs a job over some partitions of `rdd` (all by default), handing each partition's result to `onResult`. */
  async runJob(rdd: RDDLike, sink: Sink, onResult: (partition: number, value: unknown) => void, action: string, partitions?: number[]): Promise<void> {
    // The job group in force when the action was called (before any await).
    const group = this.jobGroup;
    if (this.stopped) throw new SparkException('Cannot run a job on a stopped SparkContext');
    await this.started;
    await prepareLineage(rdd);
    const accUpdates = (updates: Record<number, unknown[]>) => {
      for (const [id, list] of Object.entries(updates)) this.accumulators.get(Number(id))?.merge(list);
    };
    await this.dag.runJob(rdd, partitions ?? Array.from({ length: rdd.numPartitions }, (_, i) => i), sink, onResult, accUpdates, {
      action,
      ...(group ? { group: group.id, description: group.description } : {}),
    });
  }

  /** Compiles a shipped function for use on the driver (merging partial results). */
  compileOnDriver<F extends (...a: any[]) => any>(f: ShippedFunction): Promise<F> {
    return compile<F>(f, {
      appPath: undefined,
      broadcast: (id) => this.broadcasts.get(id),
      accumulate: (id, v) => this.accumulators.get(id)?.merge([v]),
    });
  }

  blockLocations(block: string): string[] {
    return [...(this.blocks.get(block) ?? [])];
  }

  dropBlocks(prefix: string): void {
    for (const k of [...this.blocks.keys()]) if (k.startsWith(prefix)) this.blocks.delete(k);
    const rdd = /^rdd_(\d+)_$/.exec(prefix);
    if (rdd) this.bus.post({ type: 'unpersistRDD', rddId: Number(rdd[1]), time: Date.now() });
    this.backend.dropBlocks(prefix);
  }

  /** Stops executors and removes temporary files. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.dag.cancelAllJobs();
    this.allocationManager?.stop();
    this.bus.drain();
    this.progress?.clear();
    try {
      await this.started.catch(() => undefined);
      await this.backend.stop();
      this.bus.drain();
      // The HTTP server first (as Spark stops the UI before the listener bus): no request waits on a stopping thread.
      await this.statusServer?.stop();
      await this.appUi?.stop();
    } finally {
      rmSync(this.localDir, { recursive: true, force: true });
      if (active === this) active = undefined;
      log.info({ app: this.appName }, 'SparkContext stopped');
    }
  }
}
