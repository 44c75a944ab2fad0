import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from '../../src/index.js';
import { Master } from '../../src/minimesos/Master.js';
import { Agent } from '../../src/minimesos/Agent.js';
import { parseResourcesSpec } from '../../src/minimesos/specs.js';
import { startZooKeeper } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';
import { runModSums } from '../helpers/jobs.js';

async function failoverWhileRunning(coarse: boolean): Promise<void> {
  const zk = await startZooKeeper();
  const zkUrl = `zk://${zk.connectString}/mesos-${coarse ? 'coarse' : 'fine'}`;
  const m1 = new Master({ zk: zkUrl, allocationIntervalMs: 50, heartbeatIntervalSeconds: 1 });
  const m2 = new Master({ zk: zkUrl, allocationIntervalMs: 50, heartbeatIntervalSeconds: 1 });
  const agents = [0, 1].map((i) => new Agent({ master: zkUrl, resources: parseResourcesSpec('cpus:2;mem:4096'), workDir: mkdtempSync(join(tmpdir(), `fo-agent-${i}-`)), statusUpdateRetryMs: 300 }));
  let sc: SparkContext | undefined;
  try {
    await m1.start();
    await waitFor(() => m1.isLeader, 10_000, 'first leader');
    await m2.start();
    for (const a of agents) await a.start();
    await waitFor(() => (m1.state().slaves as unknown[]).length === 2, 10_000, 'agents registered');
    sc = new SparkContext(new SparkConf().setMaster(`mesos://${zkUrl}`).setAppName('failover-job')
      .set('spark.mesos.driver.failoverTimeout', '60').set('spark.executor.cores', '1').set('spark.executor.memory', '256m')
      .set('spark.mesos.coarse', String(coarse)));
    await sc.ready();
    const fid = sc.applicationId;
    if (coarse) await waitFor(() => sc!.executorIds.length === 4, 15_000, 'four executors');
    let failedOver = false;
    sc.addSparkListener((e) => {
      if (e.type === 'taskEnd' && !failedOver) {
        failedOver = true;
        void m1.stop();
      }
    });
    await runModSums(sc, 400, 8, 5, 5);
    assert.ok(failedOver, 'the leader was stopped mid-job');
    await waitFor(() => m2.isLeader, 10_000, 'second leader');
    await waitFor(() => (m2.state().frameworks as { id: string; connected: boolean }[]).some((f) => f.id === fid && f.connected), 20_000, 'framework re-subscribed to the new leader');
    assert.equal(sc.applicationId, fid, 'same framework id');
    // The executors survived the failover and are known to the new master.
    if (coarse) await waitFor(() => ((m2.state().frameworks as { id: string; tasks: { state: string }[] }[]).find((f) => f.id === fid)?.tasks.filter((t) => t.state === 'TASK_RUNNING').length ?? 0) === 4, 20_000, 'executors reported running to the new master');
    else await waitFor(() => ((m2.state().frameworks as { id: string; executors: unknown[] }[]).find((f) => f.id === fid)?.executors.length ?? 0) >= 1, 20_000, 'the fine-grained executors are known to the new master');
    assert.equal(await sc.parallelize([1, 2, 3], 3).sum(), 6, 'and jobs still run');
  } finally {
    await sc?.stop();
    for (const a of agents) await a.stop();
    await m2.stop();
    await m1.stop();
    await zk.stop();
  }
}

test('master failover through ZooKeeper while a job runs: same framework id, the job completes', () => failoverWhileRunning(true));

test('fine-grained: master failover through ZooKeeper while a job runs: same framework id, the job completes', () => failoverWhileRunning(false));
