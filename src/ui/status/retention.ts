/**
 * What the status store forgets to stay bounded in a long application, as Spark's AppStatusListener does: finished
 * jobs and stage attempts past `spark.ui.retainedJobs`/`retainedStages`, a stage's ended tasks past `retainedTasks`,
 * dead executors past `retainedDeadExecutors`; the oldest go first, and what still runs is kept.
 */
import type { ExecutorRecord, JobRecord, StageRecord } from './records.js';

/** Spark's `calculateNumberToRemove`: past the limit, drop at least a tenth of it at once (fewer, costlier sweeps). */
export function numberToRemove(size: number, retained: number): number {
  return size > retained ? Math.max(Math.floor(retained / 10), size - retained) : 0;
}

export function trimJobs(jobs: Map<number, JobRecord>, retained: number): void {
  const remove = numberToRemove(jobs.size, retained);
  if (remove === 0) return;
  const done = [...jobs.values()].filter((j) => j.status !== 'RUNNING').sort((a, b) => (a.completionTime ?? 0) - (b.completionTime ?? 0));
  for (const j of done.slice(0, remove)) jobs.delete(j.jobId);
}

/** Returns whether any stage attempt was forgotten. */
export function trimStages(stages: Map<string, StageRecord>, retained: number): boolean {
  const remove = numberToRemove(stages.size, retained);
  if (remove === 0) return false;
  const done = [...stages.entries()].filter(([, s]) => s.status !== 'ACTIVE' && s.status !== 'PENDING')
    .sort(([, a], [, b]) => (a.completionTime ?? 0) - (b.completionTime ?? 0));
  for (const [key] of done.slice(0, remove)) stages.delete(key);
  return done.length > 0;
}

export function trimTasks(s: StageRecord, retained: number): void {
  const remove = numberToRemove(s.tasks.size, retained);
  if (remove > 0) s.tasks.removeOldestEnded(remove);
}

export function trimDeadExecutors(executors: Map<string, ExecutorRecord>, retained: number): void {
  const dead = [...executors.values()].filter((x) => !x.isActive);
  const remove = numberToRemove(dead.length, retained);
  if (remove === 0) return;
  dead.sort((a, b) => (a.removeTime ?? 0) - (b.removeTime ?? 0));
  for (const x of dead.slice(0, remove)) executors.delete(x.id);
}
