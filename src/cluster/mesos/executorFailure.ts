/**
 * The driver's report of a registered executor whose Mesos task failed or was lost (Spark only logs the state):
 * Mesos' state, reason, source and the first line of its message (a memory limitation's statistics stay out of the
 * log), the settings to change when the container ran out of memory, and the tail of the executor's stderr.
 */
import type { TaskStatus } from '../../mesos/wire/task.js';

/** What to change for a container limitation, by Mesos reason. */
const ADVICE: Record<string, string> = {
  REASON_CONTAINER_LIMITATION_MEMORY: 'its container ran out of memory: raise spark.executor.memory or spark.mesos.executor.memoryOverhead, or give each task less data',
  REASON_CONTAINER_LIMITATION_DISK: 'its container ran out of disk: free sandbox space or ask for more disk',
};

export function executorFailure(taskId: string, hostname: string, s: TaskStatus, stderrTail: string | undefined): string {
  const what = [s.state, s.reason, s.source].filter(Boolean).join(', ');
  const first = s.message?.trim().split('\n')[0];
  let line = `Executor ${taskId} on ${hostname} ended (${what})${first ? `: ${first}` : ''}`;
  const advice = s.reason ? ADVICE[s.reason] : undefined;
  if (advice) line += `; ${advice}`;
  if (stderrTail !== undefined && stderrTail.trim() !== '') line += `\nLast lines of its stderr:\n${stderrTail.trimEnd()}`;
  return line;
}
