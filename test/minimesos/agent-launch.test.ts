import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import type { Offer } from '../../src/mesos/wire/framework.js';
import type { TaskInfo, TaskStatus } from '../../src/mesos/wire/task.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';

// A launch's edges: a kill while URIs are fetched, an executor that never subscribes, one that re-subscribes
// without a task it was sent.
let cluster: MiniCluster;
let client: SchedulerClient;
let events: AsyncIterator<ClientEvent>;
let frameworkId: string;
const statuses: TaskStatus[] = [];
const offers: Offer[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);
const cpu = [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 } }];

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  cluster = await new MiniCluster({ agents: 1, resources: 'cpus:8;mem:4096', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 200, executorRegistrationTimeoutMs: 1500 } }).start();
  client = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { user: 'u', name: 'launch' } }).start();
  events = client.events();
  const sub = await nextEvent(events, isType('SUBSCRIBED'));
  frameworkId = sub.subscribed.framework_id.value;
  void pump();
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await client.teardown();
  await cluster.stop();
});

let pumping = true;
async function pump(): Promise<void> {
  while (pumping) {
    const r = await events.next().catch(() => ({ done: true as const, value: undefined }));
    if (r.done) return;
    const e = r.value;
    if (e.type === 'UPDATE') {
      statuses.push(e.update.status);
      if (e.update.status.uuid) void client.call(Calls.acknowledge(e.update.status)).catch(() => undefined);
    } else if (e.type === 'OFFERS') offers.push(...(e.offers.offers ?? []));
  }
}
after(() => (pumping = false));

async function launch(task: Omit<TaskInfo, 'agent_id'>): Promise<void> {
  await waitFor(() => offers.length > 0, 10_000, 'an offer');
  const offer = offers.shift()!;
  await client.call(Calls.accept([offer.id], [Operations.launch([{ ...task, agent_id: offer.agent_id }])], 0));
}

const of = (id: string) => statuses.filter((s) => s.task_id.value === id);

test('a task killed while its URIs are fetched ends TASK_KILLED once, and its process never starts', async () => {
  let requested!: () => void;
  const fetching = new Promise<void>((r) => (requested = r));
  const held: http.ServerResponse[] = [];
  // A slow URI server: answers only after the kill.
  const server = http.createServer((_req, res) => {
    held.push(res);
    requested();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    await launch({ name: 'slow', task_id: { value: 'slow' }, resources: cpu, command: { value: 'touch started; sleep 60', uris: [{ value: `http://127.0.0.1:${port}/big` }] } });
    await fetching;
    await client.call(Calls.kill('slow', cluster.agents[0]!.id!));
    await waitFor(() => of('slow').some((s) => s.state === 'TASK_KILLED'), 10_000, 'TASK_KILLED');
    for (const res of held) res.end('payload');
    // The fetch completes now: the launch must stop there.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(of('slow').map((s) => s.state), ['TASK_KILLED']);
    assert.equal(of('slow')[0]!.reason, 'REASON_TASK_KILLED_DURING_LAUNCH');
    assert.deepEqual(cluster.agents[0]!.processes().filter((p) => p.executorId === 'slow'), []);
    const runs = join(cluster.agents[0]!.workDir, 'slaves', cluster.agents[0]!.id!, 'frameworks', frameworkId, 'executors', 'slow', 'runs', 'latest');
    assert.ok(existsSync(join(runs, 'big')), 'the fetch completed');
    assert.ok(!readdirSync(runs).includes('started'), 'the command never ran');
    assert.deepEqual(unhandled, []);
  } finally {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test('an executor that does not subscribe in time: TASK_FAILED, "Executor did not register within <stout duration>"', async () => {
  await launch({
    name: 'mute', task_id: { value: 'mute' }, resources: cpu,
    executor: { executor_id: { value: 'mute-exec' }, command: { value: 'sleep 60' } },
  });
  await waitFor(() => of('mute').some((s) => s.state === 'TASK_FAILED'), 15_000, 'TASK_FAILED');
  const s = of('mute').find((x) => x.state === 'TASK_FAILED')!;
  assert.equal(s.reason, 'REASON_EXECUTOR_REGISTRATION_TIMEOUT');
  assert.equal(s.message, 'Executor did not register within 1.5secs');
});

/** Subscribes as the executor `eid` (the test plays it); resolves with the open response. */
async function subscribeAs(eid: string, unackedTasks: TaskInfo[]): Promise<{ res: http.IncomingMessage; req: http.ClientRequest; first: Promise<string> }> {
  const a = cluster.agents[0]!;
  const body = JSON.stringify({
    type: 'SUBSCRIBE', framework_id: { value: frameworkId }, executor_id: { value: eid },
    subscribe: { unacknowledged_tasks: unackedTasks, unacknowledged_updates: [] },
  });
  return new Promise((resolve, reject) => {
    const req = http.request(`${a.url}/api/v1/executor`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' } }, (res) => {
      let buf = '';
      const first = new Promise<string>((r) => res.on('data', (c: Buffer) => {
        buf += c.toString();
        if (buf.includes('"LAUNCH"')) r(buf);
      }));
      resolve({ res, req, first });
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a task sent to the executor and not reported back on re-subscription: TASK_LOST "Task launched during agent restart"', async () => {
  await launch({
    name: 'gone', task_id: { value: 'gone' }, resources: cpu,
    executor: { executor_id: { value: 'gone-exec' }, command: { value: 'sleep 60' } },
  });
  await waitFor(() => cluster.agents[0]!.processes().some((p) => p.executorId === 'gone-exec'), 10_000, 'the executor process');
  const one = await subscribeAs('gone-exec', []);
  assert.match(await one.first, /"task_id":\{"value":"gone"\}/);
  one.req.destroy();
  const two = await subscribeAs('gone-exec', []);
  try {
    await waitFor(() => of('gone').some((s) => s.state === 'TASK_LOST'), 10_000, 'TASK_LOST');
    const s = of('gone').find((x) => x.state === 'TASK_LOST')!;
    assert.equal(s.reason, 'REASON_AGENT_RESTARTED');
    assert.equal(s.message, 'Task launched during agent restart');
  } finally {
    two.req.destroy();
  }
});
