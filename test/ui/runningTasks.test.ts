/**
 * Running tasks' starts, kept in reused slots until their ends: each end must get its own start back (never another
 * task's), whatever the order of starts and ends, past the first room, and with slots reused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunningTasks, type StartedTask } from '../../src/ui/events/runningTasks.js';

const started = (id: number): StartedTask => ({
  stageAttempt: id % 3, index: id * 2, attempt: id % 4, partition: id * 2 + 1, launchTime: 1_796_000_000_000 + id, executorId: `e${id % 5}`,
  host: `h${id % 7}`, locality: id % 2 === 0 ? 'PROCESS_LOCAL' : 'ANY',
});
const blank = (): StartedTask => ({ stageAttempt: -1, index: -1, attempt: -1, partition: -1, launchTime: -1, executorId: '', host: '', locality: '' });

function take(r: RunningTasks, id: number): StartedTask | undefined {
  const into = blank();
  return r.take(id, into) ? into : undefined;
}

// [what, operations: ['put' | 'take', task id], the ids held at the end]
const cases: [string, ['put' | 'take', number][], number[]][] = [
  ['a start then its end', [['put', 1], ['take', 1]], []],
  ['ends in another order than starts', [['put', 1], ['put', 2], ['put', 3], ['take', 2], ['take', 3], ['take', 1]], []],
  ['an end whose start was never held', [['put', 1], ['take', 9]], [1]],
  ['a second end of one task', [['put', 1], ['take', 1], ['take', 1]], []],
  ['every slot given back, then several tasks at once again', [['put', 1], ['put', 2], ['take', 1], ['take', 2], ['put', 3], ['put', 4], ['put', 5],
    ['take', 3], ['take', 4]], [5]],
  ['slots reused by later tasks', [['put', 1], ['put', 2], ['take', 1], ['put', 3], ['take', 2], ['put', 4], ['take', 3]], [4]],
  ['more tasks at once than the first room holds', [...Array.from({ length: 100 }, (_, i): ['put', number] => ['put', i]),
    ...Array.from({ length: 50 }, (_, i): ['take', number] => ['take', i * 2])], Array.from({ length: 50 }, (_, i) => i * 2 + 1)],
];

for (const [what, ops, held] of cases) {
  test(`running tasks: ${what}`, () => {
    const r = new RunningTasks();
    const model = new Map<number, StartedTask>();
    for (const [op, id] of ops) {
      if (op === 'put') {
        r.put(id, started(id));
        model.set(id, started(id));
      } else {
        assert.deepEqual(take(r, id), model.get(id), `task ${id}`);
        model.delete(id);
      }
    }
    assert.equal(r.size, held.length);
    for (const id of held) assert.deepEqual(take(r, id), started(id), `task ${id} still held`);
    assert.equal(r.size, 0);
  });
}

test('running tasks: a repeated start replaces the first, and a miss leaves `into` as it was', () => {
  const r = new RunningTasks();
  r.put(5, started(5));
  r.put(5, { ...started(5), attempt: 9, host: 'other' });
  assert.equal(r.size, 1);
  assert.deepEqual(take(r, 5), { ...started(5), attempt: 9, host: 'other' });
  const into = blank();
  assert.equal(r.take(5, into), false);
  assert.deepEqual(into, blank());
});
