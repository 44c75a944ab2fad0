/**
 * Mesos maintenance end to end on mini-Mesos: while a shuffle job's reduce stage runs, the operator schedules one
 * of the two agents for maintenance. The master sends the application an inverse offer; the coarse backend drains
 * that agent's executor (no new tasks, running ones finish), hands its map outputs to the other executor, kills it
 * and accepts the inverse offer. The job finishes with the right answer and no stage is retried for lost shuffle
 * output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext, type MesosCoarseGrainedSchedulerBackend } from '../../src/index.js';
import type { SparkListenerEvent } from '../../src/scheduler/events.js';
import { waitFor } from '../helpers/events.js';
import { withCluster } from '../helpers/jobs.js';

// Shorter than what the reduce stage has left when the window opens: an executor kept until every task reading its
// map outputs ends would be killed by the grace period under running reducers.
const GRACE_MS = 8_000;
const SLACK_MS = 5_000;

test('a job running across a maintenance window: the draining executor hands over its shuffle output, no FetchFailed, inverse offer accepted', async () => {
  await withCluster({ agents: 2, agentHosts: ['127.0.0.1', '127.0.0.2'], resources: 'cpus:2;mem:2048' }, async (c) => {
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('maintenance').set('spark.ui.enabled', 'false')
      .set('spark.executor.cores', '2').set('spark.cores.max', '4').set('spark.executor.memory', '256m')
      .set('spark.mesos.decommission.gracePeriod', `${GRACE_MS}ms`));
    const backend = sc.schedulerBackend as MesosCoarseGrainedSchedulerBackend;
    const events: SparkListenerEvent[] = [];
    sc.addSparkListener((e) => events.push(e));
    try {
      await sc.ready();
      await waitFor(() => backend.driver.executors.size === 2, 60_000, 'two executors');
      const n = 4000;
      const data = Array.from({ length: n }, (_, i) => i);
      const keys = 96;
      const reduced = sc.parallelize(data, 8)
        .map((x) => {
          if (x % 500 === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
          return [x % keys, x] as [number, number];
        }, { keys })
        .reduceByKey((a, b) => a + b, 48);
      const job = reduced
        .map((kv) => {
          // Slow reducers (~500 ms a task): the maintenance window opens while they run.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
          return kv;
        })
        .collect();
      job.catch(() => undefined);

      // Once the reduce stage runs on both executors, schedule maintenance of the agent whose executor wrote most map output.
      const stages = () => events.filter((e): e is Extract<SparkListenerEvent, { type: 'stageSubmitted' }> => e.type === 'stageSubmitted');
      await waitFor(() => stages().length >= 2, 60_000, 'the reduce stage');
      const reduceStage = stages()[1]!.stageId;
      await waitFor(() => new Set(events.filter((e) => e.type === 'taskStart' && e.stageId === reduceStage).map((e) => (e as { executorId: string }).executorId)).size === 2, 30_000, 'reducers on both executors');
      const mapsBy = new Map<string, number>();
      for (const e of events) if (e.type === 'taskEnd' && e.shuffleMap && e.result === 'success') mapsBy.set(e.executorId, (mapsBy.get(e.executorId) ?? 0) + 1);
      const [draining, maps] = [...mapsBy].sort((a, b) => b[1] - a[1])[0]!;
      const host = backend.driver.executors.get(draining)!.host;
      const slaves = c.master.state().slaves as { id: string; hostname: string; pid: string }[];
      const agent = slaves.find((s) => s.hostname === host)!;
      const ip = agent.pid.replace(/^.*@/, '').replace(/:\d+$/, '');
      const postedAt = Date.now();
      const schedule = { windows: [{ machine_ids: [{ hostname: agent.hostname, ip }], unavailability: { start: { nanoseconds: postedAt * 1e6 }, duration: { nanoseconds: 3600e9 } } }] };
      const posted = await fetch(`${c.master.url}/maintenance/schedule`, { method: 'POST', body: JSON.stringify(schedule) });
      assert.equal(posted.status, 200, await posted.text());

      const out = await job;
      const want = new Map<number, number>();
      for (const x of data) want.set(x % keys, (want.get(x % keys) ?? 0) + x);
      assert.deepEqual(new Map(out), want, 'the job completed correctly');

      // No stage was retried for lost shuffle output.
      const fetchFailures = events.filter((e) => (e.type === 'taskEnd' && /FetchFailed/.test(e.error ?? '')) || (e.type === 'stageCompleted' && e.failure !== undefined));
      assert.deepEqual(fetchFailures, [], 'no FetchFailed and no failed stage');
      assert.ok(!events.some((e) => e.type === 'stageSubmitted' && e.attempt > 0), 'no stage attempt beyond the first');

      // The executor was drained, handed its map outputs over and was killed, within the grace period.
      await waitFor(() => backend.decommissioner.accepted.size > 0, GRACE_MS + SLACK_MS, 'the inverse offer to be accepted');
      const rec = backend.decommissioner.records.find((r) => r.executorId === draining)!;
      assert.ok(rec, 'the executor on the draining agent was decommissioned');
      assert.equal(rec.agentId, agent.id);
      assert.ok(rec.killedAt !== undefined);
      assert.ok(rec.movedOutputs >= maps, `its ${maps} map output(s) moved (moved ${rec.movedOutputs})`);
      assert.equal(rec.reason, 'drained', 'killed once drained, not by the grace period');
      assert.ok(rec.killedAt - postedAt <= GRACE_MS + SLACK_MS, `decommission took ${rec.killedAt - postedAt} ms`);

      // The shuffle output outlived its executor: a second job over it runs no map task again.
      const mapTasksBefore = events.filter((e) => e.type === 'taskEnd' && e.shuffleMap).length;
      assert.equal(await reduced.count(), keys);
      assert.equal(events.filter((e) => e.type === 'taskEnd' && e.shuffleMap).length, mapTasksBefore, 'no map task recomputed');
      const accepted = backend.decommissioner.accepted.get(agent.id)!;
      assert.ok(accepted.at - postedAt <= GRACE_MS + SLACK_MS);
      assert.ok(accepted.refuseSeconds >= 5, 'accepted with a filter: the master does not offer again every few seconds');

      // The master recorded the acceptance, and the executor's task there ended killed; no executor runs on it.
      const status = await (await fetch(`${c.master.url}/maintenance/status`)).json() as { draining_machines: { id: { hostname: string }; statuses?: { status: string; framework_id: { value: string } }[] }[] };
      assert.equal(status.draining_machines.length, 1);
      assert.deepEqual(status.draining_machines[0]!.statuses?.map((s) => [s.status, s.framework_id.value]), [['ACCEPT', backend.applicationId]]);
      const fw = (c.master.state().frameworks as { tasks: { id: string; slave_id: string; state: string }[]; completed_tasks: { id: string; state: string }[] }[])[0]!;
      assert.equal(fw.completed_tasks.find((t) => t.id === draining)?.state ?? fw.tasks.find((t) => t.id === draining)?.state, 'TASK_KILLED');
      assert.deepEqual(fw.tasks.filter((t) => t.slave_id === agent.id && t.state === 'TASK_RUNNING'), [], 'no executor runs on the draining agent');
    } finally {
      await sc.stop();
    }
  });
});
