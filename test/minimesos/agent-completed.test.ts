/**
 * What a mini-Mesos agent keeps of what has ended, as Mesos' agent does (`src/minimesos/agent/completed.ts`): a task
 * completes once it has ended and its updates are acknowledged, an executor is removed once it has terminated with
 * nothing incomplete, a framework once it has none left; each kept list is bounded. Then the same through a real
 * agent: what it reports when it registers, its `/state` and `/files`, and a task for a terminated executor.
 */
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { SchedulerClient } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskState, TaskStatus } from '../../src/mesos/wire/task.js';
import type { Offer } from '../../src/mesos/wire/framework.js';
import { executorTerminated, frameworkTerminating, MAX_COMPLETED_FRAMEWORKS, updateAcknowledged } from '../../src/minimesos/agent/completed.js';
import { newExecutor, newFramework, newTask, resolveAgentOptions, type AgentContext, type AgentFramework, type Executor } from '../../src/minimesos/agent/model.js';
import { recordEvents, subscribedId, waitFor } from '../helpers/events.js';

/** An agent context with updates pending by `<framework>/<task>` and a log of what the checkpoint was told to forget. */
function context(maxCompletedExecutorsPerFramework = 150) {
  const pending = new Map<string, number>();
  const forgotten: string[] = [];
  const ctx = {
    opts: resolveAgentOptions({ master: 'x:1', resources: [], workDir: '/nonexistent', maxCompletedExecutorsPerFramework }),
    frameworks: new Map<string, AgentFramework>(),
    completedFrameworks: new Map<string, AgentFramework>(),
    updates: {
      pending: (f: string, t: string) => new Array(pending.get(`${f}/${t}`) ?? 0).fill({}),
      hasStreams: (f: string) => [...pending].some(([k, n]) => k.startsWith(`${f}/`) && n > 0),
      dropFramework: (f: string) => forgotten.push(`streams ${f}`),
    },
    checkpoint: {
      removeTask: (_e: Executor, t: string) => forgotten.push(`task ${t}`),
      removeExecutor: (_f: string, e: string) => forgotten.push(`executor ${e}`),
      removeFramework: (f: string) => forgotten.push(`framework ${f}`),
    },
  } as unknown as AgentContext;
  return { ctx, pending, forgotten };
}

function framework(ctx: AgentContext, fid: string): AgentFramework {
  const f = newFramework({ user: 'u', name: fid, id: { value: fid } });
  ctx.frameworks.set(fid, f);
  return f;
}

function executor(f: AgentFramework, eid: string, tasks: [string, TaskState][]): Executor {
  const fid = f.info.id!.value;
  const e = newExecutor(fid, { executor_id: { value: eid } }, false, `c-${eid}`, `/sandbox/${eid}`);
  for (const [id, state] of tasks) {
    const t = newTask({ name: id, task_id: { value: id }, agent_id: { value: 'S0' } });
    t.state = state;
    e.tasks.set(id, t);
  }
  f.executors.set(eid, e);
  return e;
}

const ids = (e: Executor) => ({ tasks: [...e.tasks.keys()], completed: e.completedTasks.map((t) => t.info.task_id.value) });

test('a task completes once ended and acknowledged; its executor goes once terminated with nothing incomplete; its framework once it has none', () => {
  const { ctx, pending, forgotten } = context();
  const f = framework(ctx, 'F');
  const e = executor(f, 'E', [['a', 'TASK_RUNNING'], ['b', 'TASK_FINISHED']]);
  pending.set('F/b', 1);
  updateAcknowledged(ctx, 'F', 'a');
  updateAcknowledged(ctx, 'F', 'b');
  assert.deepEqual(ids(e), { tasks: ['a', 'b'], completed: [] }, 'a runs; b has an update left');
  pending.set('F/b', 0);
  updateAcknowledged(ctx, 'F', 'b');
  assert.deepEqual(ids(e), { tasks: ['a'], completed: ['b'] });
  e.tasks.get('a')!.state = 'TASK_FAILED';
  e.exited = true;
  executorTerminated(ctx, e);
  assert.equal(f.executors.get('E'), e, 'terminated, but a has an update to deliver');
  updateAcknowledged(ctx, 'F', 'a');
  assert.deepEqual(ids(e), { tasks: [], completed: ['b', 'a'] });
  assert.equal(f.executors.size, 0);
  assert.deepEqual(f.completedExecutors, [e]);
  assert.equal(ctx.frameworks.has('F'), false);
  assert.equal(ctx.completedFrameworks.get('F'), f);
  assert.deepEqual(forgotten, ['task b', 'task a', 'executor E', 'streams F', 'framework F']);
});

test('an executor that terminates with nothing incomplete goes at once; a framework with an update no executor holds stays until it is acknowledged', () => {
  const { ctx, pending } = context();
  const f = framework(ctx, 'F');
  const e = executor(f, 'E', []);
  pending.set('F/refused', 1);
  e.exited = true;
  executorTerminated(ctx, e);
  assert.deepEqual(f.completedExecutors, [e]);
  assert.equal(ctx.frameworks.get('F'), f, 'its update of a refused task is still to be delivered');
  pending.set('F/refused', 0);
  updateAcknowledged(ctx, 'F', 'refused');
  assert.equal(ctx.frameworks.has('F'), false);
});

