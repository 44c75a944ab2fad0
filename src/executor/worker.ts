/**
 * A worker thread of local mode: one executor with one core. Runs the tasks the driver posts and answers with
 * their results; its memory holds its cached blocks and broadcast values.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskDescription } from '../core/plan.js';
import { executeTask, type ExecutorState } from './TaskRunner.js';
import { FetchFailedError, localFetcher } from '../shuffle/ShuffleReader.js';

export type ToWorker = { type: 'launch'; task: TaskDescription } | { type: 'dropBlocks'; prefix: string };

const state: ExecutorState = {
  executorId: (workerData as { executorId: string }).executorId,
  blocks: new Map(),
  broadcasts: new Map(),
  fetch: localFetcher,
};

parentPort!.on('message', async (msg: ToWorker) => {
  if (msg.type === 'dropBlocks') {
    for (const k of [...state.blocks.keys()]) if (k.startsWith(msg.prefix)) state.blocks.delete(k);
    return;
  }
  const task = msg.task;
  try {
    const result = await executeTask(task, state);
    parentPort!.postMessage({ type: 'status', taskId: task.taskId, state: 'FINISHED', result });
  } catch (err) {
    const e = err as Error;
    const fetchFailed = err instanceof FetchFailedError ? { shuffleId: err.shuffleId, mapId: err.mapId, executorId: err.executorId } : undefined;
    parentPort!.postMessage({ type: 'status', taskId: task.taskId, state: 'FAILED', error: { message: e?.message ?? String(err), stack: e?.stack, fetchFailed } });
  }
});
