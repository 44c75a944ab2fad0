/**
 * Why executors do not come: the report of an executor that ended before registering (the Mesos status and the
 * tail of its stderr, read through the agent's `/files` API), and Spark's starvation warning ("Initial job has not
 * accepted any resources ...") with the reasons the backend knows.
 */
import type { TaskStatus } from '../../mesos/wire/task.js';
import { formatTally, type OfferTally } from './offerTally.js';

export const STARVATION_WARNING = 'Initial job has not accepted any resources; check your cluster UI to ensure that workers are registered and have sufficient resources';

export interface StarvationFacts {
  /** Each agent's most recent offer, counted by the planner's reason for declining it. */
  tally: OfferTally;
  /** Agents excluded for failed executors, with the last failure seen there. */
  excluded: readonly { hostname: string; failures: number; lastFailure: string | undefined }[];
  /** Executors launched that have not registered yet. */
  launching: number;
}

/** Why executors do not come, as far as the backend knows (in this order: exclusions, launches, declines, silence). */
export function waitingReasons(f: StarvationFacts): string[] {
  const why: string[] = [];
  if (f.excluded.length > 0) {
    why.push(`agents excluded after failed executors: ${f.excluded.map((a) => `${a.hostname} (${a.failures} failures${a.lastFailure ? `, last: ${a.lastFailure}` : ''})`).join('; ')}`);
  }
  if (f.launching > 0) why.push(`${f.launching} executor(s) launched and not registered yet`);
  const declined = formatTally(f.tally);
  if (declined) why.push(declined);
  if (f.tally.offers === 0) why.push('no offers from Mesos');
  return why;
}

/** The starvation warning with what the backend knows. */
export function starvationWarning(f: StarvationFacts): string {
  const why = waitingReasons(f);
  return why.length > 0 ? `${STARVATION_WARNING} (${why.join('; ')})` : STARVATION_WARNING;
}

/** One line for an executor task that ended before its executor registered with the driver. */
export function launchFailure(taskId: string, hostname: string, s: TaskStatus, stderrTail: string | undefined): string {
  const what = [s.state, s.reason, s.source].filter(Boolean).join(', ');
  let line = `Executor ${taskId} on ${hostname} ended before registering with the driver (${what})${s.message ? `: ${s.message.trim()}` : ''}`;
  if (stderrTail !== undefined && stderrTail.trim() !== '') line += `\nLast lines of its stderr:\n${stderrTail.trimEnd()}`;
  return line;
}

/** The last `lines` lines of `text` (without a partial first line when `text` was cut from a longer file). */
export function lastLines(text: string, lines: number, cut: boolean): string {
  let all = text.split('\n');
  if (cut) all = all.slice(1);
  if (all.at(-1) === '') all.pop();
  return all.slice(-lines).join('\n');
}

/**
 * The tail of an executor's stderr, through the agent's `/files/read` (Mesos' virtual path
 * `/frameworks/<fid>/executors/<eid>/runs/latest/stderr`); undefined when the agent cannot tell.
 */
export async function readStderrTail(agent: { host: string; port: number }, frameworkId: string, executorId: string, lines = 20, maxBytes = 8192): Promise<string | undefined> {
  const path = `/frameworks/${frameworkId}/executors/${executorId}/runs/latest/stderr`;
  const base = `http://${agent.host.includes(':') ? `[${agent.host}]` : agent.host}:${agent.port}/files/read?path=${encodeURIComponent(path)}`;
  try {
    const size = ((await (await fetch(`${base}&offset=-1`, { signal: AbortSignal.timeout(3000) })).json()) as { offset: number }).offset;
    const offset = Math.max(0, size - maxBytes);
    const body = (await (await fetch(`${base}&offset=${offset}&length=${maxBytes}`, { signal: AbortSignal.timeout(3000) })).json()) as { data: string };
    return lastLines(body.data, lines, offset > 0);
  } catch {
    return undefined;
  }
}
