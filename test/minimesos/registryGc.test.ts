/** Mesos' registry GC rule for unreachable agents: the count first, oldest first, then the age. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unreachableToForget } from '../../src/minimesos/master/registryGc.js';

const at = (ms: number) => ({ nanoseconds: ms * 1e6 });

test('registry GC: which unreachable agents are forgotten, by count and by age', () => {
  const NOW = 1_000_000;
  // [what, agents as [id, became unreachable at (ms)] in the order they did, max age (ms), max count, forgotten]
  const cases: [string, [string, number][], number, number, string[]][] = [
    ['none past either limit', [['a', NOW - 10], ['b', NOW - 5]], 100, 5, []],
    ['older than the age', [['a', NOW - 500], ['b', NOW - 5]], 100, 5, ['a']],
    ['exactly the age is kept (older than it goes)', [['a', NOW - 100], ['b', NOW - 101]], 100, 5, ['b']],
    ['past the count: the first to become unreachable go', [['a', NOW - 3], ['b', NOW - 2], ['c', NOW - 1]], 100, 1, ['a', 'b']],
    ['count by order, not by time (an agent re-marked later goes last)', [['b', NOW - 1], ['a', NOW - 9]], 100, 1, ['b']],
    ['both: the count first, then the age of those left', [['a', NOW - 500], ['b', NOW - 400], ['c', NOW - 5]], 100, 2, ['a', 'b']],
    ['a count of 0 forgets all', [['a', NOW], ['b', NOW]], 100, 0, ['a', 'b']],
    ['nothing unreachable', [], 100, 0, []],
  ];
  for (const [what, agents, maxAgeMs, maxCount, forgotten] of cases) {
    assert.deepEqual(unreachableToForget(agents.map(([id, t]) => [id, at(t)]), NOW, { maxAgeMs, maxCount }), forgotten, what);
  }
});
