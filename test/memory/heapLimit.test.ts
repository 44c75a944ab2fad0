import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutOfMemory, outOfMemoryMessage, processHeapCap, threadHeapLimitMiB, withHeapCap } from '../../src/memory/heapLimit.js';

test('threadHeapLimitMiB: executor memory shared by its task threads, at least 64 MiB', () => {
  const cases: [string | undefined, number, number | undefined][] = [
    ['512m', 1, 512], ['1g', 2, 512], ['1024', 4, 256], ['256m', 8, 64], [undefined, 2, undefined], ['', 1, undefined],
  ];
  for (const [mem, threads, want] of cases) assert.equal(threadHeapLimitMiB(mem, threads), want, `${mem} / ${threads}`);
  assert.throws(() => threadHeapLimitMiB('lots', 1), /SPARK_EXECUTOR_MEMORY should be a size such as 512m or 2g, but is 'lots'/);
});

test('outOfMemoryMessage names the task, the stage and the settings to change', () => {
  const m = outOfMemoryMessage({ taskId: 12, stageId: 3 }, 256, 2);
  assert.match(m, /^task 12 in stage 3 ran out of memory \(its thread's heap limit is 256 MiB: spark\.executor\.memory shared by 2 task threads\)/);
  for (const key of ['spark.executor.memory', 'spark.executor.cores', 'spark.memory.fraction']) assert.ok(m.includes(key), key);
  assert.equal(isOutOfMemory(Object.assign(new Error('x'), { code: 'ERR_WORKER_OUT_OF_MEMORY' })), true);
  assert.equal(isOutOfMemory(new Error('x')), false);
});

test('withHeapCap: adds --max-old-space-size unless the options set it', () => {
  assert.deepEqual(withHeapCap([], 2048), ['--max-old-space-size=2048']);
  assert.deepEqual(withHeapCap(['--max-semi-space-size=64'], 512), ['--max-semi-space-size=64', '--max-old-space-size=512']);
  assert.deepEqual(withHeapCap(['--max-old-space-size=4096'], 512), ['--max-old-space-size=4096']);
  assert.deepEqual(withHeapCap(['--max_old_space_size=100'], 512), ['--max_old_space_size=100']);
});

test('processHeapCap finds a process-wide --max-old-space-size (which would replace the task threads\' caps)', () => {
  const cases: [string[], string | undefined, string | undefined][] = [
    [[], undefined, undefined],
    [['--max-semi-space-size=64'], '--enable-source-maps', undefined],
    [['--max-old-space-size=4096'], undefined, '--max-old-space-size=4096'],
    [[], '--trace-gc  --max_old_space_size=300', '--max_old_space_size=300'],
    [['--max-old-space-size-x=1'], undefined, undefined],
  ];
  for (const [argv, env, want] of cases) assert.equal(processHeapCap(argv, env), want, `${argv.join(' ')} | ${env}`);
});
