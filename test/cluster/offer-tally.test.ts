/**
 * Explainable waiting: offers counted by the reason they were declined, the same wording on the driver (executors)
 * and the dispatcher (queued drivers), and the coarse planner's reason for each declined offer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstUnmetConstraint, formatTally, RecentOffers, tallyOffers } from '../../src/cluster/mesos/offerTally.js';
import { effectiveMaxCores, planOffers, type CoarsePlannerConfig, type CoarsePlannerState } from '../../src/cluster/mesos/CoarseOfferPlanner.js';
import { MesosSchedulerUtils } from '../../src/index.js';
import type { Offer } from '../../src/mesos/wire/framework.js';
import type { Attribute } from '../../src/mesos/wire/resources.js';

const text = (name: string, value: string): Attribute => ({ name, type: 'TEXT', text: { value } });

test('tally and wording: counts by reason, most frequent first; nothing to say when nothing was declined', () => {
  const r = (...reasons: (string | undefined)[]) => reasons.map((reason) => ({ reason }));
  const cases: [string, { reason: string | undefined }[], string | undefined][] = [
    ['no offers', [], undefined],
    ['all used', r(undefined, undefined), undefined],
    ['one', r('below 4 cpus'), '1 offer declined: 1 below 4 cpus'],
    ['the issue\'s example', r('failing constraint zone:a', 'below 4 cpus', 'below 4 cpus'), '3 offers declined: 2 below 4 cpus, 1 failing constraint zone:a'],
    ['used offers are not declined', r(undefined, 'below 1408 MiB memory'), '1 offer declined: 1 below 1408 MiB memory'],
    ['ties by reason', r('b', 'a'), '2 offers declined: 1 a, 1 b'],
  ];
  for (const [what, verdicts, want] of cases) assert.equal(formatTally(tallyOffers(verdicts)), want, what);
  assert.equal(tallyOffers(r(undefined, 'x')).offers, 2);
});

test('recent offers: one verdict per agent, the latest; forgotten after the window or when the agent goes', () => {
  const w = new RecentOffers(1000);
  w.record('S1', 'below 4 cpus', 0);
  w.record('S2', 'below 4 cpus', 0);
  w.record('S1', 'failing constraint zone:a', 500);
  assert.deepEqual(w.tally(900), { offers: 2, declined: [['below 4 cpus', 1], ['failing constraint zone:a', 1]] });
  assert.deepEqual(w.tally(1200), { offers: 1, declined: [['failing constraint zone:a', 1]] }, 'S2 is past the window');
  w.forget('S1');
  assert.deepEqual(w.tally(1200), { offers: 0, declined: [] });
});

test('the first unmet constraint, as written', () => {
  const c = MesosSchedulerUtils.parseConstraintString;
  const cases: [string, Attribute[], string | undefined][] = [
    ['zone:a', [text('zone', 'b')], 'zone:a'],
    ['zone:a', [text('zone', 'a')], undefined],
    ['zone:a;rack:r1', [text('zone', 'a')], 'rack:r1'],
    ['zone:a,b;rack:r1', [text('rack', 'r1')], 'zone:a,b'],
  ];
  for (const [constraints, attrs, want] of cases) assert.equal(firstUnmetConstraint(c(constraints), attrs), want, constraints);
});

function offer(id: string, cpus: number, mem: number, attributes: Attribute[] = [], ports?: [number, number]): Offer {
  return {
    id: { value: id }, framework_id: { value: 'F' }, agent_id: { value: `agent-${id}` }, hostname: `host-${id}`, attributes,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } }, { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
      ...(ports ? [{ name: 'ports', type: 'RANGES' as const, ranges: { range: [{ begin: ports[0], end: ports[1] }] } }] : []),
    ],
  };
}

test('the coarse planner says why it declines each offer', () => {
  const cfg = (o: { executorCores?: number; coresMax?: number; constraints?: string; port?: number } = {}): CoarsePlannerConfig => ({
    maxCores: effectiveMaxCores(o.coresMax, o.executorCores), executorCores: o.executorCores, executorMemory: 1408, maxGpus: 0,
    constraints: MesosSchedulerUtils.parseConstraintString(o.constraints ?? ''), ports: o.port ? [o.port] : [],
    rejectUnmetConstraintsSeconds: 120, rejectMaxCoresSeconds: 120,
  });
  const st = (o: Partial<CoarsePlannerState> = {}): CoarsePlannerState => ({
    stopping: false, totalCoresAcquired: 0, totalGpusAcquired: 0, numExecutors: 0, executorLimit: Infinity,
    agentFailures: new Map(), satisfiesLocality: () => true, ...o,
  });
  const cases: [string, Offer[], CoarsePlannerConfig, CoarsePlannerState, string[]][] = [
    ['fewer cpus than spark.executor.cores', [offer('o1', 2, 4096)], cfg({ executorCores: 4 }), st(), ['below 4 cpus']],
    ['less than one whole cpu', [offer('o1', 0.5, 4096)], cfg(), st(), ['below 1 cpus']],
    ['too little memory', [offer('o1', 4, 1000)], cfg(), st(), ['below 1408 MiB memory']],
    ['a constraint', [offer('o1', 4, 4096, [text('zone', 'b')])], cfg({ constraints: 'zone:a' }), st(), ['failing constraint zone:a']],
    ['an excluded agent', [offer('o1', 4, 4096)], cfg(), st({ agentFailures: new Map([['agent-o1', 2]]) }), ['on an excluded agent']],
    ['a fixed port not offered', [offer('o1', 4, 4096, [], [31000, 32000])], cfg({ port: 30100 }), st(), ['without port 30100']],
    ['locality wait', [offer('o1', 4, 4096)], cfg(), st({ satisfiesLocality: () => false }), ['waiting for preferred hosts (spark.locality.wait)']],
    ['cores.max reached', [offer('o1', 4, 4096), offer('o2', 4, 4096)], cfg({ coresMax: 4 }), st(), ['spark.cores.max reached']],
    ['the executor limit', [offer('o1', 4, 4096)], cfg(), st({ numExecutors: 1, executorLimit: 1 }), ['executor limit reached']],
  ];
  for (const [what, offers, c, s, want] of cases) assert.deepEqual(planOffers(offers, c, s).decline.map((d) => d.reason), want, what);
  const zoneA = [text('zone', 'a')];
  const mixed = planOffers([offer('a', 2, 4096, zoneA), offer('b', 2, 4096, zoneA), offer('c', 8, 4096, [text('zone', 'b')])], cfg({ executorCores: 4, constraints: 'zone:a' }), st());
  assert.equal(formatTally(tallyOffers(mixed.decline)), '3 offers declined: 2 below 4 cpus, 1 failing constraint zone:a');
});
