/**
 * Explicit task reconciliation as Mesos recommends it (its reconciliation guide): after every (re)subscription, ask
 * the master for the state of every task the backend believes is not terminal, and ask again, with truncated
 * exponential backoff, about those no status update has come for since. Asking once is not enough: the call may fail
 * while a new leader settles, and a master that has just failed over does not answer for tasks on agents that have not
 * re-registered yet. A task asked about in vain would wait forever, and so would the job that needs it. One round runs
 * at a time; a new subscription starts a new one. Used by both Mesos backends and the dispatcher.
 */
import { backoffDelay } from '../../mesos/backoff.js';
import { getLogger } from '../../util/logging.js';

const log = getLogger('TaskReconciler');

export interface ReconcileTask { task_id: { value: string }; agent_id?: { value: string } }

export interface TaskReconcilerOptions {
  /** The tasks the backend believes are not terminal, now: task id to agent id ('' when not known). */
  tasks(): ReadonlyMap<string, string>;
  /** Sends an explicit RECONCILE for `tasks` (never empty: an empty list would ask about every task); false if it failed. */
  send(tasks: ReconcileTask[]): Promise<boolean>;
  /** Whether the framework is subscribed now: a round ends when it is not (the next subscription starts another). */
  subscribed(): boolean;
  /** The wait before asking again the first time; it doubles each time, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * The wait before the `attempt`-th repeat (0 for the first): doubling from `firstMs`, never more than `maxMs`. The
 * client's reconnect backoff without its jitter: one framework's rounds need no spreading.
 */
export function reconcileDelay(attempt: number, firstMs: number, maxMs: number): number {
  return backoffDelay(attempt, { initialMs: firstMs, maxMs }, 1);
}

/** The tasks still to ask about: unanswered in this round and still believed not terminal. */
export function stillUnanswered(unanswered: ReadonlySet<string>, current: ReadonlyMap<string, string>): ReconcileTask[] {
  const ask: ReconcileTask[] = [];
  for (const id of unanswered) {
    const agent = current.get(id);
    if (agent === undefined) continue;
    ask.push(agent === '' ? { task_id: { value: id } } : { task_id: { value: id }, agent_id: { value: agent } });
  }
  return ask;
}

export class TaskReconciler {
  private unanswered = new Set<string>();
  private round = 0;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly opts: TaskReconcilerOptions) {
    this.firstDelayMs = opts.firstDelayMs ?? 2_000;
    this.maxDelayMs = opts.maxDelayMs ?? 60_000;
  }

  /** Subscribed (again): a new round about every task believed running. */
  async subscribed(): Promise<void> {
    if (this.stopped) return;
    this.cancel();
    const round = ++this.round;
    this.unanswered = new Set(this.opts.tasks().keys());
    this.attempt = 0;
    await this.ask(round);
  }

  /** A status update came for the task (any state answers it). */
  answered(taskId: string): void {
    this.unanswered.delete(taskId);
  }

  /** The backend stops: no more asking. */
  stop(): void {
    this.stopped = true;
    this.cancel();
    this.round++;
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async ask(round: number): Promise<void> {
    this.timer = undefined;
    if (round !== this.round || !this.opts.subscribed()) return;
    const tasks = stillUnanswered(this.unanswered, this.opts.tasks());
    if (tasks.length === 0) return;
    if (this.attempt > 0) log.info({ tasks: tasks.length, attempt: this.attempt }, 'asking Mesos again for the state of tasks it has not answered for');
    try {
      await this.opts.send(tasks);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not ask Mesos for the state of tasks; asking again later');
    }
    // A newer round (or a stop) took over while the call was out: its timer is the one to keep.
    if (round !== this.round) return;
    this.timer = setTimeout(() => void this.ask(round), reconcileDelay(this.attempt++, this.firstDelayMs, this.maxDelayMs));
    this.timer.unref();
  }
}
