/**
 * The status store and `/api/v1` against Spark 3.5's own event log lines (the reference's example application, two
 * tasks): field names, their order, shapes, dates, query parameters, errors, and retention limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { AppStatusStore, DEFAULT_RETENTION } from '../../src/ui/status/AppStatusStore.js';
import { handleApi, type ApiSource } from '../../src/ui/api/ApiRouter.js';
import { describeLog, replayLog } from '../../src/ui/eventlog/EventLogReader.js';
import type { SparkEvent } from '../../src/ui/events/sparkEvents.js';
import { redact } from '../../src/conf/redaction.js';

const DEMO = fileURLToPath(new URL('../fixtures/eventlogs/app-20240501120000-0001', import.meta.url));
const APP = 'app-20240501120000-0001';

function sourceOf(store: AppStatusStore): ApiSource {
  return {
    applications: () => [{
      id: store.app!.id, name: store.app!.name,
      attempts: [{ startTime: store.app!.startTime, endTime: store.app!.endTime ?? -1, lastUpdated: store.app!.endTime ?? store.app!.startTime, duration: (store.app!.endTime ?? store.app!.startTime) - store.app!.startTime, sparkUser: store.app!.sparkUser, completed: store.app!.endTime !== undefined, appSparkVersion: store.app!.appSparkVersion }],
    }],
    store: async (id, attempt) => (id === store.app!.id && attempt === undefined ? store : undefined),
    redact: (p) => redact(p),
  };
}

async function demo(): Promise<{ store: AppStatusStore; get: (path: string) => Promise<{ status: number; body: any; text: string }> }> {
  const store = new AppStatusStore();
  await replayLog(describeLog(DEMO)!, (e) => store.apply(e));
  const src = sourceOf(store);
  const get = async (path: string) => {
    const u = new URL(path, 'http://x');
    const r = await handleApi(src, u.pathname, u.searchParams);
    const text = String(r.body);
    return { status: r.status, text, body: r.contentType === 'application/json' ? JSON.parse(text) : undefined };
  };
  return { store, get };
}

test('applications and version: Spark\'s ApplicationInfo with GMT dates and epoch twins', async () => {
  const { get } = await demo();
  const apps = (await get('/applications')).body;
  assert.deepEqual(apps, [{
    id: APP, name: 'demo',
    attempts: [{
      startTime: '2024-05-01T12:00:00.000GMT', endTime: '2024-05-01T12:01:40.000GMT', lastUpdated: '2024-05-01T12:01:40.000GMT', duration: 100000,
      sparkUser: 'alice', completed: true, appSparkVersion: '3.5.1', startTimeEpoch: 1714564800000, endTimeEpoch: 1714564900000, lastUpdatedEpoch: 1714564900000,
    }],
  }]);
  assert.deepEqual((await get('/version')).body, { spark: '3.5.1' });
  assert.equal((await get('/applications?status=running')).body.length, 0);
  assert.equal((await get('/applications?status=COMPLETED&minDate=2024-05-01')).body.length, 1);
  assert.equal((await get('/applications?maxDate=2024-04-30T00:00:00.000GMT')).body.length, 0);
  assert.equal((await get('/applications?minDate=yesterday')).status, 400);
  assert.equal((await get(`/applications/${APP}`)).body.id, APP);
  const missing = await get('/applications/app-nope/jobs');
  assert.equal(missing.status, 404);
  assert.equal(missing.text, 'no such app: app-nope');
});

test('jobs: the reference\'s JobData, field for field and in Spark\'s order', async () => {
  const { get } = await demo();
  const jobs = (await get(`/applications/${APP}/jobs`)).body;
  const want = {
    jobId: 0, name: 'count at Demo.scala:10', description: 'count', submissionTime: '2024-05-01T12:00:10.000GMT', completionTime: '2024-05-01T12:00:11.000GMT',
    stageIds: [0], jobTags: [], status: 'SUCCEEDED', numTasks: 2, numActiveTasks: 0, numCompletedTasks: 2, numSkippedTasks: 0, numFailedTasks: 0,
    numKilledTasks: 0, numCompletedIndices: 2, numActiveStages: 0, numCompletedStages: 1, numSkippedStages: 0, numFailedStages: 0, killedTasksSummary: {},
  };
  assert.deepEqual(jobs, [want]);
  assert.deepEqual(Object.keys(jobs[0]), Object.keys(want));
  assert.deepEqual((await get(`/applications/${APP}/jobs/0`)).body, want);
  assert.deepEqual((await get(`/applications/${APP}/jobs?status=succeeded`)).body.length, 1);
  assert.deepEqual((await get(`/applications/${APP}/jobs?status=running`)).body.length, 0);
  const bad = await get(`/applications/${APP}/jobs?status=nope`);
  assert.equal(bad.status, 400);
  assert.match(bad.text, /^Bad value for parameter "status"/);
  assert.equal((await get(`/applications/${APP}/jobs/7`)).status, 404);
});

const STAGE_KEYS = [
  'status', 'stageId', 'attemptId', 'numTasks', 'numActiveTasks', 'numCompleteTasks', 'numFailedTasks', 'numKilledTasks', 'numCompletedIndices',
  'submissionTime', 'firstTaskLaunchedTime', 'completionTime', 'executorDeserializeTime', 'executorDeserializeCpuTime', 'executorRunTime',
  'executorCpuTime', 'resultSize', 'jvmGcTime', 'resultSerializationTime', 'memoryBytesSpilled', 'diskBytesSpilled', 'peakExecutionMemory',
  'inputBytes', 'inputRecords', 'outputBytes', 'outputRecords', 'shuffleRemoteBlocksFetched', 'shuffleLocalBlocksFetched', 'shuffleFetchWaitTime',
  'shuffleRemoteBytesRead', 'shuffleRemoteBytesReadToDisk', 'shuffleLocalBytesRead', 'shuffleReadBytes', 'shuffleReadRecords',
  'shuffleCorruptMergedBlockChunks', 'shuffleMergedFetchFallbackCount', 'shuffleMergedRemoteBlocksFetched', 'shuffleMergedLocalBlocksFetched',
  'shuffleMergedRemoteChunksFetched', 'shuffleMergedLocalChunksFetched', 'shuffleMergedRemoteBytesRead', 'shuffleMergedLocalBytesRead',
  'shuffleRemoteReqsDuration', 'shuffleMergedRemoteReqsDuration', 'shuffleWriteBytes', 'shuffleWriteTime', 'shuffleWriteRecords', 'name',
  'details', 'schedulingPool', 'rddIds', 'accumulatorUpdates', 'killedTasksSummary', 'resourceProfileId', 'isShufflePushEnabled', 'shuffleMergersCount',
];

test('stages: StageData per attempt; details add tasks and executor summaries; withSummaries adds distributions', async () => {
  const { get } = await demo();
  const list = (await get(`/applications/${APP}/stages`)).body;
  assert.equal(list.length, 1);
  assert.deepEqual(Object.keys(list[0]), STAGE_KEYS);
  assert.equal(list[0].status, 'COMPLETE');
  assert.equal(list[0].executorRunTime, 1420);
  assert.equal(list[0].executorDeserializeCpuTime, 18000000);
  assert.equal(list[0].submissionTime, '2024-05-01T12:00:10.010GMT');
  assert.equal(list[0].completionTime, '2024-05-01T12:00:10.950GMT');
  const detailed = (await get(`/applications/${APP}/stages/0`)).body;
  assert.equal(detailed.length, 1);
  assert.deepEqual(Object.keys(detailed[0].tasks), ['0', '1']);
  const t = detailed[0].tasks['0'];
  assert.deepEqual(Object.keys(t), ['taskId', 'index', 'attempt', 'partitionId', 'launchTime', 'duration', 'executorId', 'host', 'status', 'taskLocality',
    'speculative', 'accumulatorUpdates', 'taskMetrics', 'executorLogs', 'schedulerDelay', 'gettingResultTime']);
  assert.equal(t.duration, 800);
  assert.equal(t.schedulerDelay, 800 - 700 - 12 - 1);
  assert.deepEqual(t.taskMetrics.shuffleWriteMetrics, { bytesWritten: 0, writeTime: 0, recordsWritten: 0 });
  assert.equal(t.taskMetrics.shuffleReadMetrics.shufflePushReadMetrics.remoteMergedReqsDuration, 0);
  assert.deepEqual(detailed[0].executorSummary['0'].succeededTasks, 2);
  assert.equal((await get(`/applications/${APP}/stages/0?details=false`)).body[0].tasks, undefined);
  const one = (await get(`/applications/${APP}/stages/0/0?withSummaries=true&quantiles=0.5`)).body;
  assert.deepEqual(one.taskMetricsDistributions.executorRunTime, [720]);
  assert.deepEqual(one.executorMetricsDistributions.succeededTasks, [2]);
  assert.equal((await get(`/applications/${APP}/stages?status=active`)).body.length, 0);
  assert.equal((await get(`/applications/${APP}/stages/0/3`)).status, 404);
  assert.equal((await get(`/applications/${APP}/stages/9`)).text, 'unknown stage: 9');
});

test('taskSummary and taskList: quantiles as Spark picks them, paging and sorting', async () => {
  const { get } = await demo();
  const s = (await get(`/applications/${APP}/stages/0/0/taskSummary?quantiles=0,0.5,1`)).body;
  assert.deepEqual(s.quantiles, [0, 0.5, 1]);
  assert.deepEqual(s.executorRunTime, [700, 720, 720]);
  assert.deepEqual(s.duration, [800, 800, 800]);
  assert.deepEqual(Object.keys(s.shuffleReadMetrics), ['readBytes', 'readRecords', 'remoteBlocksFetched', 'localBlocksFetched', 'fetchWaitTime',
    'remoteBytesRead', 'remoteBytesReadToDisk', 'totalBlocksFetched', 'remoteReqsDuration', 'shufflePushReadMetricsDist']);
  assert.deepEqual(Object.keys(s.shuffleWriteMetrics), ['writeBytes', 'writeRecords', 'writeTime']);
  const bad = await get(`/applications/${APP}/stages/0/0/taskSummary?quantiles=0.5,abc`);
  assert.equal(bad.status, 400);
  assert.equal(bad.text, 'Bad value for parameter "quantiles".  Expected a double, got "abc"');
  const ids = async (q: string) => (await get(`/applications/${APP}/stages/0/0/taskList${q}`)).body.map((x: { taskId: number }) => x.taskId);
  assert.deepEqual(await ids(''), [0, 1]);
  assert.deepEqual(await ids('?sortBy=-runtime'), [1, 0]);
  assert.deepEqual(await ids('?sortBy=runtime'), [0, 1]);
  assert.deepEqual(await ids('?offset=1&length=5'), [1]);
  assert.deepEqual(await ids('?status=failed'), []);
  assert.equal((await get(`/applications/${APP}/stages/0/0/taskList?sortBy=fastest`)).status, 400);
});

test('executors: the driver from its block manager, executors from ExecutorAdded; allexecutors keeps the removed one', async () => {
  const { get } = await demo();
  const active = (await get(`/applications/${APP}/executors`)).body;
  assert.deepEqual(active.map((x: { id: string }) => x.id), ['driver']);
  const all = (await get(`/applications/${APP}/allexecutors`)).body;
  assert.deepEqual(all.map((x: { id: string }) => x.id), ['0', 'driver']);
  const e0 = all[0];
  assert.deepEqual(Object.keys(e0), ['id', 'hostPort', 'isActive', 'rddBlocks', 'memoryUsed', 'diskUsed', 'totalCores', 'maxTasks', 'activeTasks',
    'failedTasks', 'completedTasks', 'totalTasks', 'totalDuration', 'totalGCTime', 'totalInputBytes', 'totalShuffleRead', 'totalShuffleWrite',
    'isBlacklisted', 'maxMemory', 'addTime', 'removeTime', 'removeReason', 'executorLogs', 'blacklistedInStages', 'attributes', 'resources',
    'resourceProfileId', 'isExcluded', 'excludedInStages']);
  assert.equal(e0.isActive, false);
  assert.equal(e0.removeReason, 'Executor killed by driver.');
  assert.equal(e0.completedTasks, 2);
  assert.equal(e0.totalDuration, 1600);
  assert.deepEqual(e0.executorLogs, { stdout: 'http://node-3:5051/stdout', stderr: 'http://node-3:5051/stderr' });
  assert.equal(all[1].hostPort, '10.0.0.5:40123');
  assert.equal(all[1].maxMemory, 455501414);
  assert.deepEqual(all[1].memoryMetrics, { usedOnHeapStorageMemory: 0, usedOffHeapStorageMemory: 0, totalOnHeapStorageMemory: 455501414, totalOffHeapStorageMemory: 0 });
  assert.equal((await get(`/applications/${APP}/executors/driver/threads`)).status, 503);
});

test('environment: the runtime from "JVM Information", pairs as arrays, secrets redacted', async () => {
  const store = new AppStatusStore();
  await replayLog(describeLog(DEMO)!, (e) => store.apply(e));
  store.apply({ Event: 'SparkListenerEnvironmentUpdate', 'JVM Information': { 'Java Version': '17', 'Java Home': '/j', 'Scala Version': '2.12' },
    'Spark Properties': { 'spark.app.name': 'demo', 'spark.db.password': 'hunter2' }, 'System Properties': {}, 'Classpath Entries': { '/a.jar': 'System Classpath' } });
  const r = await handleApi(sourceOf(store), `/applications/${APP}/environment`, new URLSearchParams());
  const env = JSON.parse(String(r.body));
  assert.deepEqual(Object.keys(env), ['runtime', 'sparkProperties', 'hadoopProperties', 'systemProperties', 'metricsProperties', 'classpathEntries', 'resourceProfiles']);
  assert.deepEqual(env.runtime, { javaVersion: '17', javaHome: '/j', scalaVersion: '2.12' });
  assert.deepEqual(env.sparkProperties, [['spark.app.name', 'demo'], ['spark.db.password', '*********(redacted)']]);
  assert.deepEqual(env.classpathEntries, [['/a.jar', 'System Classpath']]);
  assert.doesNotMatch(String(r.body), /hunter2/);
});

/** Jobs 0..n-1, each with one stage of `tasks` tasks, all succeeded. */
function manyJobs(store: AppStatusStore, n: number, tasks: number): void {
  let tid = 0;
  for (let j = 0; j < n; j++) {
    const info = { 'Stage ID': j, 'Stage Attempt ID': 0, 'Stage Name': `s${j}`, 'Number of Tasks': tasks, 'RDD Info': [] };
    const ev: SparkEvent[] = [
      { Event: 'SparkListenerJobStart', 'Job ID': j, 'Submission Time': j, 'Stage Infos': [info], 'Stage IDs': [j] },
      { Event: 'SparkListenerStageSubmitted', 'Stage Info': { ...info, 'Submission Time': j } },
    ];
    for (let t = 0; t < tasks; t++, tid++) {
      const ti = { 'Task ID': tid, Index: t, 'Launch Time': j, 'Executor ID': '1', Host: 'h', Locality: 'ANY', 'Getting Result Time': 0, 'Finish Time': 0, Failed: false };
      ev.push({ Event: 'SparkListenerTaskStart', 'Stage ID': j, 'Stage Attempt ID': 0, 'Task Info': ti });
      ev.push({ Event: 'SparkListenerTaskEnd', 'Stage ID': j, 'Stage Attempt ID': 0, 'Task Type': 'ResultTask', 'Task End Reason': { Reason: 'Success' }, 'Task Info': { ...ti, 'Finish Time': j + 1 + t } });
    }
    ev.push({ Event: 'SparkListenerStageCompleted', 'Stage Info': { ...info, 'Completion Time': j + 1 } });
    ev.push({ Event: 'SparkListenerJobEnd', 'Job ID': j, 'Completion Time': j + 1, 'Job Result': { Result: 'JobSucceeded' } });
    for (const e of ev) store.apply(e);
  }
}

