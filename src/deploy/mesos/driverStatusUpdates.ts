/**
 * The dispatcher's handling of its drivers' task status updates (Spark's `MesosClusterScheduler.statusUpdate`): a
 * supervised driver that failed goes to the retry list with back-off (retry.ts), one that ended goes to the finished
 * list, any other change is stored. Each change is written before the in-memory lists change.
 */
import { isTerminalTaskState, type TaskStatus } from '../../mesos/wire/task.js';
import { getLogger } from '../../util/logging.js';
import type { PersistenceEngine } from '../persistence/PersistenceEngine.js';
import type { MesosDriverDescription } from './MesosDriverDescription.js';
import type { MesosClusterSubmissionState } from './MesosClusterScheduler.js';
import { earliestRetry, nextRetryState, shouldRelaunch } from './retry.js';
import { submissionOfTask } from './submissionId.js';

const log = getLogger('MesosClusterScheduler');

/** What a status update reads and changes of the scheduler's state; the collections are the scheduler's own. */
export interface StatusUpdateContext {
  launched: Map<string, MesosClusterSubmissionState>;
  retrying: MesosDriverDescription[];
  finished: MesosClusterSubmissionState[];
  store: PersistenceEngine;
  maxRetryWaitSeconds: number;
  retainedDrivers: number;
  retryTimer: RetryTimer;
}

export async function statusUpdate(s: TaskStatus, c: StatusUpdateContext): Promise<void> {
  const taskId = s.task_id.value;
  const id = submissionOfTask(taskId);
  const state = c.launched.get(id);
  if (!state) {
    log.debug({ task: taskId, state: s.state }, 'status update for a driver that is not launched');
    return;
  }
  // An update for an earlier attempt (an agent that came back after the relaunch) changes nothing.
  if (taskId !== state.taskId) return;
  // Reconciliation's answer (the latest state the master knows) counts when it says something new; one that repeats
  // the state is not stored again, and the status keeps the message its update brought.
  if (s.reason === 'REASON_RECONCILIATION' && state.status?.state === s.state) return;
  const now = Date.now();
  if (state.status?.state !== s.state) state.history.push({ time: now, state: s.state, ...(s.message ? { message: s.message } : {}) });
  state.status = s;
  if (shouldRelaunch(state.driver.supervise, s.state)) {
    const d: MesosDriverDescription = { ...state.driver, retryState: nextRetryState(state.driver.retryState, s, now, c.maxRetryWaitSeconds), history: state.history };
    d.history!.push({ time: now, state: 'RETRYING', message: `retry ${d.retryState!.retries} after ${d.retryState!.waitTimeSeconds} s` });
    await c.store.persist('retryList', id, d);
    await c.store.expunge('launchedDrivers', id);
    c.launched.delete(id);
    c.retrying.push(d);
    log.warn({ submission: id, state: s.state, retry: d.retryState!.retries, waitSeconds: d.retryState!.waitTimeSeconds }, 'supervised driver failed; relaunching after back-off');
    c.retryTimer.arm(c.retrying);
    return;
  }
  if (isTerminalTaskState(s.state) || s.state === 'TASK_UNREACHABLE' || s.state === 'TASK_UNKNOWN') {
    state.finishDate = now;
    c.launched.delete(id);
    await retire(state, c.finished, c.retainedDrivers, c.store);
    await c.store.expunge('launchedDrivers', id);
    return;
  }
  await c.store.persist('launchedDrivers', id, state);
}

/** The launched drivers' tasks, as reconciliation asks about them: task id to agent id. */
export function launchedTasks(launched: Iterable<MesosClusterSubmissionState>): Map<string, string> {
  const tasks = new Map<string, string>();
  for (const s of launched) tasks.set(s.taskId, s.agentId);
  return tasks;
}

/** Into the finished list (persisted, going beyond Spark, so a restart still answers for it), oldest tenth evicted when full. */
export async function retire(s: MesosClusterSubmissionState, finished: MesosClusterSubmissionState[], retainedDrivers: number, store: PersistenceEngine): Promise<void> {
  if (retainedDrivers <= 0) return;
  if (finished.length >= retainedDrivers) {
    const evicted = finished.splice(0, Math.max(1, Math.floor(retainedDrivers / 10)));
    for (const e of evicted) await store.expunge('finishedDrivers', e.driver.submissionId);
  }
  await store.persist('finishedDrivers', s.driver.submissionId, s);
  finished.push(s);
}

/** Offers again when the earliest retry is due (filters from earlier declines would otherwise hold it). */
export class RetryTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly due: () => void) {}

  /** (Re)arms for the earliest retry in `retrying`; disarmed when there is none. */
  arm(retrying: readonly MesosDriverDescription[]): void {
    this.clear();
    const next = earliestRetry(retrying);
    if (next === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.due();
    }, Math.max(0, next - Date.now()) + 5);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
