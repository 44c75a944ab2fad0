/**
 * The live driver's `/api/v1` over HTTP, on a real application (local mode): the running application, jobs with a
 * skipped stage and a failure, the failed task's error, the cached RDD and where its blocks are, executors with the
 * driver, and the environment with secrets redacted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';
import { runUiDemo } from '../helpers/uiJobs.js';

test('the driver serves Spark\'s REST API for the running application', async () => {
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('api-demo').set('spark.ui.port', '0').set('spark.driver.host', '127.0.0.1')
    .set('spark.db.password', 'hunter2').set('spark.ui.prometheus.enabled', 'true'));
  try {
    await sc.ready();
    const demo = await runUiDemo(sc);
    const base = `http://127.0.0.1:${sc.uiAddress!.port}/api/v1`;
    const get = async (p: string) => {
      const r = await fetch(base + p);
      assert.equal(r.status, 200, p);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/);
      return r.json() as Promise<any>;
    };
    const app = `/applications/${sc.applicationId}`;
    // Listener events arrive asynchronously: wait until the failed job is in.
    for (let i = 0; i < 100 && (await get(`${app}/jobs`)).length < 4; i++) await new Promise((r) => setTimeout(r, 20));

    const apps = await get('/applications');
    assert.equal(apps.length, 1);
    assert.equal(apps[0].id, sc.applicationId);
    assert.equal(apps[0].name, 'api-demo');
    assert.equal(apps[0].attempts[0].completed, false);
    assert.equal(apps[0].attempts[0].endTime, '1969-12-31T23:59:59.999GMT');
    assert.equal(apps[0].attempts[0].duration, 0);

    const jobs = await get(`${app}/jobs`);
    assert.deepEqual(jobs.map((j: any) => [j.jobId, j.status]), [[3, 'FAILED'], [2, 'SUCCEEDED'], [1, 'SUCCEEDED'], [0, 'SUCCEEDED']]);
    assert.equal(jobs[3].jobGroup, 'demo-group');
    assert.equal(jobs[3].description, 'count the pairs');
    assert.equal(jobs[2].numCompletedStages, 2);
    assert.equal(jobs[1].numSkippedStages, 1, 'the second collect reuses the shuffle output');
    assert.equal(jobs[1].numSkippedTasks, 3);
    assert.equal(jobs[0].numFailedTasks, 1);
    assert.equal(jobs[0].numFailedStages, 1);

    const stages = await get(`${app}/stages`);
    const failed = stages.find((s: any) => s.status === 'FAILED');
    assert.match(failed.failureReason, /boom on 4/);
    const tasks = await get(`${app}/stages/${failed.stageId}/${failed.attemptId}/taskList?status=failed`);
    assert.equal(tasks.length, 1);
    assert.match(tasks[0].errorMessage, /^TypeError: boom on 4/);
    const shuffleMap = stages.find((s: any) => s.name.startsWith('shuffle map') && s.status === 'COMPLETE');
    assert.equal(shuffleMap.shuffleWriteRecords, 60);
    assert.ok(shuffleMap.shuffleWriteBytes > 0);
    const reduce = stages.find((s: any) => s.name.startsWith('collect at reduceByKey') && s.stageId === shuffleMap.stageId + 1);
    assert.equal(reduce.shuffleReadRecords, 9, 'three keys combined on each of three map outputs');
    assert.ok(reduce.shuffleReadBytes > 0, 'the reducers read the shuffle');
    const summary = await get(`${app}/stages/${shuffleMap.stageId}/0/taskSummary`);
    assert.equal(summary.quantiles.length, 5);

    const rdds = await get(`${app}/storage/rdd`);
    assert.deepEqual(rdds.map((r: any) => [r.id, r.name, r.numCachedPartitions, r.storageLevel]), [[demo.cachedRdd, 'pairs', 3, 'Memory Deserialized 1x Replicated']]);
    const rdd = await get(`${app}/storage/rdd/${demo.cachedRdd}`);
    assert.equal(rdd.partitions.length, 3);
    assert.ok(rdd.memoryUsed > 0);
    assert.ok(rdd.partitions.every((p: any) => p.executors.length === 1));

    const execs = await get(`${app}/executors`);
    assert.ok(execs.some((x: any) => x.id === 'driver'));
    assert.equal(execs.filter((x: any) => x.id !== 'driver').length, 2);
    assert.equal(execs.reduce((n: number, x: any) => n + x.rddBlocks, 0), 3);

    const env = await get(`${app}/environment`);
    assert.deepEqual(env.sparkProperties.find(([k]: [string]) => k === 'spark.db.password'), ['spark.db.password', '*********(redacted)']);
    assert.doesNotMatch(JSON.stringify(env), /hunter2/);
    assert.deepEqual(env.sparkProperties.find(([k]: [string]) => k === 'spark.app.id'), ['spark.app.id', sc.applicationId]);

    const prom = await (await fetch(`http://127.0.0.1:${sc.uiAddress!.port}/metrics/executors/prometheus`)).text();
    assert.match(prom, /^spark_info\{version="3\.5\.1", revision=""\} 1\.0\n/);
    assert.match(prom, new RegExp(`metrics_executor_rddBlocks\\{application_id="${sc.applicationId}", application_name="api-demo", executor_id="driver"\\} 0`));
    const completed = [...prom.matchAll(/metrics_executor_completedTasks_total\{[^}]*executor_id="(?!driver)[^"]+"\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.ok(completed >= 10, `completed tasks: ${completed}`);
    assert.doesNotMatch(prom, /# (HELP|TYPE)/);
    const missing = await fetch(`${base}${app}/jobs/99`);
    assert.equal(missing.status, 404);

    // A cancelled job's running stage ends as failed, not active forever.
    sc.setJobGroup('slow', 'sleeps');
    const slow = sc.parallelize([1, 2], 2).map((x) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      return x;
    }).collect().then(() => 'finished', (e: Error) => e.message);
    sc.clearJobGroup();
    for (let i = 0; i < 200 && !(await get(`${app}/stages?status=active`)).length; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal((await get(`${app}/stages?status=active`)).length, 1);
    sc.cancelJobGroup('slow');
    assert.match(await slow, /cancelled/);
    for (let i = 0; i < 200 && (await get(`${app}/stages?status=active`)).length; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(await get(`${app}/stages?status=active`), []);
    const cancelled = (await get(`${app}/jobs/4`));
    assert.equal(cancelled.status, 'FAILED');
    assert.equal(cancelled.numActiveStages, 0);
    assert.equal(cancelled.numFailedStages, 1);
  } finally {
    await sc.stop();
  }
});