test('retention: finished jobs, stages and tasks beyond spark.ui.retained* are dropped oldest first, a tenth at a time', () => {
  const store = new AppStatusStore({ ...DEFAULT_RETENTION, retainedJobs: 20, retainedStages: 30, retainedTasks: 50 });
  manyJobs(store, 100, 3);
  assert.ok(store.jobs.size <= 20 && store.jobs.size >= 18, `jobs kept: ${store.jobs.size}`);
  assert.ok(store.jobs.has(99) && !store.jobs.has(0), 'the newest jobs are kept');
  assert.ok(store.stages.size <= 30 && store.stages.size >= 27, `stages kept: ${store.stages.size}`);
  const big = new AppStatusStore({ ...DEFAULT_RETENTION, retainedTasks: 50 });
  manyJobs(big, 1, 500);
  const stage = big.stages.get('0.0')!;
  assert.ok(stage.tasks.size <= 50 && stage.tasks.size >= 45, `tasks kept: ${stage.tasks.size}`);
  assert.equal(stage.numCompleteTasks, 500, 'the stage still counts every task');
  assert.ok(stage.tasks.has(499) && !stage.tasks.has(0), 'the latest tasks are kept');
});

test('task events of two stage attempts running at once, interleaved, land in their own attempt', () => {
  const store = new AppStatusStore();
  const info = (attempt: number) => ({ 'Stage ID': 4, 'Stage Attempt ID': attempt, 'Stage Name': 's4', 'Number of Tasks': 3, 'RDD Info': [] });
  store.apply({ Event: 'SparkListenerJobStart', 'Job ID': 0, 'Submission Time': 0, 'Stage Infos': [info(0)], 'Stage IDs': [4] });
  store.apply({ Event: 'SparkListenerStageSubmitted', 'Stage Info': info(0) });
  store.apply({ Event: 'SparkListenerStageSubmitted', 'Stage Info': info(1) });
  // Attempt 0's tasks 0 and 1 still run while attempt 1 runs 10-12; their events alternate.
  const ti = (tid: number, finish: number) => ({ 'Task ID': tid, Index: tid % 10, 'Launch Time': 1, 'Executor ID': '1', Host: 'h', Locality: 'ANY', 'Getting Result Time': 0, 'Finish Time': finish, Failed: false });
  const order: [number, number][] = [[0, 0], [1, 10], [0, 1], [1, 11], [1, 12]];
  for (const [attempt, tid] of order) store.apply({ Event: 'SparkListenerTaskStart', 'Stage ID': 4, 'Stage Attempt ID': attempt, 'Task Info': ti(tid, 0) });
  for (const [attempt, tid] of order) {
    store.apply({ Event: 'SparkListenerTaskEnd', 'Stage ID': 4, 'Stage Attempt ID': attempt, 'Task Type': 'ResultTask', 'Task End Reason': { Reason: 'Success' }, 'Task Info': ti(tid, 5) });
  }
  const a0 = store.stages.get('4.0')!;
  const a1 = store.stages.get('4.1')!;
  assert.deepEqual([...a0.tasks.keys()].sort((x, y) => x - y), [0, 1]);
  assert.deepEqual([...a1.tasks.keys()].sort((x, y) => x - y), [10, 11, 12]);
  assert.deepEqual([a0.numCompleteTasks, a0.numActiveTasks, a1.numCompleteTasks, a1.numActiveTasks], [2, 0, 3, 0]);
});

