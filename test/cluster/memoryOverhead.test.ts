/**
 * Container memory with Spark's generic overhead keys (`spark.executor.memoryOverhead`, `spark.driver.memoryOverhead`)
 * beside the Mesos ones (`spark.mesos.*.memoryOverhead`, which win when both are set): executors of both backends,
 * the driver task the dispatcher sizes, and the resources it takes from an offer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, MesosSchedulerUtils as U } from '../../src/index.js';
import { describeDriver } from '../../src/deploy/mesos/MesosDriverDescription.js';
import { driverTaskMemory, planDriverLaunches } from '../../src/deploy/mesos/driverOffers.js';
import type { Offer } from '../../src/mesos/wire/framework.js';

test('executor memory: Mesos overhead, else the generic overhead, else max(384, factor × heap)', () => {
  const cases: [Record<string, string>, number][] = [
    [{ 'spark.executor.memory': '1g' }, 1024 + 384],
    [{ 'spark.executor.memory': '1g', 'spark.executor.memoryOverhead': '200' }, 1224],
    [{ 'spark.executor.memory': '1g', 'spark.executor.memoryOverhead': '1g' }, 2048],
    [{ 'spark.executor.memory': '1g', 'spark.executor.memoryOverhead': '0' }, 1024],
    [{ 'spark.executor.memory': '8g', 'spark.executor.memoryOverhead': '100' }, 8192 + 100],
    [{ 'spark.executor.memory': '1g', 'spark.mesos.executor.memoryOverhead': '300' }, 1324],
    [{ 'spark.executor.memory': '1g', 'spark.mesos.executor.memoryOverhead': '300', 'spark.executor.memoryOverhead': '200' }, 1324],
    [{ 'spark.executor.memory': '1g', 'spark.mesos.executor.memoryOverhead': '0', 'spark.executor.memoryOverhead': '200' }, 1024],
    [{ 'spark.executor.memory': '4g', 'spark.executor.memoryOverheadFactor': '0.2', 'spark.executor.memoryOverhead': '100' }, 4196],
  ];
  for (const [settings, want] of cases) assert.equal(U.executorMemory(new SparkConf(settings)), want, JSON.stringify(settings));
  assert.throws(() => U.executorMemory(new SparkConf({ 'spark.executor.memoryOverhead': 'lots' })), /spark\.executor\.memoryOverhead/);
});

test('driver task memory: Mesos overhead, else the generic overhead, else max(384, factor × heap), added once', () => {
  const cases: [Record<string, string>, number][] = [
    [{ 'spark.driver.memory': '1000m' }, 1384],
    [{ 'spark.driver.memory': '2000m', 'spark.driver.memoryOverhead': '1000' }, 3000],
    [{ 'spark.driver.memory': '2g', 'spark.driver.memoryOverhead': '1g' }, 3072],
    [{ 'spark.driver.memory': '1000m', 'spark.driver.memoryOverhead': '0' }, 1000],
    [{ 'spark.driver.memory': '1000m', 'spark.mesos.driver.memoryOverhead': '50', 'spark.driver.memoryOverhead': '1000' }, 1050],
    [{ 'spark.driver.memory': '5000m', 'spark.driver.memoryOverheadFactor': '0.2' }, 6000],
  ];
  const driver = (props: Record<string, string>) => describeDriver({
    action: 'CreateSubmissionRequest', appResource: 'file:///apps/job.ts', mainClass: '', appArgs: [],
    sparkProperties: { 'spark.app.name': 'job', ...props }, environmentVariables: {}, clientSparkVersion: '3.5.1',
  }, 'driver-20261201000000-0001', 1000, 0);
  const offer: Offer = {
    id: { value: 'o1' }, framework_id: { value: 'f' }, agent_id: { value: 'a1' }, hostname: 'h',
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' }, { name: 'mem', type: 'SCALAR', scalar: { value: 8192 }, role: '*' }],
  };
  for (const [settings, want] of cases) {
    assert.equal(U.driverContainerMemory(new SparkConf(settings)), want, `utils ${JSON.stringify(settings)}`);
    const d = driver(settings);
    assert.equal(driverTaskMemory(d), want, `dispatcher ${JSON.stringify(settings)}`);
    const plan = planDriverLaunches([d], [offer]);
    assert.deepEqual(plan.launches[0]!.resources.find((r) => r.name === 'mem')!.scalar, { value: want }, `task mem ${JSON.stringify(settings)}`);
  }
});
