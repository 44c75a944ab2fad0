/** Dispatcher priority queues: declared weights, the default queue's weight, and the launch order they give. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueueWeights, queueOf, queueWeight } from '../../src/deploy/mesos/queues.js';
import { compareQueued } from '../../src/deploy/mesos/driverOffers.js';
import type { MesosDriverDescription } from '../../src/deploy/mesos/MesosDriverDescription.js';

test('queue weights: declared names, `default` weighs 0 unless spark.mesos.dispatcher.queue.default is set', () => {
  const table: [Record<string, string>, string | undefined, number | undefined][] = [
    [{}, undefined, 0],
    [{}, 'default', 0],
    [{}, '', 0],
    [{}, 'urgent', undefined],
    [{ urgent: '5' }, 'urgent', 5],
    [{ urgent: '5' }, undefined, 0],
    [{ default: '10' }, undefined, 10],
    [{ default: '10' }, 'default', 10],
    [{ default: '-2.5', low: '-3' }, undefined, -2.5],
    [{ default: '-2.5', low: '-3' }, 'low', -3],
    [{ default: ' 7 ' }, 'default', 7],
  ];
  for (const [declared, value, want] of table) {
    assert.equal(queueWeight(queueOf(value), parseQueueWeights(Object.entries(declared))), want, `${JSON.stringify(declared)} ${value}`);
  }
  for (const bad of ['', 'high', 'NaN', 'Infinity']) {
    assert.throws(() => parseQueueWeights([['default', bad]]), new RegExp(`spark\\.mesos\\.dispatcher\\.queue\\.default should be a number .*but was '${bad}'`));
  }
});

test('launch order follows the weights, the default queue included', () => {
  const d = (id: string, queue: string | undefined, date: number): MesosDriverDescription => ({
    submissionId: id, submissionDate: date, seq: date, name: id, jarUrl: 'file:///a.ts', mainClass: '', mem: 1024, cores: 1, supervise: false,
    arguments: [], environment: {}, conf: queue === undefined ? {} : { 'spark.mesos.dispatcher.queue': queue },
  });
  const drivers = [d('u1', 'urgent', 1), d('d1', undefined, 2), d('l1', 'low', 3), d('d2', 'default', 4), d('u2', 'urgent', 5)];
  const order = (declared: Record<string, string>) => {
    const w = parseQueueWeights(Object.entries(declared));
    return [...drivers].sort(compareQueued((x) => queueWeight(queueOf(x.conf['spark.mesos.dispatcher.queue']), w) ?? 0)).map((x) => x.submissionId);
  };
  assert.deepEqual(order({ urgent: '5', low: '-1' }), ['u1', 'u2', 'd1', 'd2', 'l1']);
  assert.deepEqual(order({ urgent: '5', low: '-1', default: '10' }), ['d1', 'd2', 'u1', 'u2', 'l1']);
  assert.deepEqual(order({ urgent: '5', low: '-1', default: '-5' }), ['u1', 'u2', 'l1', 'd1', 'd2']);
});

test('the scheduler itself queues by weight, with spark.mesos.dispatcher.queue.default honoured', async () => {
  const { MiniCluster, SparkConf } = await import('../../src/index.js');
  const { MesosClusterScheduler } = await import('../../src/deploy/mesos/MesosClusterScheduler.js');
  const { BlackHolePersistenceEngine } = await import('../../src/deploy/persistence/PersistenceEngine.js');
  // An agent too small for any driver: everything stays queued, in the scheduler's order.
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:0.1;mem:32' }).start();
  const conf = new SparkConf({ 'spark.mesos.dispatcher.queue.urgent': '5', 'spark.mesos.dispatcher.queue.low': '-1', 'spark.mesos.dispatcher.queue.default': '10' });
  const scheduler = new MesosClusterScheduler(conf, c.masterUrl.slice('mesos://'.length), new BlackHolePersistenceEngine());
  try {
    await scheduler.start();
    const submit = async (name: string, queue?: string) => {
      const r = await scheduler.submit({
        action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', appResource: 'file:///a.ts', mainClass: '', appArgs: [], environmentVariables: {},
        sparkProperties: { 'spark.app.name': name, ...(queue ? { 'spark.mesos.dispatcher.queue': queue } : {}) },
      });
      assert.ok(r.success, r.message);
    };
    await submit('u1', 'urgent');
    await submit('d1');
    await submit('l1', 'low');
    await submit('d2', 'default');
    await submit('u2', 'urgent');
    assert.deepEqual(scheduler.state().queued.map((d) => d.name), ['d1', 'd2', 'u1', 'u2', 'l1']);
  } finally {
    await scheduler.stop();
    await c.stop();
  }
});