test('a task fetching its result shows as GET RESULT, then ends as any other', () => {
  const store = new AppStatusStore();
  const info = { 'Stage ID': 2, 'Stage Attempt ID': 0, 'Stage Name': 's2', 'Number of Tasks': 2, 'RDD Info': [] };
  store.apply({ Event: 'SparkListenerStageSubmitted', 'Stage Info': info });
  const ti = (tid: number, gettingResult: number, finish: number) => ({ 'Task ID': tid, Index: tid, 'Launch Time': 100, 'Executor ID': '1', Host: 'h', Locality: 'ANY', 'Getting Result Time': gettingResult, 'Finish Time': finish, Failed: false });
  for (const tid of [7, 8]) store.apply({ Event: 'SparkListenerTaskStart', 'Stage ID': 2, 'Stage Attempt ID': 0, 'Task Info': ti(tid, 0, 0) });
  store.apply({ Event: 'SparkListenerTaskGettingResult', 'Task Info': ti(8, 150, 0) });
  const tasks = store.stages.get('2.0')!.tasks;
  assert.deepEqual([tasks.get(7)!.status, tasks.get(8)!.status, tasks.get(8)!.resultFetchStart], ['RUNNING', 'GET RESULT', 150]);
  store.apply({ Event: 'SparkListenerTaskEnd', 'Stage ID': 2, 'Stage Attempt ID': 0, 'Task Type': 'ResultTask', 'Task End Reason': { Reason: 'Success' }, 'Task Info': ti(8, 150, 170) });
  assert.deepEqual([tasks.get(8)!.status, tasks.get(8)!.duration, tasks.get(8)!.gettingResultTime], ['SUCCESS', 70, 20]);
});

