/**
 * A task's metrics in the status store: every field read from the event's JSON as Spark's reader does (missing or
 * non-numeric ones as 0), in the REST API's field order, with all-zero parts (no input, no output, no shuffle) one
 * shared frozen object rather than one per task; and the same from the scheduler's form, as the live driver makes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskMetricsFromJson, taskMetricsFromLite } from '../../src/ui/status/metrics.js';
import type { TaskMetricsJson } from '../../src/ui/events/sparkEvents.js';
import type { TaskMetrics } from '../../src/ui/status/records.js';
import type { TaskMetricsLite } from '../../src/scheduler/events.js';
import { fullMetrics } from '../helpers/taskMetrics.js';

const base: TaskMetricsJson = {
  'Executor Deserialize Time': 1, 'Executor Run Time': 7, 'Result Size': 100, 'JVM GC Time': 0, 'Result Serialization Time': 0,
  'Memory Bytes Spilled': 0, 'Disk Bytes Spilled': 0,
};
const ZERO_PUSH = {
  corruptMergedBlockChunks: 0, mergedFetchFallbackCount: 0, remoteMergedBlocksFetched: 0, localMergedBlocksFetched: 0, remoteMergedChunksFetched: 0,
  localMergedChunksFetched: 0, remoteMergedBytesRead: 0, localMergedBytesRead: 0, remoteMergedReqsDuration: 0,
};
const ZERO_READ = {
  remoteBlocksFetched: 0, localBlocksFetched: 0, fetchWaitTime: 0, remoteBytesRead: 0, remoteBytesReadToDisk: 0, localBytesRead: 0, recordsRead: 0,
  remoteReqsDuration: 0, shufflePushReadMetrics: ZERO_PUSH,
};
const parts = ['inputMetrics', 'outputMetrics', 'shuffleReadMetrics', 'shuffleWriteMetrics'] as const;

// [what, the event's metrics, the parts expected, which parts are shared]
const cases: [string, TaskMetricsJson, Record<(typeof parts)[number], unknown>, (typeof parts)[number][]][] = [
  ['no parts at all', base, {
    inputMetrics: { bytesRead: 0, recordsRead: 0 }, outputMetrics: { bytesWritten: 0, recordsWritten: 0 }, shuffleReadMetrics: ZERO_READ,
    shuffleWriteMetrics: { bytesWritten: 0, writeTime: 0, recordsWritten: 0 },
  }, [...parts]],
  ['every part present and zero', {
    ...base, 'Input Metrics': { 'Bytes Read': 0, 'Records Read': 0 }, 'Output Metrics': { 'Bytes Written': 0, 'Records Written': 0 },
    'Shuffle Read Metrics': { 'Remote Blocks Fetched': 0, 'Local Blocks Fetched': 0, 'Fetch Wait Time': 0, 'Remote Bytes Read': 0, 'Local Bytes Read': 0, 'Total Records Read': 0 },
    'Shuffle Write Metrics': { 'Shuffle Bytes Written': 0, 'Shuffle Write Time': 0, 'Shuffle Records Written': 0 },
  }, {
    inputMetrics: { bytesRead: 0, recordsRead: 0 }, outputMetrics: { bytesWritten: 0, recordsWritten: 0 }, shuffleReadMetrics: ZERO_READ,
    shuffleWriteMetrics: { bytesWritten: 0, writeTime: 0, recordsWritten: 0 },
  }, [...parts]],
  ['input and shuffle write, one field each', {
    ...base, 'Input Metrics': { 'Bytes Read': 0, 'Records Read': 3 }, 'Shuffle Write Metrics': { 'Shuffle Bytes Written': 0, 'Shuffle Write Time': 5 },
  }, {
    inputMetrics: { bytesRead: 0, recordsRead: 3 }, outputMetrics: { bytesWritten: 0, recordsWritten: 0 }, shuffleReadMetrics: ZERO_READ,
    shuffleWriteMetrics: { bytesWritten: 0, writeTime: 5, recordsWritten: 0 },
  }, ['outputMetrics', 'shuffleReadMetrics']],
  ['output, and a shuffle read of local bytes only', {
    ...base, 'Output Metrics': { 'Bytes Written': 12 },
    'Shuffle Read Metrics': { 'Remote Blocks Fetched': 0, 'Local Blocks Fetched': 0, 'Fetch Wait Time': 0, 'Remote Bytes Read': 0, 'Local Bytes Read': 64, 'Total Records Read': 0 },
  }, {
    inputMetrics: { bytesRead: 0, recordsRead: 0 }, outputMetrics: { bytesWritten: 12, recordsWritten: 0 },
    shuffleReadMetrics: { ...ZERO_READ, localBytesRead: 64 }, shuffleWriteMetrics: { bytesWritten: 0, writeTime: 0, recordsWritten: 0 },
  }, ['inputMetrics', 'shuffleWriteMetrics']],
  ['push-based shuffle read metrics only (as Spark 3.2+ logs them)', {
    ...base, 'Shuffle Read Metrics': {
      'Remote Blocks Fetched': 0, 'Local Blocks Fetched': 0, 'Fetch Wait Time': 0, 'Remote Bytes Read': 0, 'Local Bytes Read': 0, 'Total Records Read': 0,
      'Shuffle Push Read Metrics': { 'Merged Remote Bytes Read': 9 },
    } as TaskMetricsJson['Shuffle Read Metrics'],
  }, {
    inputMetrics: { bytesRead: 0, recordsRead: 0 }, outputMetrics: { bytesWritten: 0, recordsWritten: 0 },
    shuffleReadMetrics: { ...ZERO_READ, shufflePushReadMetrics: { ...ZERO_PUSH, remoteMergedBytesRead: 9 } },
    shuffleWriteMetrics: { bytesWritten: 0, writeTime: 0, recordsWritten: 0 },
  }, ['inputMetrics', 'outputMetrics', 'shuffleWriteMetrics']],
  ['parts written as null (as a hand-edited or foreign log may have them) read as zeros', {
    ...base, 'Input Metrics': null, 'Output Metrics': null, 'Shuffle Read Metrics': null, 'Shuffle Write Metrics': null,
  } as unknown as TaskMetricsJson, {
    inputMetrics: { bytesRead: 0, recordsRead: 0 }, outputMetrics: { bytesWritten: 0, recordsWritten: 0 }, shuffleReadMetrics: ZERO_READ,
    shuffleWriteMetrics: { bytesWritten: 0, writeTime: 0, recordsWritten: 0 },
  }, [...parts]],
  ['values that are not finite numbers read as 0 (and so share)', {
    ...base, 'Input Metrics': { 'Bytes Read': Number.NaN, 'Records Read': '4' as unknown as number }, 'Output Metrics': { 'Bytes Written': Infinity },
  }, {
    inputMetrics: { bytesRead: 0, recordsRead: 0 }, outputMetrics: { bytesWritten: 0, recordsWritten: 0 }, shuffleReadMetrics: ZERO_READ,
    shuffleWriteMetrics: { bytesWritten: 0, writeTime: 0, recordsWritten: 0 },
  }, [...parts]],
];

const zero = taskMetricsFromJson(base);
for (const [what, json, expected, shared] of cases) {
  test(`task metrics from the event log's form: ${what}`, () => {
    const m = taskMetricsFromJson(json);
    for (const p of parts) {
      assert.deepEqual(m[p], expected[p], p);
      // Key order is the REST API's: the JSON a client reads must not depend on which object was used.
      assert.equal(JSON.stringify(m[p]), JSON.stringify(expected[p]), `${p} in the API's field order`);
      assert.equal(m[p] === zero[p], shared.includes(p), `${p} ${shared.includes(p) ? 'is' : 'is not'} the shared all-zero object`);
      if (shared.includes(p)) assert.ok(Object.isFrozen(m[p]), `${p} shared and frozen`);
    }
    assert.equal(m.executorRunTime, 7);
    assert.equal(m.resultSize, 100);
  });
}

test('task metrics: any one shuffle-read field set keeps its own object', () => {
  const fields: [string, keyof typeof ZERO_READ][] = [
    ['Remote Blocks Fetched', 'remoteBlocksFetched'], ['Local Blocks Fetched', 'localBlocksFetched'], ['Fetch Wait Time', 'fetchWaitTime'],
    ['Remote Bytes Read', 'remoteBytesRead'], ['Remote Bytes Read To Disk', 'remoteBytesReadToDisk'], ['Local Bytes Read', 'localBytesRead'],
    ['Total Records Read', 'recordsRead'], ['Remote Requests Duration', 'remoteReqsDuration'],
  ];
  for (const [json, rest] of fields) {
    const m = taskMetricsFromJson({ ...base, 'Shuffle Read Metrics': { [json]: 2 } as unknown as TaskMetricsJson['Shuffle Read Metrics'] });
    assert.deepEqual(m.shuffleReadMetrics, { ...ZERO_READ, [rest]: 2 }, json);
    assert.notEqual(m.shuffleReadMetrics, zero.shuffleReadMetrics, json);
  }
});

// The scheduler's form, mapped to the REST form once (the event written for the task is built from that too).
const liteCases: [string, TaskMetricsLite | undefined, number, Partial<Record<keyof TaskMetrics, unknown>>, (typeof parts)[number][]][] = [
  ['none measured: the run time is the task\'s duration, everything else 0', undefined, 42, {
    executorRunTime: 42, executorDeserializeTime: 0, resultSize: 0, inputMetrics: { bytesRead: 0, recordsRead: 0 },
  }, [...parts]],
  ['every field, each to its own place', fullMetrics, 999, {
    executorDeserializeTime: 1, executorDeserializeCpuTime: 0, executorRunTime: 12, executorCpuTime: 0, resultSize: 900, jvmGcTime: 0,
    resultSerializationTime: 0, memoryBytesSpilled: 2 ** 40, diskBytesSpilled: 16, peakExecutionMemory: 17,
    inputMetrics: { bytesRead: 1 << 20, recordsRead: 1000 }, outputMetrics: { bytesWritten: 5, recordsWritten: 6 },
    shuffleReadMetrics: {
      remoteBlocksFetched: 13, localBlocksFetched: 12, fetchWaitTime: 15, remoteBytesRead: 11, remoteBytesReadToDisk: 0, localBytesRead: 10,
      recordsRead: 14, remoteReqsDuration: 0, shufflePushReadMetrics: ZERO_PUSH,
    },
    shuffleWriteMetrics: { bytesWritten: 7, writeTime: 123456789, recordsWritten: 8 },
  }, []],
  ['measured, but no run time (the task\'s duration stands in)', { resultSize: 5 } as TaskMetricsLite, 42, { executorRunTime: 42, resultSize: 5 }, [...parts]],
  ['a run time alone: every part shared', { runTimeMs: 3, resultSize: 10 }, 999, { executorRunTime: 3, resultSize: 10 }, [...parts]],
  ['one shuffle-read field', { runTimeMs: 3, shuffleFetchWaitMs: 4 }, 999, { shuffleReadMetrics: { ...ZERO_READ, fetchWaitTime: 4 } }, ['inputMetrics', 'outputMetrics', 'shuffleWriteMetrics']],
  ['values that are not finite numbers are 0, as the reader of the log would make them', { runTimeMs: Number.NaN, inputBytes: Infinity, outputRecords: -Infinity }, 999,
    { executorRunTime: 0, inputMetrics: { bytesRead: 0, recordsRead: 0 } }, [...parts]],
];

for (const [what, lite, duration, expected, shared] of liteCases) {
  test(`task metrics from the scheduler's form: ${what}`, () => {
    const m = taskMetricsFromLite(lite, duration);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(m[k as keyof TaskMetrics], v, k);
    for (const p of parts) assert.equal(m[p] === zero[p], shared.includes(p), `${p} ${shared.includes(p) ? 'is' : 'is not'} the shared all-zero object`);
    // The same fields in the same order as read back from the log: the API's answer cannot tell the two apart.
    assert.deepEqual(Object.keys(m), Object.keys(zero));
  });
}
