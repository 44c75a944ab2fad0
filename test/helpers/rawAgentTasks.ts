/**
 * A master, a framework and an agent played by hand, with tasks running on it: for tests of what the master does to
 * tasks when agents and frameworks come and go.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { Master } from '../../src/minimesos/Master.js';
import type { MasterOptions } from '../../src/minimesos/master/model.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { firstOffer, recordEvents, subscribedId, waitFor } from './events.js';
import { registerRawAgent, sendAsAgent } from './rawAgent.js';

export interface StateTask { id: string; state: string; statuses?: { state: string; container_status?: unknown }[] }
export interface StateFramework { tasks: StateTask[]; unreachable_tasks: StateTask[]; completed_tasks: StateTask[] }

export const cpus = (n: number) => [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: n } }];
export const pairs = (ts: StateTask[]) => ts.map((t) => [t.id, t.state]).sort();

/**
 * A master, a framework and a hand-played agent running the tasks `ids`, of which the first has ended with an update
 * the framework has not acknowledged. `ponging` keeps the agent answering the master's health checks.
 */
export async function withTasks(
  opts: MasterOptions & { partitionAware: boolean; ids: string[]; ponging?: boolean; checkpoint?: boolean },
  body: (h: {
    m: Master; client: SchedulerClient; agentId: string; link: http.ClientRequest; seen: ClientEvent[]; updates(from: number): TaskStatus[];
    framework(): StateFramework; stopPonging(): Promise<void>;
    /** Sends a status update as the agent (with the task's latest state there, if given); resolves with the master's answer status. */
    report(status: Omit<TaskStatus, 'agent_id'>, latestState?: TaskStatus['state']): Promise<number>;
  }) => Promise<void>,
): Promise<void> {
  const { partitionAware, ids, ponging: pong = false, checkpoint = false, ...masterOpts } = opts;
  const m = new Master({ allocationIntervalMs: 50, ...masterOpts });
  let link: http.ClientRequest | undefined;
  let client: SchedulerClient | undefined;
  let ponging = pong;
  let pongs: Promise<void> = Promise.resolve();
  try {
    await m.start();
    const capabilities = partitionAware ? [{ type: 'PARTITION_AWARE' as const }] : [];
    const c = new SchedulerClient({ master: m.url.replace('http://', 'mesos://'), frameworkInfo: { user: 'u', name: 'raw-agent-tasks', capabilities, checkpoint } }).start();
    client = c;
    const seen = recordEvents(c);
    const frameworkId = await subscribedId(seen);
    const a = await registerRawAgent(m.url, { hostname: 'a', port: 1, resources: cpus(ids.length), attributes: [] });
    link = a.req;
    pongs = (async () => {
      while (ponging) {
        await sendAsAgent(m.url, a, { type: 'PONG' }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const offer = await firstOffer(seen);
    const tasks = ids.map((id) => ({ name: id, task_id: { value: id }, agent_id: offer.agent_id, resources: cpus(1), command: { value: 'true' } }));
    await c.call(Calls.accept([offer.id], [Operations.launch(tasks)]));
    const framework = () => (m.state().frameworks as StateFramework[])[0]!;
    await waitFor(() => framework().tasks.length === ids.length, 5000, 'the tasks launched');
    const updates = (from: number): TaskStatus[] => seen.slice(from).flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
    const finished: TaskStatus = { task_id: { value: ids[0]! }, state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR', agent_id: offer.agent_id, uuid: Buffer.from('update-1 16bytes').toString('base64'), timestamp: Date.now() / 1000 };
    assert.equal(await sendAsAgent(m.url, a, { type: 'STATUS_UPDATE', framework_id: frameworkId, status: finished }), 202);
    await waitFor(() => updates(0).some((s) => s.task_id.value === ids[0] && s.state === 'TASK_FINISHED'), 5000, 'TASK_FINISHED forwarded');
    const stopPonging = async () => {
      ponging = false;
      await pongs;
    };
    const report = (status: Omit<TaskStatus, 'agent_id'>, latestState?: TaskStatus['state']) => sendAsAgent(m.url, a, {
      type: 'STATUS_UPDATE', framework_id: frameworkId, status: { ...status, agent_id: offer.agent_id }, ...(latestState ? { latest_state: latestState } : {}),
    });
    await body({ m, client: c, agentId: a.agentId, link, seen, updates, framework, stopPonging, report });
  } finally {
    ponging = false;
    await pongs;
    await client?.teardown().catch(() => undefined);
    link?.destroy();
    await m.stop();
  }
}

