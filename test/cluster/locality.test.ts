import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextLaunchPhase, satisfiesLocality } from '../../src/cluster/mesos/locality.js';
import { planOffers, type CoarsePlannerConfig } from '../../src/cluster/mesos/CoarseOfferPlanner.js';
import type { Offer } from '../../src/mesos/wire/framework.js';

/** Spark's `satisfiesLocality` with a 3 s wait that started at t = 1000. */
test('satisfiesLocality: preferred hosts without executors first, others after spark.locality.wait', () => {
  const hint = (counts: [string, number][], withExecutors: string[], now: number) =>
    ({ hostToLocalTaskCount: new Map(counts), hostsWithExecutors: new Set(withExecutors), waitStart: 1000, localityWaitMs: 3000, now });
  const cases: [string, string, ReturnType<typeof hint>, boolean][] = [
    ['no pending task prefers a host', 'a', hint([], [], 1000), true],
    ['only zero counts', 'a', hint([['b', 0]], [], 1000), true],
    ['a preferred host without an executor', 'a', hint([['a', 2]], [], 1000), true],
    ['a preferred host that has an executor, within the wait', 'a', hint([['a', 2]], ['a'], 1000), false],
    ['another host within the wait', 'b', hint([['a', 2]], [], 2000), false],
    ['another host at exactly the wait', 'b', hint([['a', 2]], [], 4000), false],
    ['another host after the wait', 'b', hint([['a', 2]], [], 4001), true],
    ['a preferred host with an executor after the wait', 'a', hint([['a', 2]], ['a'], 4001), true],
    ['all preferred hosts have executors: nobody within the wait', 'c', hint([['a', 1], ['b', 1]], ['a', 'b'], 1500), false],
    ['one preferred host left', 'b', hint([['a', 1], ['b', 1]], ['a'], 1500), true],
  ];
  for (const [what, host, h, want] of cases) assert.equal(satisfiesLocality(host, h), want, what);
});

test('the wait restarts when a new launching phase begins, and runs on within one', () => {
  const cases: [string, { launching: boolean; waitStart: number }, boolean, { launching: boolean; waitStart: number }][] = [
    ['at the executor limit: no phase, start kept', { launching: true, waitStart: 10 }, true, { launching: false, waitStart: 10 }],
    ['below the limit again: a new phase starts now', { launching: false, waitStart: 10 }, false, { launching: true, waitStart: 500 }],
    ['within a phase: the wait runs on', { launching: true, waitStart: 10 }, false, { launching: true, waitStart: 10 }],
  ];
  for (const [what, prev, atLimit, want] of cases) assert.deepEqual(nextLaunchPhase(prev, atLimit, 500), want, what);
});

function offer(id: string, host: string): Offer {
  return {
    id: { value: id }, framework_id: { value: 'F' }, agent_id: { value: `agent-${id}` }, hostname: host,
    resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: 4096 } }, { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } }],
  };
}

test('offer planning: within the wait only preferred hosts get executors, one per host per round', () => {
  const cfg: CoarsePlannerConfig = {
    maxCores: 2147483647, executorCores: 1, executorMemory: 1024, maxGpus: 0, constraints: new Map(), ports: [],
    rejectUnmetConstraintsSeconds: 120, rejectMaxCoresSeconds: 120,
  };
  const plan = (now: number) => planOffers([offer('o1', 'a'), offer('o2', 'a'), offer('o3', 'b')], cfg, {
    stopping: false, totalCoresAcquired: 0, totalGpusAcquired: 0, numExecutors: 0, executorLimit: 3, agentFailures: new Map(),
    satisfiesLocality: (host, launched) => satisfiesLocality(host, {
      hostToLocalTaskCount: new Map([['a', 5]]), hostsWithExecutors: launched, waitStart: 0, localityWaitMs: 3000, now,
    }),
  });
  const within = plan(1000);
  assert.deepEqual([...within.launch.keys()], ['o1'], 'host a gets one executor; its second offer and host b wait');
  assert.equal(within.launch.get('o1')!.length, 1);
  assert.deepEqual(within.decline.map((d) => [d.offerId, d.refuseSeconds]), [['o2', undefined], ['o3', undefined]]);
  const after = plan(3001);
  assert.equal([...after.launch.values()].flat().length, 3, 'after the wait any offer takes executors up to the limit');
});
