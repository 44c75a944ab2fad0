/**
 * The fine-grained backend's starvation warning on mini-Mesos: an application whose tasks fit no offer says why, from
 * the offers it declined, in the same words as the coarse-grained backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';
import { parseAttributesSpec, parseResourcesSpec } from '../../src/minimesos/specs.js';
import { onWarning } from '../../src/util/logging.js';
import { waitFor } from '../helpers/events.js';
import { withCluster } from '../helpers/jobs.js';

test('fine-grained: a constraint no roomy agent meets and an agent too small for executor plus task: the starvation warning names both', async () => {
  await withCluster({ agents: 1, resources: 'cpus:1;mem:4096', attributes: 'zone:a' }, async (c) => {
    await c.addAgent(parseResourcesSpec('cpus:8;mem:8192'), parseAttributesSpec('zone:b'));
    const warnings: string[] = [];
    const off = onWarning((_logger, m) => warnings.push(m));
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('fine-waits').set('spark.mesos.coarse', 'false')
      .set('spark.executor.memory', '256m').set('spark.mesos.constraints', 'zone:a').set('spark.starvation.timeout', '1s').set('spark.ui.enabled', 'false'));
    const job = sc.parallelize([1, 2], 2).count().catch((e: Error) => e);
    try {
      await sc.ready();
      // The executor's 1 cpu (spark.mesos.mesosExecutor.cores) plus one task's.
      const reason = '2 offers declined: 1 below 2 cpus, 1 failing constraint zone:a';
      await waitFor(() => warnings.some((w) => w.includes(reason)), 30_000, 'the starvation warning with the offer tally');
      assert.ok(warnings.some((w) => w === `Initial job has not accepted any resources; check your cluster UI to ensure that workers are registered and have sufficient resources (${reason})`), warnings.join('\n'));
    } finally {
      off();
      await sc.stop();
      await job;
    }
  });
});
