/**
 * Runs one task on an executor (a worker thread in local mode, a process in a cluster): compiles the shipped
 * functions, computes the partition from its plan as fused loops (TaskRun.ts), and feeds the result sink
 * (resultTask.ts) or the shuffle writer (shuffleMapTask.ts).
 */
import type { TaskDescription, TaskResult } from '../core/plan.js';
import { TaskContext } from '../core/TaskContext.js';
import { spillCodecReady } from '../collection/spillFile.js';
import { endTaskMemory, taskMemoryFor } from './taskMemoryFor.js';
import { Run, type ExecutorState } from './TaskRun.js';
import { runSink } from './resultTask.js';
import { runShuffleMap } from './shuffleMapTask.js';
import { finalMetrics } from './taskMetrics.js';

export type { ExecutorState } from './TaskRun.js';

export async function executeTask(task: TaskDescription, ex: ExecutorState): Promise<TaskResult> {
  for (const [id, v] of Object.entries(task.broadcasts)) ex.broadcasts.set(Number(id), v);
  const r = new Run(task, ex);
  r.tm = taskMemoryFor(task);
  if (r.tm?.compress) await spillCodecReady();
  const started = performance.now();
  const metrics = () => finalMetrics(r.m, r.tm, started);
  TaskContext.set({ stageId: task.stageId, partitionId: task.partition, attemptNumber: task.attempt, taskAttemptId: task.taskId, executorId: ex.executorId });
  try {
    if (task.sink.k === 'shuffleWrite') return { ...(await runShuffleMap(r, task.sink)), metrics: metrics() };
    const { value, records } = await runSink(r, task.sink);
    return { value, accumulators: r.accumulators, blocks: r.cachedBlocks, records, metrics: metrics() };
  } finally {
    TaskContext.set(undefined);
    endTaskMemory(r.tm);
  }
}
