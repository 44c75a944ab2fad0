/**
 * Dynamic allocation (Spark's ExecutorAllocationManager, simplified): asks the backend for more executors while
 * tasks wait longer than `spark.dynamicAllocation.schedulerBacklogTimeout` (doubling the increase each
 * `sustainedSchedulerBacklogTimeout`), and releases executors idle for `executorIdleTimeout` (or, when they hold
 * cached blocks, `cachedExecutorIdleTimeout`; when they hold shuffle output an active job needs and shuffle tracking is
 * on, `shuffleTracking.timeout`), within `[minExecutors, maxExecutors]`.
 */
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import type { SchedulerBackend } from './SchedulerBackend.js';
import type { TaskScheduler } from './TaskScheduler.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('ExecutorAllocationManager');

export interface AllocationPolicy {
  min: number;
  max: number;
  initial: number;
  backlogTimeoutMs: number;
  sustainedBacklogTimeoutMs: number;
  idleTimeoutMs: number;
  /** Idle timeout of executors holding cached blocks (`spark.dynamicAllocation.cachedExecutorIdleTimeout`). */
  cachedIdleTimeoutMs: number;
  /** Idle timeout of executors holding shuffle output of an active job (`spark.dynamicAllocation.shuffleTracking.timeout`). */
  shuffleIdleTimeoutMs: number;
  ratio: number;
}

export function allocationPolicy(conf: SparkConf): AllocationPolicy {
  const min = conf.get(config.DYN_ALLOC_MIN_EXECUTORS);
  const max = conf.get(config.DYN_ALLOC_MAX_EXECUTORS);
  const initial = Math.max(min, conf.get(config.DYN_ALLOC_INITIAL_EXECUTORS));
  if (min > max) throw new Error(`spark.dynamicAllocation.minExecutors (${min}) must not exceed spark.dynamicAllocation.maxExecutors (${max})`);
  return {
    min, max, initial,
    backlogTimeoutMs: conf.get(config.DYN_ALLOC_SCHEDULER_BACKLOG_TIMEOUT) * 1000,
    sustainedBacklogTimeoutMs: conf.get(config.DYN_ALLOC_SUSTAINED_SCHEDULER_BACKLOG_TIMEOUT) * 1000,
    idleTimeoutMs: conf.get(config.DYN_ALLOC_EXECUTOR_IDLE_TIMEOUT) * 1000,
    cachedIdleTimeoutMs: conf.get(config.DYN_ALLOC_CACHED_EXECUTOR_IDLE_TIMEOUT) * 1000,
    shuffleIdleTimeoutMs: conf.get(config.DYN_ALLOC_SHUFFLE_TRACKING_TIMEOUT) ?? Infinity,
    ratio: conf.get(config.DYN_ALLOC_EXECUTOR_ALLOCATION_RATIO),
  };
}

/** How many executors to want: enough for every waiting and running task (times the ratio), within bounds. */
export function targetExecutors(p: AllocationPolicy, tasks: number, coresPerExecutor: number, current: number, toAdd: number): number {
  const needed = Math.ceil((tasks * p.ratio) / Math.max(1, coresPerExecutor));
  return Math.max(p.min, Math.min(p.max, needed, current + toAdd));
}

export interface IdleExecutor {
  id: string;
  idleForMs: number;
  /** Whether it holds cached blocks (persisted RDD partitions). */
  cached: boolean;
  /** Whether it holds shuffle output an active job needs (only with shuffle tracking). */
  shuffle?: boolean;
}

/**
 * How long an executor may stay idle (Spark's `ExecutorMonitor` rule): holding cached blocks or live shuffle output,
 * the shorter of the timeouts that apply to what it holds; holding neither, `executorIdleTimeout`.
 */
export function idleTimeoutOf(p: AllocationPolicy, e: Pick<IdleExecutor, 'cached' | 'shuffle'>): number {
  if (!e.cached && !e.shuffle) return p.idleTimeoutMs;
  return Math.min(e.cached ? p.cachedIdleTimeoutMs : Infinity, e.shuffle ? p.shuffleIdleTimeoutMs : Infinity);
}

