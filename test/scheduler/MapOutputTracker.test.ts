import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MapOutputTracker } from '../../src/scheduler/MapOutputTracker.js';
import type { MapStatus } from '../../src/core/plan.js';

const out = (mapId: number, executorId: string): MapStatus => ({ shuffleId: 0, mapId, executorId, path: `/x/${mapId}`, offsets: [0, 1] });

test('statuses are a snapshot: a task made before an executor is lost carries no holes', () => {
  const t = new MapOutputTracker();
  t.register(0, 2);
  t.addOutput(out(0, 'a'));
  t.addOutput(out(1, 'b'));
  const forTask = t.statuses(0);
  t.removeOutputsOn('a');
  t.removeOutput(0, 1);
  assert.deepEqual(forTask.map((s) => s.executorId), ['a', 'b']);
  assert.deepEqual(t.missing(0), [0, 1]);
  assert.throws(() => t.statuses(0), /map outputs of shuffle 0 are incomplete/);
});
