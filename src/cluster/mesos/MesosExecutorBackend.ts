/**
 * The fine-grained mode's executor (Spark's `MesosExecutorBackend`): one process per agent and application, started
 * by the agent as a custom executor. It subscribes through the Mesos executor API, runs each LAUNCHed engine task
 * (carried in TaskInfo.data) on a task thread, and reports TASK_RUNNING and the task's end, with its result or
 * error in TaskStatus.data. It serves its shuffle output like any executor, and stops on SHUTDOWN or when the
 * agent goes away.
 */
import { ExecutorClient, readExecutorEnvironment, type ExecutorStatusUpdate } from '../../mesos/client/ExecutorClient.js';
import type { TaskDescription } from '../../core/plan.js';
import { TaskThreads, type TaskEnd } from '../../executor/TaskThreads.js';
import { getLogger } from '../../util/logging.js';
import { decodeData, encodeData, type DriverMessage } from './taskData.js';

const log = getLogger('MesosExecutorBackend');

export async function runMesosExecutor(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const client = new ExecutorClient(readExecutorEnvironment(env)).start();
  // Updates go out one after another so the agent sees TASK_RUNNING before the task's end.
  let updates: Promise<unknown> = Promise.resolve();
  const update = (u: ExecutorStatusUpdate) => {
    updates = updates.then(() => client.update(u)).catch((err) => log.error({ err: (err as Error).message, task: u.task_id.value }, 'status update failed'));
  };
  const ended = (end: TaskEnd) => update({ task_id: { value: String(end.taskId) }, state: end.state === 'FINISHED' ? 'TASK_FINISHED' : 'TASK_FAILED', data: encodeData(end), ...(end.error ? { message: end.error.message.slice(0, 1000) } : {}) });
  let threads: TaskThreads | undefined;
  let code = 0;
  try {
    for await (const ev of client.events()) {
      if (ev.type === 'SUBSCRIBED') {
        threads ??= await TaskThreads.open({
          executorId: client.env.executorId, appId: client.env.frameworkId, hostname: ev.subscribed.agent_info.hostname,
          threads: 1, grow: true, onEnd: ended,
        }, env);
        log.info({ executor: client.env.executorId, host: ev.subscribed.agent_info.hostname }, 'fine-grained executor subscribed');
      } else if (ev.type === 'LAUNCH') {
        const taskId = ev.launch.task.task_id.value;
        let task: TaskDescription;
        try {
          task = decodeData<TaskDescription>(ev.launch.task.data, `task ${taskId}`);
        } catch (err) {
          update({ task_id: { value: taskId }, state: 'TASK_FAILED', message: (err as Error).message });
          continue;
        }
        update({ task_id: { value: taskId }, state: 'TASK_RUNNING' });
        threads!.launch(task);
      } else if (ev.type === 'KILL') {
        const taskId = ev.kill.task_id.value;
        if (threads?.kill(Number(taskId))) update({ task_id: { value: taskId }, state: 'TASK_KILLED', message: 'Killed by the scheduler' });
      } else if (ev.type === 'MESSAGE') {
        const m = decodeData<DriverMessage>(ev.message.data, 'framework message');
        if (m.t === 'dropBlocks') threads?.dropBlocks(m.prefix);
      } else if (ev.type === 'SHUTDOWN') {
        for (const taskId of threads?.running ?? []) {
          threads!.kill(taskId);
          update({ task_id: { value: String(taskId) }, state: 'TASK_KILLED', message: 'Executor shut down' });
        }
        break;
      } else if (ev.type === 'DISCONNECTED') {
        log.warn({ reason: ev.reason }, 'lost the agent; stopping');
        code = 1;
        break;
      } else if (ev.type === 'ERROR') {
        log.error({ message: ev.error.message }, 'the agent reported an error');
      }
    }
  } catch (err) {
    log.error({ err: (err as Error).message }, 'the executor subscription failed');
    code = 1;
  }
  await updates;
  await client.flush(5_000);
  await client.close();
  await threads?.close();
  return code;
}
