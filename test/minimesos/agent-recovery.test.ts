/**
 * Agent restart as Mesos does it (docs/agent-recovery.md): a real agent process killed with SIGKILL and started
 * again on the same work dir keeps its id; executors of a framework with `checkpoint: true` keep running and are
 * recovered (their tasks finish and TASK_FINISHED reaches the scheduler, unacknowledged updates are resent);
 * without checkpointing their tasks are lost and the restarted agent destroys the orphaned containers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { recordedProcessAlive } from '../../src/minimesos/agent/Checkpoint.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import type { FrameworkInfo } from '../../src/mesos/wire/framework.js';
import type { TaskInfo, TaskStatus } from '../../src/mesos/wire/task.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';
import { alive } from '../helpers/process.js';

// Pings slow enough that a restart (a new Node process) comes back before the master gives up on the agent.
const MASTER = { allocationIntervalMs: 50, agentPingTimeoutMs: 1000, maxAgentPingTimeouts: 30 };
const fixture = fileURLToPath(new URL('../fixtures/waiting-executor.ts', import.meta.url));
const tsx = fileURLToPath(import.meta.resolve('tsx'));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Every update the scheduler sees, acknowledged unless `hold` says otherwise. */
class Scheduler {
  readonly client: SchedulerClient;
  readonly updates: TaskStatus[] = [];
  readonly failures: unknown[] = [];
  hold: (s: TaskStatus) => boolean = () => false;
  private readonly events: AsyncIterableIterator<ClientEvent>;
  private pump: Promise<void> | undefined;

  constructor(c: MiniCluster, info: Partial<FrameworkInfo>) {
    this.client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'recovery', ...info } }).start();
    this.events = this.client.events();
  }

  /** Waits for an offer, launches the task on it, then collects events in the background. */
  async launch(task: (agentId: string) => TaskInfo): Promise<void> {
    const offer = (await nextEvent(this.events, isType('OFFERS'))).offers.offers![0]!;
    await this.client.call(Calls.accept([offer.id], [Operations.launch([task(offer.agent_id.value)])]));
    this.pump = (async () => {
      for await (const e of this.events) {
        if (e.type === 'FAILURE') this.failures.push(e.failure);
        if (e.type !== 'UPDATE') continue;
        const s = e.update.status;
        this.updates.push(s);
        if (s.uuid && !this.hold(s)) await this.client.call(Calls.acknowledge(s)).catch(() => undefined);
      }
    })().catch(() => undefined);
  }

  async waitForState(state: string, timeoutMs = 20_000): Promise<TaskStatus> {
    await waitFor(() => this.updates.some((s) => s.state === state), timeoutMs, state);
    return this.updates.find((s) => s.state === state)!;
  }

  async close(): Promise<void> {
    await this.client.teardown().catch(() => undefined);
    await this.pump;
  }
}

const res = (cpus: number, mem: number) => [
  { name: 'cpus', type: 'SCALAR' as const, scalar: { value: cpus } }, { name: 'mem', type: 'SCALAR' as const, scalar: { value: mem } },
];

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

