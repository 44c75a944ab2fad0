/**
 * An agent registering again over a new link while its old one is still open (a partitioned agent that heard no
 * pings, or a restarted one whose old socket has not broken yet): the master closes the old link, and that close
 * must not be taken for the agent going away.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import type { Registration } from '../../src/minimesos/agentProtocol.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { isType, nextEvent } from '../helpers/events.js';
import { registerRawAgent } from '../helpers/rawAgent.js';

test('re-registration over a new link: the old link is closed, the agent stays active, its tasks are not lost', async () => {
  const c = await new MiniCluster({ agents: 0, master: { allocationIntervalMs: 50 } }).start();
  const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'rereg' } }).start();
  const events = client.events();
  const links: http.ClientRequest[] = [];
  const masterHttp = `http://${c.master.endpoint.host}:${c.master.endpoint.port}`;
  try {
    const sub = await nextEvent(events, isType('SUBSCRIBED'));
    const fid = sub.subscribed.framework_id.value;
    const base: Registration = { hostname: 'h1', port: 1, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], attributes: [] };
    // The agent (re)registers with a running task of a framework that does not checkpoint, then again.
    const id = 'rereg-S0';
    const task = { name: 't', task_id: { value: 't' }, agent_id: { value: id }, command: { value: 'sleep 60' } };
    const running: TaskStatus = { task_id: { value: 't' }, state: 'TASK_RUNNING', agent_id: { value: id } };
    const reg: Registration = { ...base, id, tasks: [{ info: task, frameworkId: fid, state: 'TASK_RUNNING', statuses: [running] }] };
    const first = await registerRawAgent(masterHttp, reg);
    links.push(first.req);
    assert.equal(first.agentId, id);
    const second = await registerRawAgent(masterHttp, reg);
    links.push(second.req);
    assert.equal(second.agentId, id);
    await first.closed;
    const updates: TaskStatus[] = [];
    await nextEvent(events, () => false, 1000, (e: ClientEvent) => {
      if (e.type === 'UPDATE') updates.push(e.update.status);
    }).catch(() => undefined);
    assert.deepEqual(updates.filter((u) => u.state === 'TASK_LOST'), []);
    const st = c.master.state() as { slaves: { id: string; active: boolean }[]; frameworks: { tasks: { id: string; state: string }[] }[] };
    assert.deepEqual(st.slaves.map((a) => [a.id, a.active]), [[id, true]]);
    assert.deepEqual(st.frameworks.flatMap((f) => f.tasks.map((t) => [t.id, t.state])), [['t', 'TASK_RUNNING']]);
  } finally {
    for (const l of links) l.destroy();
    await client.teardown().catch(() => undefined);
    await c.stop();
  }
});
