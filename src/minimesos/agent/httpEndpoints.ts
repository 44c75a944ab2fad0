/**
 * The agent's HTTP endpoints (Mesos' `src/slave/http.cpp`): the executor API, `/files/browse` and `/files/read`
 * over the sandboxes, `/state`, `/flags` and `/health`. `/state` is 503 until recovery has finished, as Mesos has it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import { json, text } from '../http.js';
import { browse, readFileChunk } from '../files.js';
import { scrubSecrets } from '../scrubSecrets.js';
import type { ExecutorApi } from './ExecutorApi.js';
import type { AgentContext, AgentFramework, AgentTask, Executor } from './model.js';

export async function serveAgentHttp(ctx: AgentContext, executors: ExecutorApi, recovered: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = url.pathname;
  if (p === '/api/v1/executor' || p === '/slave(1)/api/v1/executor') {
    // Executors retry: one that comes back before the agent knows it again is asked to wait (Mesos answers 503).
    if (!recovered) return text(res, 503, 'Agent has not finished recovery');
    return executors.handle(req, res);
  }
  if (p === '/files/browse' || p === '/files/browse.json') return browse(res, url, ctx.opts.workDir, virtualPaths(ctx));
  if (p === '/files/read' || p === '/files/read.json') return readFileChunk(res, url, ctx.opts.workDir, virtualPaths(ctx));
  if (p === '/state' || p === '/slave(1)/state') {
    if (!recovered) return text(res, 503, 'Agent has not finished recovery');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(agentState(ctx)));
    return;
  }
  if (p === '/flags' || p === '/slave(1)/flags') return json(res, 200, { flags: agentFlags(ctx) });
  if (p === '/health') return text(res, 200);
  text(res, 404);
}

/** `/frameworks/<fid>/executors/<eid>/runs/latest` → the real sandbox, of completed executors too (Mesos keeps them until garbage collection). */
function virtualPaths(ctx: AgentContext): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of [...ctx.completedFrameworks.values(), ...ctx.frameworks.values()]) {
    // The latest run of an executor id wins, as `runs/latest` names it.
    for (const e of [...f.completedExecutors, ...f.executors.values()]) m.set(`/frameworks/${e.frameworkId}/executors/${e.info.executor_id.value}/runs/latest`, e.directory);
  }
  return m;
}

/** The agent's flags as `/flags` shows them (every value a string). */
export function agentFlags(ctx: AgentContext): Record<string, string> {
  return {
    work_dir: ctx.opts.workDir,
    containerizers: (ctx.opts.containerizers ?? ['mesos']).join(','),
    hostname: ctx.hostname,
    ip: ctx.opts.host,
    port: String(ctx.port),
    recover: ctx.opts.recover ?? 'reconnect',
    max_completed_executors_per_framework: String(ctx.opts.maxCompletedExecutorsPerFramework),
    executor_reregistration_timeout: `${ctx.opts.executorReregistrationTimeoutMs / 1000}secs`,
    // Without credentials a ZooKeeper URL may carry.
    ...(typeof ctx.opts.master === 'string' ? { master: ctx.opts.master.replace(/\/\/[^@/]*@/, '//') } : {}),
    ...(ctx.isolation?.flags ?? {}),
  };
}

/**
 * The agent's `/state` JSON (without secret values, as Mesos shows none): frameworks with their executors (a
 * terminated one while its tasks' updates await acknowledgement) and completed executors, then completed
 * frameworks. An executor's `completed_tasks` holds its ended tasks, acknowledged or not (Mesos' `http.cpp`).
 */
export function agentState(ctx: AgentContext): Record<string, unknown> {
  return scrubSecrets({
    id: ctx.id,
    pid: `slave(1)@${ctx.opts.host}:${ctx.port}`,
    hostname: ctx.hostname,
    flags: agentFlags(ctx),
    frameworks: [...ctx.frameworks.values()].map(frameworkJson),
    completed_frameworks: [...ctx.completedFrameworks.values()].map(frameworkJson),
  });
}

function frameworkJson(f: AgentFramework): Record<string, unknown> {
  return {
    id: f.info.id!.value,
    name: f.info.name,
    checkpoint: f.info.checkpoint ?? false,
    executors: [...f.executors.values()].map(executorJson),
    completed_executors: f.completedExecutors.map(executorJson),
  };
}

function executorJson(e: Executor): Record<string, unknown> {
  const task = (t: AgentTask) => ({ id: t.info.task_id.value, name: t.info.name, state: t.state });
  const tasks = [...e.tasks.values()];
  return {
    id: e.info.executor_id.value,
    name: e.info.name ?? '',
    source: e.info.source ?? '',
    container: e.containerId,
    directory: e.directory,
    tasks: tasks.filter((t) => !isTerminalTaskState(t.state)).map(task),
    completed_tasks: [...e.completedTasks, ...tasks.filter((t) => isTerminalTaskState(t.state))].map(task),
  };
}