/**
 * Which idle executors to release: those idle past their timeout (the cached-blocks one for executors holding cached
 * blocks, so cached data is not lost to a short idle timeout), in order, keeping `min` of the `live` executors.
 */
export function releasableExecutors(p: AllocationPolicy, idle: readonly IdleExecutor[], live: number): string[] {
  const expired = idle.filter((e) => e.idleForMs >= idleTimeoutOf(p, e)).map((e) => e.id);
  return expired.slice(0, Math.max(0, live - p.min));
}

export class ExecutorAllocationManager {
  private timer: NodeJS.Timeout | undefined;
  private target: number;
  private backlogSince: number | undefined;
  private lastAdd = 0;
  private toAdd = 1;
  private readonly idleSince = new Map<string, number>();
  private readonly killed = new Set<string>();

  constructor(
    private readonly p: AllocationPolicy,
    private readonly backend: SchedulerBackend,
    private readonly tasks: TaskScheduler,
    private readonly coresPerExecutor: number,
    /** Whether an executor holds cached blocks; none do unless told. */
    private readonly hasCachedBlocks: (executorId: string) => boolean = () => false,
    /** The executors holding shuffle output of active jobs (shuffle tracking); none unless told. */
    private readonly activeShuffleHolders: () => ReadonlySet<string> = () => new Set(),
  ) {
    this.target = p.initial;
  }

  async start(): Promise<void> {
    await this.backend.requestTotalExecutors!(this.target, this.tasks.hostToLocalTaskCount());
    this.timer = setInterval(() => void this.tick(), 100);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get targetExecutors(): number {
    return this.target;
  }

  private async tick(now = Date.now()): Promise<void> {
    const executors = this.tasks.executorIds.filter((e) => !this.killed.has(e));
    const pending = this.tasks.pendingCount;
    // Grow on a backlog.
    if (pending > 0) {
      this.backlogSince ??= now;
      const waited = now - this.backlogSince;
      const due = this.lastAdd === 0 ? waited >= this.p.backlogTimeoutMs : now - this.lastAdd >= this.p.sustainedBacklogTimeoutMs;
      if (due) {
        const want = targetExecutors(this.p, pending + this.tasks.runningCount, this.coresPerExecutor, Math.max(this.target, executors.length), this.toAdd);
        if (want > this.target) {
          log.info({ from: this.target, to: want, pending }, 'requesting more executors');
          this.target = want;
          await this.backend.requestTotalExecutors!(want, this.tasks.hostToLocalTaskCount());
          this.toAdd *= 2;
        }
        this.lastAdd = now;
      }
    } else {
      this.backlogSince = undefined;
      this.lastAdd = 0;
      this.toAdd = 1;
    }
    // Shrink idle executors, keeping at least minExecutors.
    const idle: IdleExecutor[] = [];
    const shuffleHolders = this.activeShuffleHolders();
    for (const e of executors) {
      if (this.tasks.runningOn(e) > 0 || pending > 0) this.idleSince.delete(e);
      else {
        const since = this.idleSince.get(e) ?? now;
        this.idleSince.set(e, since);
        idle.push({ id: e, idleForMs: now - since, cached: this.hasCachedBlocks(e), shuffle: shuffleHolders.has(e) });
      }
    }
    const removable = releasableExecutors(this.p, idle, executors.length);
    if (removable.length > 0) {
      log.info({ executors: removable }, 'releasing idle executors');
      for (const e of removable) {
        this.killed.add(e);
        this.idleSince.delete(e);
      }
      this.target = Math.max(this.p.min, executors.length - removable.length);
      await this.backend.requestTotalExecutors!(this.target, this.tasks.hostToLocalTaskCount());
      await this.backend.killExecutors!(removable);
    }
    for (const k of this.killed) if (!executors.includes(k) && !this.tasks.executorIds.includes(k)) this.killed.delete(k);
  }
}