async function withCluster(fn: (c: MiniCluster, dir: string) => Promise<void>, agentArgs: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-recovery-'));
  const c = await new MiniCluster({ agents: 1, agentProcesses: true, resources: 'cpus:2;mem:1024', master: MASTER, agentArgs }).start();
  try {
    await fn(c, dir);
  } finally {
    await c.stop();
    // Whatever a killed agent left behind (its container records) goes too.
    const records = join(c.workDir, 'agent-0', 'meta', 'containers');
    for (const f of existsSync(records) ? readdirSync(records) : []) {
      const r = JSON.parse(readFileSync(join(records, f), 'utf8')) as { pid: number; startTime?: string };
      if (recordedProcessAlive(r.pid, r.startTime)) killGroup(r.pid);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

test('checkpointing framework: a command task keeps running across an agent SIGKILL and restart, and its TASK_FINISHED reaches the scheduler', async () => {
  await withCluster(async (c, dir) => {
    const go = join(dir, 'go');
    const s = new Scheduler(c, { checkpoint: true });
    // TASK_RUNNING is held unacknowledged: the restarted agent must still have it and send it again.
    let holdRunning = true;
    s.hold = (st) => st.state === 'TASK_RUNNING' && holdRunning;
    const agent = c.agentProcesses[0]!;
    let pid = 0;
    try {
      await s.launch((agentId) => ({
        name: 'waiter', task_id: { value: 'waiter' }, agent_id: { value: agentId }, resources: res(0.5, 32),
        command: { value: `while [ ! -e '${go}' ]; do sleep 0.1; done; echo done` },
      }));
      const running = await s.waitForState('TASK_RUNNING');
      pid = running.container_status!.executor_pid!;
      const idBefore = agent.id;

      await agent.kill();
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(alive(pid), 'the executor survives its agent');
      assert.equal(s.updates.filter((u) => u.state === 'TASK_LOST').length, 0, 'no TASK_LOST for a checkpointing framework');

      const before = s.updates.length;
      holdRunning = false;
      await agent.start();
      assert.equal(agent.id, idBefore, 'the agent re-registers with the id it had');
      // The unacknowledged TASK_RUNNING comes again (same uuid), from the recovered status update stream.
      await waitFor(() => s.updates.slice(before).some((u) => u.state === 'TASK_RUNNING' && u.uuid === running.uuid), 20_000, 'TASK_RUNNING resent');
      assert.ok(alive(pid), 'the recovered task still runs');

      writeFileSync(go, '');
      const finished = await s.waitForState('TASK_FINISHED');
      assert.equal(finished.agent_id?.value, idBefore);
      assert.equal(finished.source, 'SOURCE_EXECUTOR');
      assert.equal(finished.message, 'Command exited with status 0');
      assert.deepEqual(s.updates.filter((u) => u.state === 'TASK_LOST' || u.state === 'TASK_FAILED'), []);
      const st = c.master.state() as { slaves: { id: string }[] };
      assert.deepEqual(st.slaves.map((a) => a.id), [idBefore]);
    } finally {
      await s.close();
      if (pid) killGroup(pid);
    }
  });
});

test('checkpointing framework: a custom executor re-subscribes to the restarted agent and finishes its task', async () => {
  const port = await freePort();
  // A fixed port, as a real agent's 5051: the executor reconnects to the address it was given.
  await withCluster(async (c, dir) => {
    const go = join(dir, 'go');
    const s = new Scheduler(c, { checkpoint: true });
    const agent = c.agentProcesses[0]!;
    try {
      await s.launch((agentId) => ({
        name: 'custom', task_id: { value: 'custom' }, agent_id: { value: agentId }, resources: res(0.5, 64), data: Buffer.from(go).toString('base64'),
        executor: {
          executor_id: { value: 'waiting-executor' }, resources: res(0.1, 32),
          command: { value: `exec '${process.execPath}' --import '${tsx}' '${fixture}'` },
        },
      }));
      await s.waitForState('TASK_RUNNING', 30_000);
      const idBefore = agent.id;
      await agent.kill();
      await agent.start();
      assert.equal(agent.id, idBefore);
      await waitFor(async () => {
        const st = (await (await fetch(`${agent.url}/state`)).json()) as { frameworks: { executors: { id: string }[] }[] };
        return st.frameworks.some((f) => f.executors.some((e) => e.id === 'waiting-executor'));
      }, 10_000, 'executor recovered');
      // Longer than the re-registration timeout (2 s): the executor subscribed, so it is not destroyed.
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(s.updates.filter((u) => u.state === 'TASK_LOST').length, 0);
      writeFileSync(go, '');
      const finished = await s.waitForState('TASK_FINISHED', 30_000);
      assert.equal(finished.source, 'SOURCE_EXECUTOR');
      assert.equal(finished.agent_id?.value, idBefore);
    } finally {
      await s.close();
    }
  }, ['--port', String(port)]);
});

test('framework without checkpointing: its task is lost when the agent dies, and the restarted agent destroys the orphaned container', async () => {
  await withCluster(async (c) => {
    const s = new Scheduler(c, {});
    const agent = c.agentProcesses[0]!;
    let pid = 0;
    try {
      await s.launch((agentId) => ({
        name: 'sleeper', task_id: { value: 'sleeper' }, agent_id: { value: agentId }, resources: res(0.5, 32), command: { value: 'exec sleep 300' },
      }));
      pid = (await s.waitForState('TASK_RUNNING')).container_status!.executor_pid!;
      const idBefore = agent.id;
      await agent.kill();
      const lost = await s.waitForState('TASK_LOST', 10_000);
      assert.equal(lost.reason, 'REASON_AGENT_DISCONNECTED');
      assert.equal(lost.source, 'SOURCE_MASTER');
      assert.ok(alive(pid), 'the container outlives the agent until the agent comes back');

      await agent.start();
      assert.equal(agent.id, idBefore);
      await waitFor(() => !alive(pid), 10_000, 'the orphaned container destroyed');
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(s.updates.map((u) => u.state), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_LOST'], 'the task stays lost');
      const st = c.master.state() as { frameworks: { tasks: unknown[] }[] };
      assert.deepEqual(st.frameworks[0]!.tasks, []);
    } finally {
      await s.close();
      if (pid) killGroup(pid);
    }
  });
});

test('checkpointing framework: a recovered executor that does not re-subscribe in time is destroyed and its task is TASK_GONE (partition-aware)', async () => {
  await withCluster(async (c) => {
    const s = new Scheduler(c, { checkpoint: true, capabilities: [{ type: 'PARTITION_AWARE' }] });
    const agent = c.agentProcesses[0]!;
    try {
      // An executor that never subscribes: its task stays STAGING (the registration timeout is 1 min).
      await s.launch((agentId) => ({
        name: 'mute', task_id: { value: 'mute' }, agent_id: { value: agentId }, resources: res(0.5, 32),
        executor: { executor_id: { value: 'mute-executor' }, resources: res(0.1, 32), command: { value: 'exec sleep 300' } },
      }));
      const records = join(c.workDir, 'agent-0', 'meta', 'containers');
      await waitFor(() => existsSync(records) && readdirSync(records).length === 1, 10_000, 'container record');
      const { pid } = JSON.parse(readFileSync(join(records, readdirSync(records)[0]!), 'utf8')) as { pid: number };
      await agent.kill();
      assert.ok(alive(pid));
      await agent.start();
      const gone = await s.waitForState('TASK_GONE', 15_000);
      assert.equal(gone.reason, 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT');
      assert.equal(gone.source, 'SOURCE_AGENT');
      assert.equal(gone.message, 'Executor did not reregister within 2secs');
      await waitFor(() => !alive(pid), 10_000, 'the executor destroyed');
    } finally {
      await s.close();
    }
  });
});
