/**
 * The fine-grained backend (spark.mesos.coarse=false) end to end on mini-Mesos: each engine task is a Mesos task run
 * by the application's executor on the agent (a real process speaking the executor API). Assertions about what ran
 * where come from the master's /state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, MiniCluster, type SparkListenerEvent } from '../../src/index.js';
import { waitFor } from '../helpers/events.js';
import { runCli } from '../helpers/cli.js';
import { checkUrisAndSecrets, runModSums, withCluster } from '../helpers/jobs.js';


interface StateStatus { state: string; timestamp: number }
interface StateTask { id: string; name: string; state: string; slave_id: string; executor_id: string; resources: Record<string, number | string>; labels?: { key: string; value: string }[]; statuses: StateStatus[] }
interface StateExecutor { executor_id: string; slave_id: string; resources: Record<string, number | string>; container?: Record<string, unknown>; command?: { value: string } }
interface StateFramework { id: string; name: string; role?: string; tasks: StateTask[]; completed_tasks: StateTask[]; executors: StateExecutor[] }
interface State { frameworks: StateFramework[]; completed_frameworks: StateFramework[] }

const state = (c: MiniCluster) => c.master.state() as unknown as State;
const allTasks = (f: StateFramework) => [...f.tasks, ...f.completed_tasks];

const submit = (args: string[]) => runCli(['submit', ...args]);

const fine = (c: MiniCluster, name: string) =>
  new SparkConf().setMaster(c.masterUrl).setAppName(name).set('spark.mesos.coarse', 'false').set('spark.executor.memory', '256m').set('spark.ui.enabled', 'false');

test('fine-grained: the Pi example runs through spark-mesos submit, one Mesos task per engine task', async () => {
  await withCluster({ agents: 2, resources: 'cpus:2;mem:4096' }, async (c) => {
    const r = await submit(['--master', c.masterUrl, '--conf', 'spark.mesos.coarse=false', '--executor-memory', '256m', 'examples/pi.ts', '6']);
    assert.equal(r.code, 0, r.err);
    const m = /Pi is roughly ([0-9.]+)/.exec(r.out);
    assert.ok(m && Math.abs(Number(m[1]) - Math.PI) < 0.05, r.out);
    await waitFor(() => state(c).completed_frameworks.length === 1, 10_000, 'framework torn down');
    const fw = state(c).completed_frameworks[0]!;
    const finished = allTasks(fw).filter((t) => t.state === 'TASK_FINISHED');
    assert.equal(finished.length, 6, 'each of the 6 partitions ran as its own Mesos task');
    // Every task ran in the application's executor on its agent (executor id = agent id, as in Spark).
    for (const t of finished) assert.equal(t.executor_id, t.slave_id);
  });
});

test('fine-grained: executor and task resources, constraints, role, labels and container reach Mesos', async () => {
  await withCluster({ agents: 2, resources: 'cpus:4;mem:8192;cpus(analytics):2;mem(analytics):2048', attributes: 'zone:a' }, async (c) => {
    const { parseAttributesSpec, parseResourcesSpec } = await import('../../src/minimesos/specs.js');
    const odd = await c.addAgent(parseResourcesSpec('cpus:4;mem:8192'), parseAttributesSpec('zone:b'));
    const conf = fine(c, 'fine-limits')
      .set('spark.executor.memory', '1g').set('spark.mesos.executor.memoryOverhead', '100').set('spark.mesos.mesosExecutor.cores', '0.5')
      .set('spark.mesos.constraints', 'zone:a').set('spark.mesos.role', 'analytics').set('spark.mesos.task.labels', 'team:data,env:test')
      .set('spark.mesos.executor.docker.image', 'apache/spark:3.5.6').set('spark.mesos.containerizer', 'mesos');
    const sc = new SparkContext(conf);
    try {
      await sc.ready();
      assert.equal(await sc.parallelize(Array.from({ length: 20 }, (_, i) => i), 6).sum(), 190);
      const fw = state(c).frameworks[0]!;
      assert.equal(fw.role, 'analytics');
      assert.ok(fw.executors.length >= 1);
      for (const e of fw.executors) {
        assert.notEqual(e.slave_id, odd.id, 'no executor on the agent failing the constraint');
        assert.equal(e.executor_id, e.slave_id);
        assert.deepEqual([e.resources.cpus, e.resources.mem], [0.5, 1124], 'the executor holds mesosExecutor.cores and the executor memory');
        assert.deepEqual(e.container, { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'apache/spark:3.5.6' }, cached: true } } });
        assert.match(e.command!.value, /spark-mesos executor --mesos$/);
      }
      const tasks = allTasks(fw);
      assert.equal(tasks.length, 6);
      for (const t of tasks) {
        assert.notEqual(t.slave_id, odd.id);
        assert.equal(t.resources.cpus, 1, 'each task takes spark.task.cpus');
        assert.deepEqual(t.labels, [{ key: 'team', value: 'data' }, { key: 'env', value: 'test' }]);
      }
    } finally {
      await sc.stop();
    }
  });
});

test('fine-grained: URIs are fetched and executor secrets reach the executor; secrets stay out of the framework state', async () => {
  await withCluster({ agents: 1, resources: 'cpus:3;mem:4096' }, (c) => checkUrisAndSecrets(c, fine(c, 'fine-uris')));
});

test('fine-grained: a failing task is retried and its error reaches the driver; cached data and broadcasts work', async () => {
  await withCluster({ agents: 2, resources: 'cpus:2;mem:4096' }, async (c) => {
    const sc = new SparkContext(fine(c, 'fine-errors').set('spark.task.maxFailures', '2').set('spark.ui.enabled', 'true').set('spark.ui.port', '0'));
    try {
      await sc.ready();
      await assert.rejects(sc.parallelize([1, 2, 3], 3).map((x) => {
        if (x === 2) throw new Error('bad record 2');
        return x;
      }).collect(), /bad record 2/);
      const b = sc.broadcast({ factor: 3 });
      const cached = sc.parallelize(Array.from({ length: 30 }, (_, i) => i), 3).map((x) => x * b.value.factor, { b }).cache();
      assert.equal(await cached.count(), 30);
      assert.equal(await cached.sum(), 3 * 435);
      const fw = state(c).frameworks[0]!;
      assert.equal(allTasks(fw).filter((t) => t.state === 'TASK_FAILED').length, 2, 'the bad task failed twice (maxFailures 2)');
      // The backend's and the engine's metrics, as in coarse mode.
      const { host, port } = sc.uiAddress!;
      const text = await (await fetch(`http://${host}:${port}/metrics/prometheus`)).text();
      const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.]+)$`, 'm').exec(text)?.[1]);
      assert.ok(value('spark_mesos_offers_received_total') >= 1, text);
      assert.equal(value('spark_mesos_executors_launched_total'), fw.executors.length, 'one executor per agent used');
      assert.match(text, /spark_tasks_total\{result="failed"\} 2/);
    } finally {
      await sc.stop();
    }
  });
});

test('fine-grained: two applications at once share the agents task by task', async () => {
  // One agent with room for both applications' executors (1 cpu each) and their tasks: every task of both runs
  // there, and cpus freed by either go to the application with the smaller share, as Mesos' DRF allocator decides.
  await withCluster({ agents: 1, resources: 'cpus:8;mem:4096' }, async (c) => {
    // Two driver processes (one SparkContext each, as Spark allows); a barrier in the fixture starts both jobs once
    // both applications are registered.
    const barrier = mkdtempSync(join(tmpdir(), 'fine-barrier-'));
    const app = (name: string) => submit(['--master', c.masterUrl, '--name', name, '--conf', 'spark.mesos.coarse=false', '--conf', 'spark.ui.enabled=false', '--executor-memory', '256m', 'test/fixtures/slow-sum.ts', '24', '80', barrier, '2']);
    const [ra, rb] = await Promise.all([app('app-a'), app('app-b')]);
    for (const r of [ra, rb]) {
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /sum=276/);
    }
    const byName = new Map(state(c).completed_frameworks.map((f) => [f.name, f]));
    const fa = byName.get('app-a')!;
    const fb = byName.get('app-b')!;
    // The warm-up job's 8 tasks (stage 0), then the 24 of the job that runs concurrently (stage 1).
    const main = (f: StateFramework) => allTasks(f).filter((t) => / task 1\.[0-9]+$/.test(t.name));
    assert.equal(allTasks(fa).length, 32);
    assert.equal(main(fa).length, 24);
    assert.equal(main(fb).length, 24);
    // Their tasks interleave on the agent: the running intervals overlap, and in start order the applications
    // take turns rather than one running all its tasks before the other.
    const starts = [...main(fa).map((t) => ['a', t] as const), ...main(fb).map((t) => ['b', t] as const)]
      .map(([app, t]) => [app, Math.min(...t.statuses.map((st) => st.timestamp))] as const)
      .sort((x, y) => x[1] - y[1]);
    const span = (app: string) => [starts.find(([a]) => a === app)![1], starts.findLast(([a]) => a === app)![1]];
    const [a0, a1] = span('a');
    const [b0, b1] = span('b');
    assert.ok(a0! < b1! && b0! < a1!, `both ran at once: a ${a0}..${a1}, b ${b0}..${b1}`);
    const turns = starts.filter((s, i) => i > 0 && s[0] !== starts[i - 1]![0]).length;
    assert.ok(turns >= 3, `the applications took turns on the agent (${turns} switches): ${starts.map(([app]) => app).join('')}`);
  });
});

test('fine-grained: SIGKILL of an agent\'s executor mid-job reschedules its tasks and the job completes', async () => {
  await withCluster({ agents: 2, resources: 'cpus:3;mem:4096' }, async (c) => {
    const sc = new SparkContext(fine(c, 'fine-kill').set('spark.task.maxFailures', '4'));
    const events: SparkListenerEvent[] = [];
    sc.addSparkListener((e) => events.push(e));
    try {
      await sc.ready();
      let killed: { agent: string; pid: number } | undefined;
      let starts = 0;
      sc.addSparkListener((e) => {
        if (e.type !== 'taskStart' || killed || ++starts < 5) return;
        const agent = c.agents.find((a) => a.id === e.executorId)!;
        const proc = agent.processes().find((p) => p.frameworkId === sc.applicationId);
        if (!proc) return;
        killed = { agent: agent.id!, pid: proc.pid };
        // The whole process group: the shell the agent started and our executor under it.
        process.kill(-proc.pid, 'SIGKILL');
      });
      await runModSums(sc, 600, 8, 7, 2);
      assert.ok(killed, 'an executor was killed');
      assert.ok(events.some((e) => e.type === 'executorRemoved' && e.executorId === killed!.agent), 'the driver saw the executor lost');
      const fw = state(c).frameworks[0]!;
      assert.ok(allTasks(fw).some((t) => t.slave_id === killed!.agent && t.state === 'TASK_FAILED'), 'the killed executor\'s task ended failed in Mesos');
      assert.ok(events.some((e) => e.type === 'taskEnd' && e.result === 'lost'), 'its tasks were reported lost and rescheduled');
    } finally {
      await sc.stop();
    }
  });
});
