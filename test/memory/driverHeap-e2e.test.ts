// `spark-mesos submit` in client mode caps the driver's heap at an explicit spark.driver.memory (at least 450 MiB),
// unless the driver's Node options set a cap themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const driverArgv = (out: string) => (JSON.parse(out.trim().split('\n').pop()!) as { driver: string[] }).driver;

test('submit --driver-memory runs the driver with --max-old-space-size', async () => {
  const r = await runCli(['submit', '--master', 'local[1]', '--driver-memory', '600m', 'test/fixtures/node-options-app.ts', 'local[1]']);
  assert.equal(r.code, 0, r.err);
  assert.ok(driverArgv(r.out).includes('--max-old-space-size=600'), JSON.stringify(driverArgv(r.out)));
  const own = await runCli(['submit', '--master', 'local[1]', '--driver-memory', '600m', '--conf', 'spark.driver.extraNodeOptions=--max-old-space-size=700', 'test/fixtures/node-options-app.ts', 'local[1]']);
  assert.equal(own.code, 0, own.err);
  assert.deepEqual(driverArgv(own.out).filter((a) => a.startsWith('--max-old-space-size')), ['--max-old-space-size=700']);
});