test('a framework being removed: its executors go as they terminate, tasks and all, and then the framework', () => {
  const { ctx, pending } = context();
  const f = framework(ctx, 'F');
  const e = executor(f, 'E', [['a', 'TASK_RUNNING'], ['b', 'TASK_FINISHED']]);
  pending.set('F/b', 1);
  frameworkTerminating(ctx, f);
  assert.equal(ctx.frameworks.get('F'), f, 'its executor still runs');
  e.exited = true;
  executorTerminated(ctx, e);
  assert.deepEqual(ids(e), { tasks: [], completed: ['a', 'b'] });
  assert.equal(ctx.completedFrameworks.get('F'), f);
  // One with no executor goes at once.
  const g = framework(ctx, 'G');
  frameworkTerminating(ctx, g);
  assert.equal(ctx.completedFrameworks.get('G'), g);
});

test('the latest 200 completed tasks per executor, --max_completed_executors_per_framework executors, 50 frameworks (one entry per id) are kept', () => {
  const { ctx } = context(3);
  const f = framework(ctx, 'F');
  const e = executor(f, 'E', Array.from({ length: 205 }, (_, i): [string, TaskState] => [`t${i}`, 'TASK_FINISHED']));
  for (let i = 0; i < 205; i++) updateAcknowledged(ctx, 'F', `t${i}`);
  assert.equal(e.completedTasks.length, 200);
  assert.equal(e.completedTasks[0]!.info.task_id.value, 't5');
  for (let i = 0; i < 4; i++) {
    const x = executor(f, `X${i}`, []);
    x.exited = true;
    executorTerminated(ctx, x);
  }
  assert.deepEqual(f.completedExecutors.map((x) => x.info.executor_id.value), ['X1', 'X2', 'X3']);
  for (let i = 0; i < MAX_COMPLETED_FRAMEWORKS + 2; i++) frameworkTerminating(ctx, framework(ctx, `G${i}`));
  frameworkTerminating(ctx, framework(ctx, 'G5'));
  const kept = [...ctx.completedFrameworks.keys()];
  assert.equal(kept.length, MAX_COMPLETED_FRAMEWORKS);
  assert.equal(kept.includes('G1'), false, 'the oldest went');
  assert.equal(kept.filter((k) => k === 'G5').length, 1);
  assert.equal(kept.at(-1), 'G5', 'removed again: the latest');
});

// ---------------------------------------------------------------------------------------------- a real agent

const res = [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR' as const, scalar: { value: 32 } }];

interface StateExecutor { id: string; tasks: { id: string; state: string }[]; completed_tasks: { id: string; state: string }[] }
interface StateFramework { id: string; executors: StateExecutor[]; completed_executors: StateExecutor[] }
interface AgentState { frameworks: StateFramework[]; completed_frameworks: StateFramework[] }

/** A cluster with one in-process agent and a scheduler that acknowledges every update `hold` does not keep back. */
async function withScheduler(hold: (s: TaskStatus) => boolean, body: (s: { c: MiniCluster; client: SchedulerClient; fid: string; updates: () => TaskStatus[]; offer: () => Promise<Offer> }) => Promise<void>): Promise<void> {
  const c = await new MiniCluster({ agents: 1, master: { allocationIntervalMs: 50 } }).start();
  const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'completed', checkpoint: true } }).start();
  let acking: NodeJS.Timeout | undefined;
  try {
    const seen = recordEvents(client);
    const fid = await subscribedId(seen);
    const offers = () => seen.flatMap((e) => (e.type === 'OFFERS' ? (e.offers.offers ?? []) : []));
    let used = 0;
    const offer = async () => {
      await waitFor(() => offers().length > used, 10_000, 'an offer');
      return offers()[used++]!;
    };
    const updates = () => seen.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
    const acked = new Set<string>();
    acking = setInterval(() => {
      for (const u of updates()) {
        if (!u.uuid || acked.has(u.uuid) || hold(u)) continue;
        acked.add(u.uuid);
        void client.call(Calls.acknowledge(u)).catch(() => undefined);
      }
    }, 20);
    await body({ c, client, fid, updates, offer });
  } finally {
    clearInterval(acking);
    await client.teardown().catch(() => undefined);
    await c.stop();
  }
}

