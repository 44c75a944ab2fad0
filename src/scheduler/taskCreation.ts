/**
 * Task creation for a stage (the task set Spark's `submitMissingTasks` builds): which partitions still need a task,
 * and the description of one task: its plan, where it writes, and the map outputs it reads.
 */
import type { MapStatus, Plan, Sink, TaskDescription } from '../core/plan.js';
import type { Job } from './ActiveJob.js';
import type { MapOutputTracker } from './MapOutputTracker.js';
import type { Stage } from './Stage.js';
import type { SchedulableTask } from './TaskScheduler.js';

/** Settings every task carries (as its description names them), and how to find the broadcasts a task needs. */
export type TaskSettings = Pick<TaskDescription, 'localDir' | 'spillThreshold' | 'memory' | 'appPath' | 'maxBytesInFlight' | 'fetchTimeoutMs'> & {
  broadcastIdsOf: (plan: Plan, sink: Sink) => number[];
};

/** The shuffles a plan reads. */
export function shufflesRead(plan: Plan, out: Set<number> = new Set()): Set<number> {
  switch (plan.t) {
    case 'shuffle':
      out.add(plan.shuffleId);
      break;
    case 'cogroup':
      for (const id of plan.shuffleIds) out.add(id);
      break;
    case 'op':
    case 'cached':
      shufflesRead(plan.parent, out);
      break;
    case 'concat':
      for (const p of plan.parents) shufflesRead(p, out);
      break;
    default:
  }
  return out;
}

/** Partitions of `stage` without an output yet: map outputs missing, or results `job` has not received. */
export function missingPartitions(stage: Stage, job: Job, outputs: MapOutputTracker): number[] {
  return stage.shuffleDep ? outputs.missing(stage.shuffleDep.shuffleId) : job.partitions.filter((p) => !job.done.has(p));
}

/** One task of `stage` for `partition` (its end handler is the caller's); `nextTaskId` is asked once the plan is built. */
export function describeTask(
  job: Job, stage: Stage, partition: number, attempt: number, nextTaskId: () => number, outputs: MapOutputTracker, settings: TaskSettings,
): Omit<SchedulableTask, 'onEnd'> {
  const plan = stage.rdd.plan(partition);
  const shuffleInputs: Record<number, MapStatus[]> = {};
  for (const id of shufflesRead(plan)) shuffleInputs[id] = outputs.statuses(id);
  const sink: Sink = stage.shuffleDep
    ? {
        k: 'shuffleWrite', shuffleId: stage.shuffleDep.shuffleId, mapId: partition, partitioner: stage.shuffleDep.partitioner(),
        ...(stage.shuffleDep.agg?.mapSideCombine ? { agg: stage.shuffleDep.agg } : {}), dir: `${settings.localDir}/shuffle`,
      }
    : job.sink;
  const desc: TaskDescription = {
    taskId: nextTaskId(), jobId: job.id, stageId: stage.id, stageAttempt: stage.attempt, partition, attempt, plan, sink,
    shuffleInputs, broadcasts: {}, localDir: settings.localDir, spillThreshold: settings.spillThreshold, appPath: settings.appPath,
    maxBytesInFlight: settings.maxBytesInFlight, fetchTimeoutMs: settings.fetchTimeoutMs,
    ...(settings.memory ? { memory: settings.memory } : {}),
  };
  return { desc, preferred: stage.rdd.preferredExecutors(partition), broadcastIds: settings.broadcastIdsOf(plan, sink) };
}
