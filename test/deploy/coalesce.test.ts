/** The dispatcher's REVIVE sharing: a burst of requests costs one run in flight and at most one after it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesce } from '../../src/deploy/mesos/coalesce.js';

test('coalesce: one run in flight, one more for the requests that came meanwhile, none when idle', async () => {
  let runs = 0;
  let release: (() => void) | undefined;
  const run = coalesce(async () => {
    runs++;
    await new Promise<void>((r) => (release = r));
  });
  const first = run();
  const burst = Array.from({ length: 10 }, () => run());
  await Promise.all(burst);
  assert.equal(runs, 1);
  release!();
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, 'one more run for the burst');
  release!();
  await first;
  assert.equal(runs, 2);
  const later = run();
  assert.equal(runs, 3, 'a later request runs again');
  release!();
  await later;
});
