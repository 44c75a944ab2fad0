/** Whole-file packing for wholeTextFiles/binaryFiles: at most minPartitions groups, in order, no file split. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packFiles } from '../../src/io/packFiles.js';

const sizes = (groups: { size: number }[][]) => groups.map((g) => g.map((f) => f.size));

test('packFiles: consecutive files grouped by ceil(total / minPartitions) bytes', () => {
  const cases: [number[], number, number[][]][] = [
    [[], 3, []],
    [[5], 4, [[5]]],
    [[1, 1, 1, 1], 2, [[1, 1], [1, 1]]],
    [[1, 1, 1, 1], 4, [[1], [1], [1], [1]]],
    [[1, 1, 1, 1], 1, [[1, 1, 1, 1]]],
    [[1, 1, 1, 1], 0, [[1, 1, 1, 1]]],
    [[1, 1, 1, 1], 10, [[1], [1], [1], [1]]],
    // ceil(10 / 3) = 4: a group closes at 4 or more bytes
    [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 3, [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1]]],
    // a big file fills its group alone; never more than minPartitions groups
    [[100, 1, 1, 1], 3, [[100], [1, 1, 1]]],
    [[1, 1, 1, 100], 3, [[1, 1, 1, 100]]],
    [[3, 3, 3], 3, [[3], [3], [3]]],
    // empty files are files too; trailing ones join the last group rather than add one
    [[0, 0, 0], 2, [[0, 0, 0]]],
    [[2, 2, 0], 2, [[2], [2, 0]]],
  ];
  for (const [input, n, want] of cases) {
    const got = packFiles(input.map((size, i) => ({ path: `f${i}`, size })), n);
    assert.deepEqual(sizes(got), want, `${JSON.stringify(input)} into ${n}`);
    assert.deepEqual(got.flat().map((f) => f.path), input.map((_, i) => `f${i}`), 'every file once, in order');
    assert.ok(got.length <= Math.max(1, n));
  }
});
