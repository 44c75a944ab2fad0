import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import type { FrameworkInfo } from '../../src/mesos/wire/framework.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';
import { alive } from '../helpers/process.js';

type Ev = ClientEvent;
const PING = { allocationIntervalMs: 50, agentPingTimeoutMs: 200, maxAgentPingTimeouts: 3 };

async function withProcessCluster(fn: (c: MiniCluster) => Promise<void>, agents = 1): Promise<void> {
  const c = await new MiniCluster({ agents, agentProcesses: true, resources: 'cpus:2;mem:1024', master: PING }).start();
  try {
    await fn(c);
  } finally {
    await c.stop();
  }
}

/** Subscribes, launches `sleep` on the first offer, and waits for TASK_RUNNING; returns the client, events, pid. */
async function runSleeper(c: MiniCluster, info: Partial<FrameworkInfo>) {
  const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'proc', ...info } }).start();
  const events = client.events();
  const ack = async (e: Ev) => {
    if (e.type === 'UPDATE' && e.update.status.uuid) await client.call(Calls.acknowledge(e.update.status)).catch(() => undefined);
  };
  const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
  await client.call(Calls.accept([offer.id], [Operations.launch([{
    name: 'sleeper', task_id: { value: 'sleeper' }, agent_id: offer.agent_id,
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }],
    command: { value: 'exec sleep 300' },
  }])]));
  const running = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING', 15_000, ack);
  await ack(running);
  const pid = running.type === 'UPDATE' ? running.update.status.container_status!.executor_pid! : 0;
  return { client, events, ack, pid, agentId: offer.agent_id.value, hostname: offer.hostname };
}

const update = (e: Ev): TaskStatus | undefined => (e.type === 'UPDATE' ? e.update.status : undefined);

test('agents as processes register over HTTP, appear in /state, and run tasks to completion', async () => {
  await withProcessCluster(async (c) => {
    assert.equal(c.agents.length, 0, 'no agent lives in this process');
    assert.equal(c.agentProcesses.length, 2);
    assert.ok(c.agentProcesses.every((a) => a.alive && a.pid !== process.pid));
    const state = (await (await fetch(`${c.master.url}/master/state`)).json()) as { slaves: { id: string; hostname: string; pid: string }[] };
    assert.deepEqual(new Set(state.slaves.map((s) => s.id)), new Set(c.agentProcesses.map((a) => a.id)));
    assert.match(state.slaves[0]!.pid, /^slave\(1\)@127\.0\.0\.1:[0-9]+$/);
    const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'p' } }).start();
    const events = client.events();
    try {
      const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
      await client.call(Calls.accept([offer.id], [Operations.launch([{
        name: 'echo', task_id: { value: 'echo' }, agent_id: offer.agent_id,
        resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], command: { value: 'echo hello' },
      }])]));
      const seen: string[] = [];
      await nextEvent(events, (e) => {
        const s = update(e);
        if (s) {
          seen.push(s.state);
          void client.call(Calls.acknowledge(s)).catch(() => undefined);
        }
        return s?.state === 'TASK_FINISHED';
      });
      assert.deepEqual(seen, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    } finally {
      await client.teardown();
    }
  }, 2);
});

test('an agent process killed: tasks of a framework that does not checkpoint are TASK_LOST at once (disconnected), then FAILURE on the ping timeout', async () => {
  await withProcessCluster(async (c) => {
    const { client, events, pid, agentId, hostname } = await runSleeper(c, {});
    try {
      await c.agentProcesses[0]!.kill();
      const lost = update(await nextEvent(events, (e) => update(e)?.state === 'TASK_LOST', 5000))!;
      assert.equal(lost.source, 'SOURCE_MASTER');
      assert.equal(lost.reason, 'REASON_AGENT_DISCONNECTED');
      assert.equal(lost.message, `Agent ${hostname} disconnected`);
      assert.equal(lost.agent_id?.value, agentId);
      const failure = await nextEvent(events, isType('FAILURE'), 5000);
      assert.deepEqual(failure.failure, { agent_id: { value: agentId } });
      const st = c.master.state() as { slaves: unknown[] };
      assert.equal(st.slaves.length, 0, 'the agent is no longer registered');
    } finally {
      await client.teardown();
      // The agent's crash leaves its container running, as on a real host.
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

test('a partitioned agent (stopped) is marked unreachable after missed pings; when it answers again it re-registers and its task is RUNNING again (Mesos 1.5+)', async () => {
  await withProcessCluster(async (c) => {
    const { client, events, ack, pid, agentId } = await runSleeper(c, { checkpoint: true, capabilities: [{ type: 'PARTITION_AWARE' }] });
    const agent = c.agentProcesses[0]!;
    try {
      process.kill(agent.pid!, 'SIGSTOP');
      const t0 = Date.now();
      const unreachable = update(await nextEvent(events, (e) => update(e)?.state === 'TASK_UNREACHABLE', 5000, ack))!;
      assert.ok(Date.now() - t0 >= 2 * PING.agentPingTimeoutMs, 'not before the pings were missed');
      assert.equal(unreachable.reason, 'REASON_AGENT_REMOVED');
      assert.equal(unreachable.source, 'SOURCE_MASTER');
      assert.equal(unreachable.message, 'health check timed out');
      assert.ok(unreachable.unreachable_time && unreachable.unreachable_time.nanoseconds > 0);
      await nextEvent(events, isType('FAILURE'), 5000);
      const st = c.master.state() as { frameworks: { unreachable_tasks: { id: string }[] }[] };
      assert.deepEqual(st.frameworks[0]!.unreachable_tasks.map((t) => t.id), ['sleeper']);

      process.kill(agent.pid!, 'SIGCONT');
      const back = update(await nextEvent(events, (e) => update(e)?.reason === 'REASON_AGENT_REREGISTERED', 10_000, ack))!;
      assert.equal(back.state, 'TASK_RUNNING');
      assert.equal(back.message, 'Unreachable agent re-reregistered');
      assert.equal(back.agent_id?.value, agentId, 'the agent keeps its id');
      assert.ok(alive(pid), 'the task kept running');
      await waitFor(() => (c.master.state() as { slaves: unknown[] }).slaves.length === 1, 5000, 'agent registered again');
    } finally {
      if (agent.alive) process.kill(agent.pid!, 'SIGCONT');
      await client.teardown();
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
