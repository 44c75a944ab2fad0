/**
 * Explainable waiting, driver side, on mini-Mesos: an application whose executors fit no offer says why, from the
 * offers it saw, in its log (the starvation warning), on its Jobs page and in its `/api/status`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';
import { parseAttributesSpec, parseResourcesSpec } from '../../src/minimesos/specs.js';
import { onWarning } from '../../src/util/logging.js';
import { waitFor } from '../helpers/events.js';
import { withCluster } from '../helpers/jobs.js';

test('executors wanting more cpus than an offer has, or a constraint no other agent meets: the reason in the log, the UI and /api/status', async () => {
  await withCluster({ agents: 1, resources: 'cpus:2;mem:4096', attributes: 'zone:a' }, async (c) => {
    await c.addAgent(parseResourcesSpec('cpus:8;mem:8192'), parseAttributesSpec('zone:b'));
    const warnings: string[] = [];
    const off = onWarning((_logger, m) => warnings.push(m));
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('waits').set('spark.executor.cores', '4')
      .set('spark.executor.memory', '256m').set('spark.mesos.constraints', 'zone:a').set('spark.starvation.timeout', '1s').set('spark.ui.port', '0'));
    const job = sc.parallelize([1, 2], 2).count().catch((e: Error) => e);
    try {
      await sc.ready();
      const reason = '2 offers declined: 1 below 4 cpus, 1 failing constraint zone:a';
      await waitFor(() => warnings.some((w) => w.includes(reason)), 30_000, 'the starvation warning with the offer tally');
      assert.ok(warnings.some((w) => w === `Initial job has not accepted any resources; check your cluster UI to ensure that workers are registered and have sufficient resources (${reason})`), warnings.join('\n'));
      const jobsPage = await (await fetch(`${sc.uiWebUrl}/jobs/`)).text();
      assert.match(jobsPage, /<p id="waiting-for-executors" class="warning"><strong>Waiting for executors:<\/strong> 2 offers declined: 1 below 4 cpus, 1 failing constraint zone:a<\/p>/);
      const status = (await (await fetch(`${sc.uiWebUrl}/api/status`)).json()) as { waitingForExecutors: string | null };
      assert.equal(status.waitingForExecutors, reason);
    } finally {
      off();
      await sc.stop();
      await job;
    }
  });
});