test('a real agent: a command task reported while its end awaits acknowledgement, then kept among the completed, its sandbox browsable', async () => {
  await withScheduler((s) => s.state === 'TASK_FINISHED', async ({ c, client, fid, updates, offer }) => {
    const agent = c.agents[0]!;
    const o = await offer();
    await client.call(Calls.accept([o.id], [Operations.launch([{ name: 'done', task_id: { value: 'done' }, agent_id: o.agent_id, resources: res, command: { value: 'echo hello' } }])]));
    await waitFor(() => updates().some((s) => s.state === 'TASK_FINISHED'), 10_000, 'TASK_FINISHED');
    const reported = () => (agent.registration().tasks ?? []).map((t) => [t.info.task_id.value, t.state]);
    assert.deepEqual(reported(), [['done', 'TASK_FINISHED']], 'ended, unacknowledged: reported on re-registration');
    const meta = join(agent.workDir, 'meta', 'frameworks', fid);
    assert.equal(existsSync(join(meta, 'executors', 'done')), true, 'checkpointed');
    let state = agent.state() as unknown as AgentState;
    assert.deepEqual(state.frameworks.map((f) => f.executors.map((e) => [e.id, e.completed_tasks.map((t) => t.state)])), [[['done', ['TASK_FINISHED']]]]);
    // Its acknowledgement completes the task, the executor and the framework here.
    await client.call(Calls.acknowledge(updates().find((u) => u.state === 'TASK_FINISHED')!));
    await waitFor(() => (agent.state() as unknown as AgentState).frameworks.length === 0, 5000, 'the framework removed');
    assert.deepEqual(reported(), []);
    assert.equal(existsSync(meta), false, 'its checkpoint is gone');
    state = agent.state() as unknown as AgentState;
    assert.deepEqual(state.completed_frameworks.map((f) => [f.id, f.executors.length, f.completed_executors.map((e) => [e.id, e.tasks, e.completed_tasks])]),
      [[fid, 0, [['done', [], [{ id: 'done', name: 'done', state: 'TASK_FINISHED' }]]]]]);
    const res2 = await fetch(`${agent.url}/files/read?path=${encodeURIComponent(`/frameworks/${fid}/executors/done/runs/latest/stdout`)}&offset=0`);
    assert.equal(res2.status, 200);
    assert.match((await res2.json() as { data: string }).data, /hello/);
  });
});

test('a real agent: a task for an executor that terminated and awaits acknowledgements is refused (TASK_LOST, Executor terminated); once acknowledged, the executor starts anew', async () => {
  await withScheduler(() => true, async ({ c, client, updates, offer }) => {
    const agent = c.agents[0]!;
    const executorInfo = { executor_id: { value: 'gone' }, command: { value: 'exit 3' }, resources: res };
    const launch = async (id: string) => {
      const o = await offer();
      await client.call(Calls.accept([o.id], [Operations.launch([{ name: id, task_id: { value: id }, agent_id: o.agent_id, resources: res, executor: executorInfo }])]));
    };
    const of = (id: string) => updates().filter((s) => s.task_id.value === id);
    await launch('first');
    await waitFor(() => of('first').some((s) => s.state === 'TASK_FAILED'), 10_000, 'the first task failed');
    const registration = agent.registration();
    assert.deepEqual((registration.tasks ?? []).map((t) => [t.info.task_id.value, t.state]), [['first', 'TASK_FAILED']], 'a terminated executor\'s task awaiting acknowledgement is reported');
    assert.deepEqual(registration.executors, [], 'the terminated executor itself is not');
    await launch('second');
    await waitFor(() => of('second').length > 0, 10_000, 'an update of the second');
    assert.deepEqual(of('second').map((s) => [s.state, s.reason, s.message, s.source]), [['TASK_LOST', 'REASON_EXECUTOR_TERMINATED', 'Executor terminated', 'SOURCE_AGENT']]);
    for (const s of [...of('first'), ...of('second')]) if (s.uuid) await client.call(Calls.acknowledge(s));
    await waitFor(() => (agent.state() as unknown as AgentState).frameworks.length === 0, 5000, 'the executor and framework removed');
    await launch('third');
    await waitFor(() => of('third').length > 0, 10_000, 'an update of the third');
    assert.deepEqual(of('third').map((s) => [s.state, s.reason]), [['TASK_FAILED', 'REASON_EXECUTOR_TERMINATED']], 'run by a new executor, which exits too');
  });
});

test('a real agent: a framework torn down goes once its executors have, its running task among the completed', async () => {
  await withScheduler(() => false, async ({ c, client, fid, updates, offer }) => {
    const agent = c.agents[0]!;
    const o = await offer();
    await client.call(Calls.accept([o.id], [Operations.launch([{ name: 'long', task_id: { value: 'long' }, agent_id: o.agent_id, resources: res, command: { value: 'sleep 60' } }])]));
    await waitFor(() => updates().some((s) => s.state === 'TASK_RUNNING'), 10_000, 'TASK_RUNNING');
    await client.teardown();
    await waitFor(() => (agent.state() as unknown as AgentState).completed_frameworks.length === 1, 10_000, 'the framework removed');
    const state = agent.state() as unknown as AgentState;
    assert.deepEqual(state.frameworks, []);
    assert.deepEqual(state.completed_frameworks.map((f) => [f.id, f.completed_executors.map((e) => [e.id, e.tasks.length, e.completed_tasks.map((t) => t.id)])]), [[fid, [['long', 0, ['long']]]]]);
  });
});
