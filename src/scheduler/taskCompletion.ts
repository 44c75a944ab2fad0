/** What the DAG scheduler reports when a task ends: the task end event, and the messages of failures that end a stage. */
import type { TaskDescription } from '../core/plan.js';
import type { TaskEnd } from './events.js';
import type { TaskStatusUpdate } from './SchedulerBackend.js';
import type { Stage } from './Stage.js';

/** A map output a reducer could not read. */
export type FetchFailure = NonNullable<NonNullable<TaskStatusUpdate['error']>['fetchFailed']>;

/** A stage whose attempt number passes this (each fetch failure starts a new attempt) aborts its job. */
export const MAX_STAGE_ATTEMPTS = 4;

export function taskEndEvent(stage: Stage, desc: TaskDescription, u: TaskStatusUpdate): TaskEnd {
  const records = u.result?.records ?? 0;
  const result = u.state === 'FINISHED' ? 'success' : u.state === 'KILLED' ? 'killed' : u.state === 'LOST' ? 'lost' : 'failed';
  return {
    type: 'taskEnd', stageId: stage.id, taskId: desc.taskId, partition: desc.partition, attempt: desc.attempt, executorId: u.executorId,
    time: Date.now(), result, records, ...(u.error ? { error: u.error.message } : {}),
    stageAttempt: desc.stageAttempt, shuffleMap: stage.shuffleDep !== undefined, ...(u.error?.stack ? { stack: u.error.stack } : {}),
    ...(u.result?.metrics ? { metrics: u.result.metrics } : {}),
  };
}

/** Why a job is aborted when a task failed `failures` times (Spark's wording). */
export function taskFailuresMessage(stage: Stage, desc: TaskDescription, failures: number, u: TaskStatusUpdate): string {
  return (
    `Job aborted due to stage failure: Task ${desc.partition} in stage ${stage.id}.${stage.attempt} failed ${failures} times, ` +
    `most recent failure: Lost task ${desc.partition}.${desc.attempt} in stage ${stage.id}.${stage.attempt} (TID ${desc.taskId}) ` +
    `(executor ${u.executorId}): ${u.error?.message ?? u.state}`
  );
}

/** Why a stage attempt ended on a fetch failure. */
export function fetchFailedMessage(f: FetchFailure): string {
  return `FetchFailed: shuffle ${f.shuffleId} map ${f.mapId} on executor ${f.executorId} could not be read`;
}
