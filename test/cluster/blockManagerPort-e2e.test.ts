/**
 * `spark.blockManager.port` end to end: on two agents with distinct hosts (127.0.0.1 and 127.0.0.2) whose offers
 * hold only that port, each executor's block server listens on exactly it, and a shuffle between them works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SparkConf, SparkContext, type MesosCoarseGrainedSchedulerBackend } from '../../src/index.js';
import { freePort } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';
import { runModSums, withCluster } from '../helpers/jobs.js';

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

test('spark.blockManager.port: every executor serves its blocks on the port reserved from its offer, and shuffles work', async () => {
  const port = await freePort();
  await withCluster({ agents: 2, agentHosts: ['127.0.0.1', '127.0.0.2'], resources: `cpus:1;mem:2048;ports:[${port}-${port}]` }, async (c) => {
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('fixed-block-port')
      .set('spark.blockManager.port', String(port)).set('spark.executor.cores', '1').set('spark.executor.memory', '256m')
      .set('spark.cores.max', '2').set('spark.scheduler.minRegisteredResourcesRatio', '1'));
    try {
      await sc.ready();
      const driver = (sc.schedulerBackend as MesosCoarseGrainedSchedulerBackend).driver;
      await waitFor(() => driver.executors.size === 2, 30_000, 'an executor on each agent');
      const regs = [...driver.executors.values()];
      assert.deepEqual(regs.map((e) => e.host).sort(), ['127.0.0.1', '127.0.0.2'], 'one executor per host');
      assert.deepEqual(regs.map((e) => e.blockPort), [port, port], 'both registered the configured block port');
      for (const e of regs) assert.ok(await canConnect(e.host, port), `the block server of executor ${e.id} listens on ${e.host}:${port}`);
      // Map output on both executors, reducers on both: blocks travel between the two fixed-port servers.
      await runModSums(sc, 400, 4, 7, 0);
    } finally {
      await sc.stop();
    }
  });
});
