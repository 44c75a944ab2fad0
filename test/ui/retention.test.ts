/** How many records the status store forgets at once past a limit (Spark's calculateNumberToRemove). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberToRemove } from '../../src/ui/status/retention.js';

test('numberToRemove: nothing up to the limit, then at least a tenth of the limit at once', () => {
  // [size, retained, removed]
  const cases: [number, number, number][] = [
    [0, 100, 0], [100, 100, 0], [101, 100, 10], [150, 100, 50], [1001, 1000, 100], [110, 100, 10], [5, 0, 5], [1, 5, 0], [6, 5, 1],
  ];
  for (const [size, retained, removed] of cases) assert.equal(numberToRemove(size, retained), removed, `${size} of ${retained}`);
});
