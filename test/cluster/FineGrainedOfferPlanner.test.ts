import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFineGrainedOffers, partitionFineGrainedResources, MesosSchedulerUtils } from '../../src/index.js';
import type { FinePlannerConfig } from '../../src/cluster/mesos/FineGrainedOfferPlanner.js';
import type { Offer } from '../../src/mesos/wire/framework.js';

function offer(agent: string, cpus: number, mem: number, zone?: string): Offer {
  return {
    id: { value: `o-${agent}` }, framework_id: { value: 'F' }, agent_id: { value: agent }, hostname: `h-${agent}`,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem }, role: '*' },
    ],
    ...(zone ? { attributes: [{ name: 'zone', type: 'TEXT', text: { value: zone } }] } : {}),
  };
}

type Knobs = Partial<Omit<FinePlannerConfig, 'constraints'>> & { constraints?: string };
const cfg = ({ constraints, ...o }: Knobs = {}): FinePlannerConfig => ({
  executorCores: 1, executorMemory: 1408, taskCpus: 1, rejectUnmetConstraintsSeconds: 120, ...o,
  constraints: MesosSchedulerUtils.parseConstraintString(constraints ?? ''),
});

test('fine-grained offers: task slots after the executor\'s share, as Spark decides', () => {
  // [cpus, mem, executor already on the agent, config] → slots (0: declined) and why
  const table: [number, number, boolean, Knobs, number, string?][] = [
    [4, 2048, false, {}, 3],                                          // 1 cpu for the executor, 3 for tasks
    [4, 2048, true, {}, 4],                                           // the executor's cpus are already held
    [1, 2048, false, {}, 0, 'below 2 cpus'],                          // only the executor would fit
    [4, 1000, false, {}, 0, 'below 1408 MiB memory'],
    [4, 100, true, {}, 4],                                            // memory is the running executor's
    [4.5, 2048, false, { executorCores: 0.5 }, 4],
    [5, 2048, false, { taskCpus: 2 }, 2],                             // whole spark.task.cpus units
    [2.9, 2048, true, {}, 2],
  ];
  for (const [cpus, mem, has, c, slots, why] of table) {
    const d = planFineGrainedOffers([offer('a', cpus, mem)], cfg(c), { stopping: false, agentsWithExecutors: new Set(has ? ['a'] : []) });
    const label = JSON.stringify({ cpus, mem, has, c });
    if (slots === 0) {
      assert.equal(d.usable.length, 0, label);
      assert.deepEqual(d.decline.map((x) => [x.reason, x.refuseSeconds]), [[why, undefined]], label);
    } else {
      assert.deepEqual(d.usable.map((u) => [u.slots, u.needsExecutor]), [[slots, !has]], label);
      assert.equal(d.decline.length, 0, label);
    }
  }
});

test('fine-grained offers: constraints decline for rejectOfferDurationForUnmetConstraints; stopping declines all', () => {
  const offers = [offer('a', 4, 4096, 'us-east'), offer('b', 4, 4096, 'eu-west')];
  const d = planFineGrainedOffers(offers, cfg({ constraints: 'zone:us-east' }), { stopping: false, agentsWithExecutors: new Set() });
  assert.deepEqual(d.usable.map((u) => u.offer.agent_id.value), ['a']);
  assert.deepEqual(d.decline, [{ offerId: 'o-b', refuseSeconds: 120, reason: 'failing constraint zone:us-east' }]);
  const s = planFineGrainedOffers(offers, cfg(), { stopping: true, agentsWithExecutors: new Set() });
  assert.equal(s.usable.length, 0);
  assert.deepEqual(s.decline.map((x) => x.reason), ['stopping', 'stopping']);
});

test('fine-grained offers: decline reasons name the constraint, cpus or memory missing, worded as the coarse planner\'s', () => {
  // [offer cpus, mem, zone, executor already on the agent, config] → the reason the offer is declined
  const table: [number, number, string | undefined, boolean, Knobs, string][] = [
    [4, 4096, 'b', false, { constraints: 'zone:a' }, 'failing constraint zone:a'],
    [4, 4096, 'c', false, { constraints: 'zone:a,b' }, 'failing constraint zone:a,b'],
    [4, 4096, 'b', true, { constraints: 'zone:a' }, 'failing constraint zone:a'],                    // constraints first
    [1.5, 4096, undefined, false, {}, 'below 2 cpus'],                                               // executor 1 + task 1
    [1.5, 4096, undefined, false, { executorCores: 0.25, taskCpus: 2 }, 'below 2.25 cpus'],
    [1.5, 4096, undefined, true, { taskCpus: 2 }, 'below 2 cpus'],                                   // executor's cpus already held
    [4, 1000, undefined, false, {}, 'below 1408 MiB memory'],
    [1, 1000, undefined, false, {}, 'below 2 cpus'],                                                 // cpus before memory, as coarse
  ];
  for (const [cpus, mem, zone, has, c, why] of table) {
    const d = planFineGrainedOffers([offer('a', cpus, mem, zone)], cfg(c), { stopping: false, agentsWithExecutors: new Set(has ? ['a'] : []) });
    assert.deepEqual(d.decline.map((x) => x.reason), [why], JSON.stringify({ cpus, mem, zone, has, c }));
  }
});

test('fine-grained resources: the executor takes its cpus and memory first, then each task its cpus, keeping roles', () => {
  const o = offer('a', 1, 2048);
  o.resources!.unshift({ name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: 'analytics' });
  const r = partitionFineGrainedResources(o, { executorCores: 0.5, executorMemory: 1408, taskCpus: 1 }, true, 2);
  const show = (rs: { name: string; scalar?: { value: number }; role?: string }[]) => rs.map((x) => `${x.name}(${x.role}):${x.scalar?.value}`);
  assert.deepEqual(show(r.executor), ['cpus(analytics):0.5', 'mem(*):1408']);
  assert.deepEqual(r.tasks.map(show), [['cpus(analytics):1'], ['cpus(analytics):0.5', 'cpus(*):0.5']]);
  const again = partitionFineGrainedResources(offer('a', 2, 10), { executorCores: 0.5, executorMemory: 1408, taskCpus: 1 }, false, 2);
  assert.deepEqual(again.executor, []);
  assert.deepEqual(again.tasks.map(show), [['cpus(*):1'], ['cpus(*):1']]);
});

