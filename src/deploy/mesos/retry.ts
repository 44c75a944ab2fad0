/**
 * Supervise back-off (Spark's rule): the first retry waits 1 s, each later one twice the previous wait, capped by
 * `spark.mesos.cluster.retry.wait.max` seconds; retries are unlimited.
 */
import type { TaskStatus } from '../../mesos/wire/task.js';
import type { RetryState } from './MesosDriverDescription.js';

export function nextRetryState(previous: RetryState | undefined, failure: TaskStatus, now: number, maxWaitSeconds: number): RetryState {
  const waitTimeSeconds = previous ? Math.min(previous.waitTimeSeconds * 2, maxWaitSeconds) : Math.min(1, maxWaitSeconds);
  return { lastFailureStatus: failure, retries: (previous?.retries ?? 0) + 1, nextRetry: now + waitTimeSeconds * 1000, waitTimeSeconds };
}

/** Whether a supervised driver's task ending in `state` is relaunched (failures and losses, not kills or errors). */
export function shouldRelaunch(supervise: boolean, state: TaskStatus['state']): boolean {
  return supervise && (state === 'TASK_FAILED' || state === 'TASK_LOST');
}

/** When the earliest pending retry is due (ms since the epoch), Infinity when none is. */
export function earliestRetry(retrying: readonly { retryState?: RetryState }[]): number {
  return Math.min(...retrying.map((d) => d.retryState?.nextRetry ?? Infinity));
}
