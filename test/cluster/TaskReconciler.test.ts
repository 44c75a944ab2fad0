/**
 * Explicit reconciliation after a (re)subscription: Mesos is asked again, with doubling waits, about tasks it has not
 * answered for (a failed call, or a master just failed over that does not answer for agents not yet re-registered),
 * until each is answered or no longer believed running; a new subscription or a stop ends the round.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskReconciler, reconcileDelay, stillUnanswered, type ReconcileTask } from '../../src/cluster/mesos/TaskReconciler.js';

test('reconcileDelay doubles from the first wait and stops at the cap', () => {
  // [attempt, first, max, delay]
  const cases: [number, number, number, number][] = [[0, 2000, 60000, 2000], [1, 2000, 60000, 4000], [4, 2000, 60000, 32000], [5, 2000, 60000, 60000], [500, 2000, 60000, 60000]];
  for (const [attempt, first, max, delay] of cases) assert.equal(reconcileDelay(attempt, first, max), delay, `attempt ${attempt}`);
});

test('stillUnanswered: the unanswered tasks still believed running, with their agents when known', () => {
  const current = new Map([['1', 'A'], ['2', 'B'], ['4', '']]);
  const cases: [string[], [string, string][]][] = [[[], []], [['1'], [['1', 'A']]], [['1', '2', '3'], [['1', 'A'], ['2', 'B']]], [['3'], []], [['4'], [['4', '']]]];
  for (const [unanswered, expected] of cases) {
    const tasks = expected.map(([t, a]) => (a === '' ? { task_id: { value: t } } : { task_id: { value: t }, agent_id: { value: a } }));
    assert.deepEqual(stillUnanswered(new Set(unanswered), current), tasks, unanswered.join());
  }
});

/** A reconciler over `tasks`, recording what it sends; `fail` says which sends fail. */
function harness(tasks: Map<string, string>, fail: (n: number) => boolean = () => false) {
  const sent: string[][] = [];
  const r = new TaskReconciler({
    tasks: () => tasks,
    send: async (ts: ReconcileTask[]) => {
      sent.push(ts.map((t) => `${t.task_id.value}@${t.agent_id?.value ?? ''}`));
      return !fail(sent.length);
    },
    firstDelayMs: 100,
    maxDelayMs: 200,
  });
  return { r, sent };
}

/** Waits until `n` calls were sent (timers may fire late on a busy machine, never early). */
async function sends(sent: unknown[], n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (sent.length < n) {
    if (Date.now() > deadline) throw new Error(`only ${sent.length} of ${n} calls were sent`);
    await sleep(5);
  }
}

test('asked again after a failed call and while unanswered, then only about what is left, until nothing is', async () => {
  const tasks = new Map([['1', 'A'], ['2', 'B']]);
  const { r, sent } = harness(tasks, (n) => n === 1);
  await r.subscribed();
  assert.deepEqual(sent, [['1@A', '2@B']]);
  await sends(sent, 2); // the first call failed: asked again
  assert.deepEqual(sent[1], ['1@A', '2@B']);
  r.answered('1');
  await sends(sent, 3); // only task 2 is still unanswered
  assert.deepEqual(sent[2], ['2@B']);
  tasks.delete('2'); // it ended (say, its agent was removed): nothing more to ask
  await sleep(600);
  assert.equal(sent.length, 3);
  r.stop();
});

test('no tasks, no call (an empty RECONCILE would ask about every task)', async () => {
  const { r, sent } = harness(new Map());
  await r.subscribed();
  await sleep(300);
  assert.deepEqual(sent, []);
});

test('a new subscription replaces the round, and a stop ends it', async () => {
  const tasks = new Map([['1', 'A']]);
  const { r, sent } = harness(tasks);
  await r.subscribed();
  await sleep(10);
  await r.subscribed();
  // The new round's repeat comes 100 ms after its start, its next 200 ms after that; the old round's repeat, due 10 ms
  // before the new one's, must not also run.
  await sends(sent, 3);
  await sleep(50);
  assert.equal(sent.length, 3, `two rounds' first calls and one repeat: ${JSON.stringify(sent)}`);
  r.stop();
  await sleep(500);
  assert.equal(sent.length, 3, 'nothing after stop');
});
