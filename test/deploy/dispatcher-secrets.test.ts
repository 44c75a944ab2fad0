/**
 * Cluster mode keeps secrets out of Mesos' state: a driver submitted with driver and executor secrets (environment
 * and file, VALUE secrets) and the `spark.authenticate` secret runs to FINISHED, and no state endpoint of the master
 * or agents shows any of them in any encoding (the driver's task, its executors' tasks, completed ones included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiniCluster } from '../../src/index.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { startDispatcher } from '../helpers/dispatcher.js';
import { waitFor } from '../helpers/events.js';
import { assertSecretsOutOfState } from '../helpers/secrets.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DRIVER_SECRET = 'driver"pass\\word-4711';
const EXECUTOR_SECRET = 'executor"pass\\word-0815';
const AUTH_SECRET = 'auth"shared\\secret-2024';

test('cluster mode: driver, executor and authentication secrets stay out of every Mesos state endpoint', async () => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:4;mem:8192', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 500 } }).start();
  const d = await startDispatcher(c.masterUrl, ['--conf', `spark.deploy.recoveryDirectory=${mkdtempSync(join(tmpdir(), 'dispatcher-state-'))}`]);
  try {
    const rest = new RestSubmissionClient(d.restUrl);
    const created = (await rest.createSubmission({
      appResource: `file://${root}examples/pi.ts`, mainClass: '', appArgs: ['2'], environmentVariables: {},
      sparkProperties: {
        'spark.app.name': 'secret-pi', 'spark.driver.memory': '256m', 'spark.executor.memory': '256m', 'spark.cores.max': '2',
        'spark.mesos.driver.secret.values': DRIVER_SECRET, 'spark.mesos.driver.secret.envkeys': 'DRIVER_PW', 'spark.mesos.driver.secret.filenames': 'driver.pw',
        'spark.mesos.executor.secret.values': EXECUTOR_SECRET, 'spark.mesos.executor.secret.envkeys': 'EXECUTOR_PW', 'spark.mesos.executor.secret.filenames': 'executor.pw',
        'spark.authenticate': 'true', 'spark.authenticate.secret': AUTH_SECRET,
      },
    })) as { success?: boolean; submissionId?: string; message?: string };
    assert.ok(created.success, created.message);
    let state: string | undefined;
    await waitFor(async () => {
      state = ((await rest.requestSubmissionStatus(created.submissionId!)) as { driverState?: string }).driverState;
      return state === 'FINISHED' || state === 'FAILED' || state === 'ERROR';
    }, 90_000, 'the driver ended');
    assert.equal(state, 'FINISHED', d.stderr());
    await assertSecretsOutOfState(c, [DRIVER_SECRET, EXECUTOR_SECRET, AUTH_SECRET]);
  } finally {
    await d.stop();
    await c.stop();
  }
});
