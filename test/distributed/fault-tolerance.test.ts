import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, ExternalShuffleService, TaskContext, type SparkListenerEvent } from '../../src/index.js';
import type { LocalClusterBackend } from '../../src/scheduler/cluster/LocalClusterBackend.js';
import { freePort } from '../helpers/zookeeper.js';
import { alive } from '../helpers/process.js';
import { waitFor } from '../helpers/events.js';

/** A two-stage job slow enough to kill an executor in its middle; its answer computed directly. */
async function twoStageJobKillingExecutor(conf: SparkConf) {
  const sc = new SparkContext(conf.setMaster('local-cluster[2,1,1024]').setAppName('kill-executor'));
  const events: SparkListenerEvent[] = [];
  sc.addSparkListener((e) => events.push(e));
  try {
    await sc.ready();
    const backend = sc.schedulerBackend as LocalClusterBackend;
    const victim = '0';
    const victimPid = backend.executorPids.get(victim)!;
    assert.ok(victimPid && alive(victimPid));
    let killed = false;
    let mapStageId: number | undefined;
    sc.addSparkListener((e) => {
      if (e.type === 'stageCompleted' && mapStageId === undefined) mapStageId = e.stageId;
      // Kill the executor once reducers start: its map outputs are then needed and gone (unless a service holds them).
      if (e.type === 'taskStart' && mapStageId !== undefined && e.stageId !== mapStageId && !killed) {
        killed = true;
        process.kill(victimPid, 'SIGKILL');
      }
    });
    const data = Array.from({ length: 800 }, (_, i) => i);
    const result = await sc
      .parallelize(data, 8)
      .map((x) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        return [x % 13, x] as [number, number];
      })
      .reduceByKey((a, b) => a + b, 4)
      .mapValues((v) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
        return v;
      })
      .collect();
    const want = new Map<number, number>();
    for (const x of data) want.set(x % 13, (want.get(x % 13) ?? 0) + x);
    assert.deepEqual(new Map(result), want, 'correct result despite the lost executor');
    assert.ok(killed, 'the executor was killed mid-job');
    assert.ok(!alive(victimPid), 'the victim process is gone');
    assert.ok(events.some((e) => e.type === 'executorRemoved' && e.executorId === victim), 'the driver saw the executor lost');
    // The job may end before the replacement registers (with a shuffle service nothing waits for it): give it time.
    await waitFor(() => events.some((e) => e.type === 'executorAdded' && e.executorId === '2'), 30_000, 'a replacement executor registered');
    assert.ok(!backend.executorPids.has(victim));
    return { events, mapStageId: mapStageId! };
  } finally {
    await sc.stop();
  }
}

test('SIGKILL of an executor mid-job: lost shuffle output is recomputed, the executor replaced, the answer right', async () => {
  const { events, mapStageId } = await twoStageJobKillingExecutor(new SparkConf().set('spark.task.maxFailures', '4'));
  const mapSubmissions = events.filter((e) => e.type === 'stageSubmitted' && e.stageId === mapStageId);
  assert.ok(mapSubmissions.length >= 2, `the map stage ran again (${mapSubmissions.length} submissions)`);
});

test('with the external shuffle service, the lost executor\'s map output survives and is not recomputed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ess-'));
  const port = await freePort();
  const service = new ExternalShuffleService({ host: '127.0.0.1', port, dir, secret: undefined, cleanerIntervalMs: 1000 });
  await service.start();
  try {
    const { events, mapStageId } = await twoStageJobKillingExecutor(
      new SparkConf().set('spark.task.maxFailures', '4').set('spark.shuffle.service.enabled', 'true').set('spark.shuffle.service.port', String(port)).set('spark.shuffle.service.localDir', dir),
    );
    const mapSubmissions = events.filter((e) => e.type === 'stageSubmitted' && e.stageId === mapStageId);
    assert.equal(mapSubmissions.length, 1, 'map outputs served by the shuffle service were not recomputed');
    assert.ok(readdirSync(dir).some((d) => d.startsWith('local-cluster-')), 'the shuffle files were written where the service serves them');
  } finally {
    await service.stop();
  }
});

test('an executor on which tasks keep failing is excluded; the job finishes on the others', async () => {
  const sc = new SparkContext(new SparkConf().setMaster('local-cluster[2,1,512]').setAppName('exclude').set('spark.task.maxFailures', '6'));
  const events: SparkListenerEvent[] = [];
  sc.addSparkListener((e) => events.push(e));
  try {
    await sc.ready();
    const out = await sc.parallelize(Array.from({ length: 12 }, (_, i) => i), 6).map((x) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // slow enough for both executors to get tasks
      if (TaskContext.get()!.executorId === '0') throw new Error('this host has a broken disk');
      return x + 1;
    }).collect();
    assert.deepEqual(out, Array.from({ length: 12 }, (_, i) => i + 1));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(events.filter((e) => e.type === 'taskEnd' && e.executorId === '0' && e.result === 'failed').length >= 2, 'tasks failed on executor 0');
    assert.ok(events.some((e) => e.type === 'executorExcluded' && e.executorId === '0'), 'executor 0 excluded');
    const afterExclusion = events.findIndex((e) => e.type === 'executorExcluded');
    assert.ok(!events.slice(afterExclusion).some((e) => e.type === 'taskStart' && e.executorId === '0'), 'no task went to it afterwards');
  } finally {
    await sc.stop();
  }
});
