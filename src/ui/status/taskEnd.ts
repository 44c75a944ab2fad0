/** How Spark names a task's state and ending in the REST API (`TaskData.status`, `errorMessage`, kill reasons). */
import type { TaskEndReasonJson, TaskInfoJson } from '../events/sparkEvents.js';
import type { TaskState } from './records.js';

export function taskState(info: TaskInfoJson): TaskState {
  if (info['Finish Time'] !== 0) {
    if (info.Failed) return 'FAILED';
    if (info.Killed) return 'KILLED';
    return 'SUCCESS';
  }
  return info['Getting Result Time'] !== 0 ? 'GET RESULT' : 'RUNNING';
}

/** Spark's `TaskEndReason.toErrorString`; undefined for a success. */
export function errorString(r: TaskEndReasonJson): string | undefined {
  switch (r.Reason) {
    case 'Success':
      return undefined;
    case 'Resubmitted':
      return 'Resubmitted (resubmitted due to lost executor)';
    case 'TaskResultLost':
      return 'TaskResultLost (result lost from block manager)';
    case 'UnknownReason':
      return 'UnknownReason';
    case 'ExceptionFailure': {
      if (r['Full Stack Trace']) return r['Full Stack Trace'];
      const frames = (r['Stack Trace'] ?? []).map((f) => `\tat ${f['Declaring Class'] ? `${f['Declaring Class']}.` : ''}${f['Method Name']}(${f['File Name']}:${f['Line Number']})`);
      return [`${r['Class Name']}: ${r.Description}`, ...frames].join('\n');
    }
    case 'TaskKilled':
      return `TaskKilled (${r['Kill Reason'] ?? 'unknown reason'})`;
    case 'ExecutorLostFailure':
      return `ExecutorLostFailure (executor ${r['Executor ID'] ?? '?'} exited ${r['Exit Caused By App'] === false ? 'unrelated to the running tasks' : 'caused by one of the running tasks'}) Reason: ${r['Loss Reason'] ?? 'unknown'}`;
    case 'FetchFailed':
      return `FetchFailed(shuffleId=${r['Shuffle ID'] ?? '?'}, mapIndex=${r['Map Index'] ?? '?'}, reduceId=${r['Reduce ID'] ?? '?'}, message=\n${r.Message ?? ''}\n)`;
    case 'TaskCommitDenied':
      return `TaskCommitDenied (Driver denied task commit) for job: ${r['Job ID'] ?? '?'}, partition: ${r['Partition ID'] ?? '?'}, attemptNumber: ${r['Attempt Number'] ?? '?'}`;
    default:
      return String((r as { Reason?: unknown }).Reason ?? 'UnknownReason');
  }
}
