import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { newStatusUuid, parseMesosDuration, readExecutorEnvironment } from '../../src/mesos/client/ExecutorClient.js';
import type { ExecutorInfo, TaskInfo } from '../../src/mesos/wire/task.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';

let cluster: MiniCluster;
before(async () => {
  cluster = await new MiniCluster({ agents: 1, resources: 'cpus:4;mem:2048', master: { allocationIntervalMs: 100 }, agent: { statusUpdateRetryMs: 500 } }).start();
});
after(async () => {
  await cluster.stop();
});

const tsx = fileURLToPath(import.meta.resolve('tsx'));
const fixture = fileURLToPath(new URL('../fixtures/echo-executor.ts', import.meta.url));

test('a custom executor is started by the agent and served through the executor API', async () => {
  const client = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { user: 'u', name: 'custom-executor' } }).start();
  const events = client.events();
  const ack = async (e: ClientEvent) => {
    if (e.type === 'UPDATE' && e.update.status.uuid) await client.call(Calls.acknowledge(e.update.status));
  };
  try {
    await nextEvent(events, isType('SUBSCRIBED'));
    const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
    const executor: ExecutorInfo = {
      executor_id: { value: 'echo-exec' },
      command: { value: `exec node --import ${tsx} ${fixture}` },
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }],
    };
    const task = (id: string, data: string): TaskInfo => ({
      name: id, task_id: { value: id }, agent_id: offer.agent_id, executor,
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], data: Buffer.from(data).toString('base64'),
    });
    await client.call(Calls.accept([offer.id], [Operations.launch([task('t1', 'hello'), task('t2', 'wait')])]));
    const states: Record<string, string[]> = { t1: [], t2: [] };
    let echoed: string | undefined;
    await nextEvent(events, (e) => {
      if (e.type === 'UPDATE') {
        const s = e.update.status;
        states[s.task_id.value]!.push(s.state);
        assert.equal(s.source, 'SOURCE_EXECUTOR');
        assert.equal(s.executor_id?.value, 'echo-exec');
        if (s.state === 'TASK_FINISHED') echoed = Buffer.from(s.data!, 'base64').toString('utf8');
      }
      return states.t1!.includes('TASK_FINISHED') && states.t2!.includes('TASK_RUNNING');
    }, 30_000, ack).then(ack);
    assert.deepEqual(states.t1, ['TASK_RUNNING', 'TASK_FINISHED']);
    assert.equal(echoed, 'echo:hello');
    // A framework message reaches the executor, which answers with one of its own.
    await client.call(Calls.message(offer.agent_id, 'echo-exec', 'ping'));
    const msg = await nextEvent(events, isType('MESSAGE'), 10_000, ack);
    assert.equal(Buffer.from(msg.message.data, 'base64').toString(), 're:ping');
    // KILL goes to the executor as an event; it answers TASK_KILLED.
    await client.call(Calls.kill('t2', offer.agent_id));
    const killed = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't2' && e.update.status.state === 'TASK_KILLED', 10_000, ack);
    await ack(killed);
    // SHUTDOWN ends the executor; the scheduler hears FAILURE with its wait status.
    await client.call(Calls.shutdown('echo-exec', offer.agent_id));
    const failure = await nextEvent(events, isType('FAILURE'), 10_000, ack);
    assert.equal(failure.failure.executor_id?.value, 'echo-exec');
    assert.equal(failure.failure.status, 0);
    await waitFor(() => cluster.agents[0]!.processes().length === 0, 5000, 'executor process gone');
    await client.teardown();
  } finally {
    await client.close();
  }
});

test('executor helpers: uuids, durations, environment', () => {
  for (let i = 0; i < 20; i++) {
    const b = Buffer.from(newStatusUuid(), 'base64');
    assert.equal(b.length, 16);
    assert.equal(b[6]! >> 4, 4, 'version 4');
    assert.equal(b[8]! >> 6, 2, 'RFC 4122 variant');
  }
  assert.equal(parseMesosDuration('15mins'), 900_000);
  assert.equal(parseMesosDuration('2secs'), 2000);
  assert.equal(parseMesosDuration('1.5secs'), 1500);
  assert.equal(parseMesosDuration('250ms'), 250);
  assert.throws(() => parseMesosDuration('2 seconds'), /bad Mesos duration/);
  const env = readExecutorEnvironment({ MESOS_FRAMEWORK_ID: 'F', MESOS_EXECUTOR_ID: 'E', MESOS_AGENT_ENDPOINT: '127.0.0.1:5051', MESOS_CHECKPOINT: '1', MESOS_RECOVERY_TIMEOUT: '1mins' });
  assert.deepEqual([env.frameworkId, env.executorId, env.agent, env.checkpoint, env.recoveryTimeoutMs], ['F', 'E', { host: '127.0.0.1', port: 5051 }, true, 60_000]);
  assert.throws(() => readExecutorEnvironment({}), /MESOS_AGENT_ENDPOINT is not set/);
  assert.throws(() => readExecutorEnvironment({ MESOS_AGENT_ENDPOINT: 'nope', MESOS_FRAMEWORK_ID: 'F', MESOS_EXECUTOR_ID: 'E' }), /should be ip:port/);
});
