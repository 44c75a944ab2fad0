/**
 * The coarse-grained backend end to end on mini-Mesos, with executors as real processes started by the agents.
 * Assertions about resources come from the master's /state, not from the backend's own bookkeeping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext, MiniCluster, MesosCoarseGrainedSchedulerBackend, type SparkListenerEvent } from '../../src/index.js';
import { waitFor } from '../helpers/events.js';
import { runCli } from '../helpers/cli.js';
import { checkUrisAndSecrets, runModSums, withCluster } from '../helpers/jobs.js';


interface StateTask { id: string; state: string; slave_id: string; resources: Record<string, number | string>; labels?: { key: string; value: string }[]; container?: Record<string, any> }
interface State { frameworks: { id: string; name: string; role?: string; capabilities: string[]; tasks: StateTask[]; completed_tasks: StateTask[] }[]; completed_frameworks: { id: string }[]; slaves: { id: string; attributes: Record<string, unknown> }[] }

const state = (c: MiniCluster) => c.master.state() as unknown as State;

test('the Pi example runs on mini-Mesos through spark-mesos submit', async () => {
  await withCluster({ agents: 2, resources: 'cpus:2;mem:4096' }, async (c) => {
    const r = await runCli(['submit', '--master', c.masterUrl, '--executor-memory', '512m', '--executor-cores', '1', 'examples/pi.ts', '20']);
    assert.equal(r.code, 0, r.err);
    const m = /Pi is roughly ([0-9.]+)/.exec(r.out);
    assert.ok(m && Math.abs(Number(m[1]) - Math.PI) < 0.05, r.out);
    await waitFor(() => state(c).completed_frameworks.length === 1, 10_000, 'framework torn down');
  });
});

test('cores.max, executor cores, memory overhead, constraints, role, labels and container reach Mesos', async () => {
  await withCluster({ agents: 3, resources: 'cpus:4;mem:8192;ports:[31000-31100];cpus(analytics):2;mem(analytics):2048', attributes: 'zone:a' }, async (c) => {
    // One agent without the attribute the constraint needs.
    const { parseAttributesSpec, parseResourcesSpec } = await import('../../src/minimesos/specs.js');
    const odd = await c.addAgent(parseResourcesSpec('cpus:4;mem:8192'), parseAttributesSpec('zone:b'));
    const conf = new SparkConf()
      .setMaster(c.masterUrl).setAppName('limits')
      .set('spark.cores.max', '5').set('spark.executor.cores', '2').set('spark.executor.memory', '1g')
      .set('spark.mesos.executor.memoryOverhead', '100').set('spark.mesos.constraints', 'zone:a')
      .set('spark.mesos.role', 'analytics').set('spark.mesos.task.labels', 'team:data,env:test')
      .set('spark.mesos.executor.docker.image', 'apache/spark:3.5.6').set('spark.mesos.containerizer', 'mesos');
    const sc = new SparkContext(conf);
    try {
      await sc.ready();
      assert.equal(await sc.parallelize(Array.from({ length: 20 }, (_, i) => i), 4).sum(), 190);
      await waitFor(() => state(c).frameworks[0]?.tasks.length === 2, 10_000, 'two executors');
      const fw = state(c).frameworks[0]!;
      assert.equal(fw.role, 'analytics');
      // cores.max 5 with 2-core executors rounds down to 4: two executors of 2 cpus, each 1024 + 100 MiB.
      assert.deepEqual(fw.tasks.map((t) => [t.resources.cpus, t.resources.mem]), [[2, 1124], [2, 1124]]);
      for (const t of fw.tasks) {
        assert.notEqual(t.slave_id, odd.id, 'no executor on the agent failing the constraint');
        assert.deepEqual(t.labels, [{ key: 'team', value: 'data' }, { key: 'env', value: 'test' }]);
        assert.deepEqual(t.container, { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'apache/spark:3.5.6' }, cached: true } } });
        assert.equal(t.state, 'TASK_RUNNING');
      }
      await waitFor(() => sc.executorIds.length === 2, 10_000, 'both executors registered with the driver');
    } finally {
      await sc.stop();
    }
  });
});

test('GPUs: the framework asks for GPU offers and takes at most spark.mesos.gpus.max', async () => {
  await withCluster({ agents: 2, resources: 'cpus:2;mem:4096;gpus:2' }, async (c) => {
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('gpus').set('spark.mesos.gpus.max', '3').set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.cores.max', '4'));
    try {
      await sc.ready();
      assert.equal(await sc.parallelize([1, 2, 3], 3).count(), 3);
      await waitFor(() => state(c).frameworks[0]!.tasks.length === 4, 10_000, 'four executors');
      const fw = state(c).frameworks[0]!;
      assert.deepEqual(fw.capabilities, ['GPU_RESOURCES']);
      const gpus = fw.tasks.reduce((n, t) => n + Number(t.resources.gpus), 0);
      assert.equal(gpus, 3, 'three GPUs in all, never more than gpus.max');
    } finally {
      await sc.stop();
    }
  });
});

test('URIs are fetched and executor secrets reach the executors; secrets stay out of the framework state', async () => {
  await withCluster({ agents: 1, resources: 'cpus:2;mem:4096' }, (c) =>
    checkUrisAndSecrets(c, new SparkConf().setMaster(c.masterUrl).setAppName('uris').set('spark.executor.cores', '1').set('spark.executor.memory', '256m')));
});

test('SIGKILL of an executor mid-job: the job completes and a replacement executor is launched', async () => {
  await withCluster({ agents: 2, resources: 'cpus:2;mem:4096' }, async (c) => {
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('kill').set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.cores.max', '3').set('spark.task.maxFailures', '4'));
    const events: SparkListenerEvent[] = [];
    sc.addSparkListener((e) => events.push(e));
    try {
      await sc.ready();
      await waitFor(() => sc.executorIds.length === 3, 10_000, 'three executors');
      let killed: number | undefined;
      sc.addSparkListener((e) => {
        if (e.type === 'taskStart' && killed === undefined) {
          // The executor's own process (it registered with its pid), not the shell the agent started it with.
          const victim = (sc.schedulerBackend as MesosCoarseGrainedSchedulerBackend).driver.executors.get(e.executorId);
          if (victim) {
            killed = victim.pid;
            process.kill(victim.pid, 'SIGKILL');
          }
        }
      });
      await runModSums(sc, 600, 6, 7, 2);
      assert.ok(killed, 'an executor was killed');
      await waitFor(() => state(c).frameworks[0]!.completed_tasks.some((t) => t.state === 'TASK_FAILED' || t.state === 'TASK_KILLED'), 10_000, 'the lost executor task ended in Mesos');
      await waitFor(() => state(c).frameworks[0]!.tasks.filter((t) => t.state === 'TASK_RUNNING').length === 3, 15_000, 'a replacement brought the executors back to three');
      assert.ok(events.some((e) => e.type === 'executorRemoved'), 'the driver saw the executor lost');
      assert.ok(state(c).frameworks[0]!.tasks.some((t) => Number(t.id) >= 3), 'the replacement is a new task');
    } finally {
      await sc.stop();
    }
  });
});

test('the driver exposes the backend\'s and the engine\'s metrics for Prometheus', async () => {
  await withCluster({ agents: 1, resources: 'cpus:2;mem:4096' }, async (c) => {
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('metrics').set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.ui.port', '0'));
    try {
      await sc.ready();
      assert.equal(await sc.parallelize([1, 2, 3], 3).count(), 3);
      await waitFor(() => sc.executorIds.length === 2, 10_000, 'both executors registered');
      const { host, port } = sc.uiAddress!;
      const text = await (await fetch(`http://${host}:${port}/metrics/prometheus`)).text();
      const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.]+)$`, 'm').exec(text)?.[1]);
      assert.ok(value('spark_mesos_offers_received_total') >= 1, text);
      assert.equal(value('spark_mesos_executors_launched_total'), 2);
      assert.match(text, /spark_tasks_total\{result="success"\} 3/);
      assert.match(text, /spark_jobs_total\{result="succeeded"\} 1/);
      const status = (await (await fetch(`http://${host}:${port}/api/status`)).json()) as { applicationId: string; executors: string[] };
      assert.equal(status.applicationId, sc.applicationId);
      assert.equal(status.executors.length, 2);
    } finally {
      await sc.stop();
    }
  });
});
