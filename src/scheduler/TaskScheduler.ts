import type { TaskDescription } from '../core/plan.js';
import type { ExecutorInfoView, LaunchedTask, SchedulerBackend, TaskStatusUpdate, WorkerOffer } from './SchedulerBackend.js';
import type { ListenerBus } from './ListenerBus.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('TaskScheduler');

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
  /** Fine-grained (offer-driven) executors: cores come from each round of offers, not from finished tasks. */
  offerDriven: boolean;
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
  /** Pending tasks with preferred executors (delay scheduling has work to do only while some wait). */
  private preferringPending = 0;
  private readonly running = new Map<number, { task: SchedulableTask; executorId: string }>();
  /** Status updates ignored because they came from an executor that does not run the task. */
  refusedUpdates = 0;
  private readyWaiters: (() => void)[] = [];
  /**
   * Executors being decommissioned: no new tasks. Kept by id (not on the slot) so that an executor drained before
   * it registers stays drained when its slot is made (`executorAdded`).
   */
  private readonly decommissioned = new Set<string>();

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
  private nextLocalityCheck = Infinity;
  /** Set while placing tasks on offers: launches are returned to the backend instead of sent. */
  private collecting: LaunchedTask[] | undefined;

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

  /**
   * How many pending tasks prefer each host (the hosts of the executors caching their input): Spark's
   * `hostToLocalTaskCount`, which dynamic allocation hands the backend to place new executors.
   */
  hostToLocalTaskCount(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const t of this.pending) {
      const hosts = new Set(t.preferred.flatMap((id) => {
        const slot = this.executors.get(id);
        return slot ? [slot.info.host] : [];
      }));
      for (const h of hosts) counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    return counts;
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
    this.executors.set(e.id, { info: e, free: e.cores, offerDriven: false, broadcastsSent: new Set(), failures: 0, excluded: false });
    this.bus.post({ type: 'executorAdded', executorId: e.id, host: e.host, cores: e.cores, time: Date.now(), ...(e.logUrls ? { logUrls: e.logUrls } : {}) });
    for (const w of this.readyWaiters.splice(0)) w();
    this.schedule();
  }

  executorRemoved(id: string, reason: string): void {
    this.decommissioned.delete(id);
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

  /** Graceful decommission: no new tasks go to the executor (not counted as a failure exclusion). */
  decommissionExecutor(id: string): void {
    this.decommissioned.add(id);
  }

  /** Decommission cancelled (the maintenance was called off): the executor gets tasks again. */
  recommissionExecutor(id: string): void {
    if (!this.decommissioned.delete(id)) return;
    const slot = this.executors.get(id);
    if (slot) this.scheduleOn(slot, Date.now());
  }

  /** No new tasks: excluded for failures, or being decommissioned. */
  private closed(slot: ExecutorSlot): boolean {
    return slot.excluded || this.decommissioned.has(slot.info.id);
  }

  submit(tasks: SchedulableTask[]): void {
    const now = Date.now();
    for (const t of tasks) t.queuedAt = now;
    this.pending.push(...tasks);
    for (const t of tasks) if (t.preferred.length > 0) this.preferringPending++;
    this.schedule();
    if (this.pending.length > 0) this.backend.reviveOffers?.();
  }

  /**
   * Fine-grained mode (Spark's `TaskSchedulerImpl.resourceOffers`): each offer is a set of free cores on an agent's
   * executor for this round only. Returns the tasks placed on them; an agent's executor is added on its first task.
   */
  resourceOffers(offers: readonly WorkerOffer[]): LaunchedTask[] {
    const launched: LaunchedTask[] = [];
    this.collecting = launched;
    try {
      for (const o of offers) {
        let slot = this.executors.get(o.executorId);
        const isNew = !slot;
        if (!slot) slot = { info: { id: o.executorId, host: o.host, cores: 0 }, free: 0, offerDriven: true, broadcastsSent: new Set(), failures: 0, excluded: false };
        if (this.closed(slot) || !slot.offerDriven) continue;
        if (isNew) this.executors.set(o.executorId, slot);
        slot.free = o.cores;
        const before = launched.length;
        this.scheduleOn(slot, Date.now());
        slot.free = 0;
        if (isNew && launched.length === before) this.executors.delete(o.executorId);
        else if (isNew) this.bus.post({ type: 'executorAdded', executorId: o.executorId, host: o.host, cores: 0, time: Date.now() });
      }
    } finally {
      this.collecting = undefined;
    }
    this.armLocalityTimer();
    return launched;
  }

  /** Drops pending tasks and kills running ones that match. */
  cancel(match: (t: TaskDescription) => boolean): void {
    this.pending = this.pending.filter((t) => !match(t.desc));
    this.preferringPending = this.pending.filter((t) => t.preferred.length > 0).length;
    for (const [taskId, r] of this.running) if (match(r.task.desc)) this.backend.killTask(r.executorId, taskId);
  }

  statusUpdate(u: TaskStatusUpdate): void {
    const r = this.running.get(u.taskId);
    if (!r) return;
    // Only the executor running a task may end it: another (buggy or hostile) executor's word is ignored.
    if (u.executorId !== r.executorId) {
      this.refusedUpdates++;
      log.warn({ task: u.taskId, from: u.executorId, runningOn: r.executorId }, 'ignored a status update from an executor that does not run the task');
      return;
    }
    this.running.delete(u.taskId);
    const slot = this.executors.get(r.executorId);
    if (slot) {
      if (!slot.offerDriven) slot.free++;
      if (u.state === 'FAILED' && !u.error?.fetchFailed) this.noteFailure(slot);
    }
    r.task.onEnd(u);
    this.schedule();
  }

  /** An executor failing task after task is excluded, as long as others remain to run tasks. */
  private noteFailure(slot: ExecutorSlot): void {
    slot.failures++;
    if (this.maxFailuresPerExecutor <= 0 || slot.excluded || slot.failures < this.maxFailuresPerExecutor) return;
    const others = [...this.executors.values()].filter((s) => s !== slot && !this.closed(s));
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
    for (const slot of this.executors.values()) this.scheduleOn(slot, now);
    this.armLocalityTimer();
  }

  private scheduleOn(slot: ExecutorSlot, now: number): void {
    if (this.closed(slot)) return;
    while (slot.free > 0 && this.pending.length > 0) {
      // Without locality preferences the head of the queue goes: no scan of every pending task per launch.
      if (this.preferringPending === 0) {
        this.launch(slot, this.pending.shift()!);
        continue;
      }
      let i = this.pending.findIndex((t) => t.preferred.includes(slot.info.id));
      if (i < 0) {
        i = this.pending.findIndex((t) => {
          const alive = t.preferred.filter((e) => this.executors.has(e));
          if (alive.length === 0) return true;
          const ready = (t.queuedAt ?? 0) + this.localityWaitMs;
          if (ready <= now) return true;
          this.nextLocalityCheck = Math.min(this.nextLocalityCheck, ready);
          return false;
        });
      }
      if (i < 0) break;
      const [task] = this.pending.splice(i, 1);
      if (task!.preferred.length > 0) this.preferringPending--;
      this.launch(slot, task!);
    }
  }

  /** Runs scheduling again when the earliest waiting task may go anywhere (and asks offer-driven backends for offers). */
  private armLocalityTimer(): void {
    const next = this.nextLocalityCheck;
    this.nextLocalityCheck = Infinity;
    if (next === Infinity || this.localityTimer) return;
    this.localityTimer = setTimeout(() => {
      this.localityTimer = undefined;
      this.schedule();
      if (this.pending.length > 0) this.backend.reviveOffers?.();
    }, Math.max(0, next - Date.now()) + 1);
    this.localityTimer.unref();
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
    this.bus.post({
      type: 'taskStart', stageId: desc.stageId, taskId: desc.taskId, partition: desc.partition, attempt: desc.attempt, executorId: slot.info.id, time: Date.now(),
      stageAttempt: desc.stageAttempt, host: slot.info.host, locality: this.locality(task, slot),
    });
    if (this.collecting) this.collecting.push({ executorId: slot.info.id, task: desc });
    else this.backend.launchTask(slot.info.id, desc);
  }

  /** How close the task runs to its cached input (the UI's Locality Level). */
  private locality(task: SchedulableTask, slot: ExecutorSlot): 'PROCESS_LOCAL' | 'NODE_LOCAL' | 'NO_PREF' | 'ANY' {
    if (task.preferred.length === 0) return 'NO_PREF';
    if (task.preferred.includes(slot.info.id)) return 'PROCESS_LOCAL';
    return task.preferred.some((e) => this.executors.get(e)?.info.host === slot.info.host) ? 'NODE_LOCAL' : 'ANY';
  }

  /** Forget that executors hold a broadcast (it was destroyed). */
  forgetBroadcast(id: number): void {
    for (const s of this.executors.values()) s.broadcastsSent.delete(id);
  }
}
