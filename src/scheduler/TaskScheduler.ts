import type { TaskDescription } from '../core/plan.js';
import type { ExecutorInfoView, SchedulerBackend, TaskStatusUpdate } from './SchedulerBackend.js';
import type { ListenerBus } from './ListenerBus.js';

export interface SchedulableTask {
  desc: TaskDescription;
  /** Executors holding a cached block this task reads. */
  preferred: string[];
  /** Broadcast ids the task's functions use. */
  broadcastIds: number[];
  onEnd(update: TaskStatusUpdate): void;
  /** Set when queued (delay scheduling waits from here). */
  queuedAt?: number;
}

interface ExecutorSlot {
  info: ExecutorInfoView;
  free: number;
  broadcastsSent: Set<number>;
  failures: number;
  excluded: boolean;
}

/**
 * Hands pending tasks to executors with free cores, in submission order, preferring executors that cache a task's
 * input, and ships each executor the broadcast values its tasks use (once per executor).
 */
export class TaskScheduler {
  private readonly executors = new Map<string, ExecutorSlot>();
  private pending: SchedulableTask[] = [];
  private readonly running = new Map<number, { task: SchedulableTask; executorId: string }>();
  private readyWaiters: (() => void)[] = [];

  constructor(
    private readonly backend: SchedulerBackend,
    private readonly bus: ListenerBus,
    private readonly broadcastValue: (id: number) => unknown,
    private readonly onExecutorLost: (executorId: string, reason: string) => void,
    /** How long a task waits for an executor holding its input before running elsewhere (`spark.locality.wait`). */
    private readonly localityWaitMs = 3000,
    /** Task failures after which an executor gets no more tasks (0 = never exclude). */
    private readonly maxFailuresPerExecutor = 2,
  ) {}

  private localityTimer: NodeJS.Timeout | undefined;

  get totalCores(): number {
    let n = 0;
    for (const e of this.executors.values()) n += e.info.cores;
    return n;
  }

  get executorIds(): string[] {
    return [...this.executors.keys()];
  }

  /** Tasks waiting for a core. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Tasks running on an executor. */
  runningOn(executorId: string): number {
    let n = 0;
    for (const r of this.running.values()) if (r.executorId === executorId) n++;
    return n;
  }

  get runningCount(): number {
    return this.running.size;
  }

  coresOf(executorId: string): number {
    return this.executors.get(executorId)?.info.cores ?? 0;
  }

  /** Resolves once at least `n` executor cores are registered. */
  waitForCores(n: number, timeoutMs: number): Promise<boolean> {
    if (this.totalCores >= n) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      t.unref();
      const check = () => {
        if (this.totalCores >= n) {
          clearTimeout(t);
          resolve(true);
        } else this.readyWaiters.push(check);
      };
      this.readyWaiters.push(check);
    });
  }

  executorAdded(e: ExecutorInfoView): void {
    this.executors.set(e.id, { info: e, free: e.cores, broadcastsSent: new Set(), failures: 0, excluded: false });
    this.bus.post({ type: 'executorAdded', executorId: e.id, host: e.host, cores: e.cores, time: Date.now() });
    for (const w of this.readyWaiters.splice(0)) w();
    this.schedule();
  }

  executorRemoved(id: string, reason: string): void {
    if (!this.executors.delete(id)) return;
    this.bus.post({ type: 'executorRemoved', executorId: id, reason, time: Date.now() });
    for (const [taskId, r] of [...this.running]) {
      if (r.executorId === id) {
        this.running.delete(taskId);
        r.task.onEnd({ taskId, executorId: id, state: 'LOST', error: { message: `executor ${id} lost: ${reason}` } });
      }
    }
    this.onExecutorLost(id, reason);
    this.schedule();
  }

  submit(tasks: SchedulableTask[]): void {
    const now = Date.now();
    for (const t of tasks) t.queuedAt = now;
    this.pending.push(...tasks);
    this.schedule();
  }

  /** Drops pending tasks and kills running ones that match. */
  cancel(match: (t: TaskDescription) => boolean): void {
    this.pending = this.pending.filter((t) => !match(t.desc));
    for (const [taskId, r] of this.running) if (match(r.task.desc)) this.backend.killTask(r.executorId, taskId);
  }

  statusUpdate(u: TaskStatusUpdate): void {
    const r = this.running.get(u.taskId);
    if (!r) return;
    this.running.delete(u.taskId);
    const slot = this.executors.get(r.executorId);
    if (slot) {
      slot.free++;
      if (u.state === 'FAILED' && !u.error?.fetchFailed) this.noteFailure(slot);
    }
    r.task.onEnd(u);
    this.schedule();
  }

  /** An executor failing task after task is excluded, as long as others remain to run tasks. */
  private noteFailure(slot: ExecutorSlot): void {
    slot.failures++;
    if (this.maxFailuresPerExecutor <= 0 || slot.excluded || slot.failures < this.maxFailuresPerExecutor) return;
    const others = [...this.executors.values()].filter((s) => s !== slot && !s.excluded);
    if (others.length === 0) return;
    slot.excluded = true;
    this.bus.post({ type: 'executorExcluded', executorId: slot.info.id, failures: slot.failures, time: Date.now() });
  }

  /**
   * Delay scheduling: a task whose input is cached on live executors goes to one of them, or elsewhere only after
   * waiting `spark.locality.wait`.
   */
  private schedule(): void {
    const now = Date.now();
    let nextCheck = Infinity;
    for (const slot of this.executors.values()) {
      if (slot.excluded) continue;
      while (slot.free > 0 && this.pending.length > 0) {
        let i = this.pending.findIndex((t) => t.preferred.includes(slot.info.id));
        if (i < 0) {
          i = this.pending.findIndex((t) => {
            const alive = t.preferred.filter((e) => this.executors.has(e));
            if (alive.length === 0) return true;
            const ready = (t.queuedAt ?? 0) + this.localityWaitMs;
            if (ready <= now) return true;
            nextCheck = Math.min(nextCheck, ready);
            return false;
          });
        }
        if (i < 0) break;
        const [task] = this.pending.splice(i, 1);
        this.launch(slot, task!);
      }
    }
    if (nextCheck !== Infinity && !this.localityTimer) {
      this.localityTimer = setTimeout(() => {
        this.localityTimer = undefined;
        this.schedule();
      }, nextCheck - now + 1);
      this.localityTimer.unref();
    }
  }

  private launch(slot: ExecutorSlot, task: SchedulableTask): void {
    slot.free--;
    const broadcasts: Record<number, unknown> = {};
    for (const id of task.broadcastIds) {
      if (!slot.broadcastsSent.has(id)) {
        broadcasts[id] = this.broadcastValue(id);
        slot.broadcastsSent.add(id);
      }
    }
    const desc = { ...task.desc, broadcasts };
    this.running.set(desc.taskId, { task, executorId: slot.info.id });
    this.bus.post({ type: 'taskStart', stageId: desc.stageId, taskId: desc.taskId, partition: desc.partition, attempt: desc.attempt, executorId: slot.info.id, time: Date.now() });
    this.backend.launchTask(slot.info.id, desc);
  }

  /** Forget that executors hold a broadcast (it was destroyed). */
  forgetBroadcast(id: number): void {
    for (const s of this.executors.values()) s.broadcastsSent.delete(id);
  }
}
