/**
 * Explicit reconciliation after a (re)subscription: Mesos is asked again, with doubling waits, about tasks it has not
 * answered for (a failed call, or a master just failed over that does not answer for agents not yet re-registered),
 * until each is answered or no longer believed running; a new subscription, a lost subscription or a stop ends the
 * round.
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

/**
 * A reconciler over `tasks`, recording what it sends. `onSend(n, r)` runs as the n-th call goes out: acting there
 * rather than after a sleep keeps the tests independent of how late timers fire. It returns the call's result, or a
 * promise the call waits on.
 */
function harness(tasks: Map<string, string>, onSend: (n: number, r: TaskReconciler) => boolean | Promise<boolean> = () => true) {
  const sent: string[][] = [];
  const state = { subscribed: true };
  const r: TaskReconciler = new TaskReconciler({
    tasks: () => tasks,
    send: async (ts: ReconcileTask[]) => {
      sent.push(ts.map((t) => `${t.task_id.value}@${t.agent_id?.value ?? ''}`));
      return onSend(sent.length, r);
    },
    subscribed: () => state.subscribed,
    firstDelayMs: 50,
    maxDelayMs: 100,
  });
  return { r, sent, state };
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
  const { r, sent } = harness(tasks, (n, rec) => {
    if (n === 2) rec.answered('1'); // answered while the second call is out
    if (n === 3) tasks.delete('2'); // then task 2 ends (say, its agent was removed)
    return n !== 1; // the first call fails
  });
  await r.subscribed();
  await sends(sent, 3);
  assert.deepEqual(sent, [['1@A', '2@B'], ['1@A', '2@B'], ['2@B']]);
  await sleep(400); // repeats would come every 100 ms at most
  assert.equal(sent.length, 3, 'nothing left to ask about');
  r.stop();
});

test('no tasks, no call (an empty RECONCILE would ask about every task)', async () => {
  const { r, sent } = harness(new Map());
  await r.subscribed();
  await sleep(200);
  assert.deepEqual(sent, []);
});

test('a new subscription while a call is out: the old round stops there, the new one goes on', async () => {
  let release!: (ok: boolean) => void;
  const { r, sent } = harness(new Map([['1', 'A']]), (n) => (n === 1 ? new Promise<boolean>((res) => (release = res)) : true));
  const first = r.subscribed(); // its call is held
  await sends(sent, 1);
  await r.subscribed(); // the second round's call
  release(true);
  await first; // the first round, back from its call, must not schedule repeats of its own
  await sleep(400);
  r.stop();
  // One round in 400 ms: its repeats at 50, 150, 250 and 350 ms (fewer when timers are late), so at most six calls
  // with the two first ones; the old round going on too would double the repeats.
  assert.ok(sent.length >= 3 && sent.length <= 7, `${sent.length} calls`);
  const count = sent.length;
  await sleep(300);
  assert.equal(sent.length, count, 'nothing after stop');
  await r.subscribed();
  assert.equal(sent.length, count, 'a subscription after stop asks nothing');
});

test('a round ends when the framework is not subscribed (the next subscription starts another)', async () => {
  const { r, sent, state } = harness(new Map([['1', 'A']]), (n) => {
    if (n === 2) state.subscribed = false;
    return true;
  });
  await r.subscribed();
  await sends(sent, 2);
  await sleep(300);
  assert.equal(sent.length, 2, 'no call while not subscribed');
  state.subscribed = true;
  await r.subscribed();
  assert.equal(sent.length, 3);
  r.stop();
});