test('a late task event of the stage attempt just forgotten (retention) counts nowhere', () => {
  // retainedStages 1: when job 1 ends, stage 0 (whose tasks came last before it) is forgotten.
  const store = new AppStatusStore({ ...DEFAULT_RETENTION, retainedStages: 1 });
  manyJobs(store, 1, 2);
  const info = { 'Stage ID': 1, 'Stage Attempt ID': 0, 'Stage Name': 's1', 'Number of Tasks': 0, 'RDD Info': [] };
  store.apply({ Event: 'SparkListenerJobStart', 'Job ID': 1, 'Submission Time': 5, 'Stage Infos': [info], 'Stage IDs': [1] });
  store.apply({ Event: 'SparkListenerStageSubmitted', 'Stage Info': info });
  store.apply({ Event: 'SparkListenerStageCompleted', 'Stage Info': { ...info, 'Completion Time': 6 } });
  store.apply({ Event: 'SparkListenerJobEnd', 'Job ID': 1, 'Completion Time': 6, 'Job Result': { Result: 'JobSucceeded' } });
  assert.ok(!store.stages.has('0.0'), 'stage 0 was forgotten');
  const job0 = store.jobs.get(0)!;
  const before = [job0.numCompletedTasks, job0.numActiveTasks];
  const ti = { 'Task ID': 9999, Index: 0, 'Launch Time': 1, 'Executor ID': '1', Host: 'h', Locality: 'ANY', 'Getting Result Time': 0, 'Finish Time': 2, Failed: false };
  store.apply({ Event: 'SparkListenerTaskEnd', 'Stage ID': 0, 'Stage Attempt ID': 0, 'Task Type': 'ResultTask', 'Task End Reason': { Reason: 'Success' }, 'Task Info': ti });
  assert.deepEqual([job0.numCompletedTasks, job0.numActiveTasks], before, 'the forgotten stage\'s job is not counted again');
});

test('a late task event of a stage attempt already forgotten (retention) changes no other stage', () => {
  const store = new AppStatusStore({ ...DEFAULT_RETENTION, retainedStages: 10 });
  manyJobs(store, 30, 2);
  assert.ok(!store.stages.has('0.0'), 'stage 0 was forgotten');
  const before = JSON.stringify([...store.stages.values()].map((s) => [s.stageId, s.numCompleteTasks, s.tasks.size]));
  const ti = { 'Task ID': 9999, Index: 0, 'Launch Time': 1, 'Executor ID': '1', Host: 'h', Locality: 'ANY', 'Getting Result Time': 0, 'Finish Time': 2, Failed: false };
  store.apply({ Event: 'SparkListenerTaskEnd', 'Stage ID': 0, 'Stage Attempt ID': 0, 'Task Type': 'ResultTask', 'Task End Reason': { Reason: 'Success' }, 'Task Info': ti });
  assert.equal(JSON.stringify([...store.stages.values()].map((s) => [s.stageId, s.numCompleteTasks, s.tasks.size])), before);
  assert.ok(!store.stages.has('0.0'), 'and is not brought back');
});
