import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planOffers, effectiveMaxCores, type CoarsePlannerConfig, type CoarsePlannerState } from '../../src/cluster/mesos/CoarseOfferPlanner.js';
import { MesosSchedulerUtils } from '../../src/index.js';
import type { Offer } from '../../src/mesos/wire/framework.js';
import type { Attribute } from '../../src/mesos/wire/resources.js';

function offer(id: string, mem: number, cpus: number, extra: { gpus?: number; ports?: [number, number]; attributes?: Attribute[]; agent?: string } = {}): Offer {
  return {
    id: { value: id }, framework_id: { value: 'F' }, agent_id: { value: extra.agent ?? `agent-${id}` }, hostname: `host-${id}`,
    resources: [
      { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
      ...(extra.gpus !== undefined ? [{ name: 'gpus', type: 'SCALAR' as const, scalar: { value: extra.gpus } }] : []),
      ...(extra.ports ? [{ name: 'ports', type: 'RANGES' as const, ranges: { range: [{ begin: extra.ports[0], end: extra.ports[1] }] } }] : []),
    ],
    ...(extra.attributes ? { attributes: extra.attributes } : {}),
  };
}

function cfg(o: { coresMax?: number; executorCores?: number; gpusMax?: number; constraints?: string; port?: number } = {}): CoarsePlannerConfig {
  return {
    maxCores: effectiveMaxCores(o.coresMax, o.executorCores),
    executorCores: o.executorCores,
    executorMemory: 1408,
    maxGpus: o.gpusMax ?? 0,
    constraints: MesosSchedulerUtils.parseConstraintString(o.constraints ?? ''),
    ports: o.port ? [o.port] : [],
    rejectUnmetConstraintsSeconds: 120,
    rejectMaxCoresSeconds: 120,
  };
}

const fresh = (o: Partial<CoarsePlannerState> = {}): CoarsePlannerState => ({
  stopping: false, totalCoresAcquired: 0, totalGpusAcquired: 0, numExecutors: 0, executorLimit: Infinity,
  agentFailures: new Map(), satisfiesLocality: () => true, ...o,
});

/** Spark's worked examples (1 g heap: executor memory 1408 MiB). */
test('effective max cores is rounded down to a multiple of executor cores', () => {
  assert.deepEqual([effectiveMaxCores(4, 3), effectiveMaxCores(10, 4), effectiveMaxCores(10, undefined), effectiveMaxCores(undefined, 4)], [3, 8, 10, 2147483644]);
});

test('offer planning: Spark\'s table of cases', () => {
  const cases: { name: string; c: CoarsePlannerConfig; offers: Offer[]; launches: Record<string, number[]>; declines: Record<string, number | undefined> }[] = [
    { name: 'no limits: one executor takes the whole offer', c: cfg(), offers: [offer('o1', 2816, 10)], launches: { o1: [10] }, declines: {} },
    { name: 'executor cores 4 of 5', c: cfg({ executorCores: 4 }), offers: [offer('o1', 2816, 5)], launches: { o1: [4] }, declines: {} },
    { name: 'two executors on one offer', c: cfg({ executorCores: 4 }), offers: [offer('o1', 2816, 8)], launches: { o1: [4, 4] }, declines: {} },
    { name: 'cores.max 10 of 11', c: cfg({ coresMax: 10 }), offers: [offer('o1', 1408, 11)], launches: { o1: [10] }, declines: {} },
    { name: 'cores.max reached: the second offer is declined with a filter', c: cfg({ coresMax: 3 }), offers: [offer('o1', 1408, 4), offer('o2', 1408, 4)], launches: { o1: [3] }, declines: { o2: 120 } },
    { name: 'cores.max 4 / exec 3 rounds to 3', c: cfg({ coresMax: 4, executorCores: 3 }), offers: [offer('o1', 1408, 5), offer('o2', 1408, 5)], launches: { o1: [3] }, declines: { o2: 120 } },
    { name: 'cores.max 4 / exec 2 over three offers', c: cfg({ coresMax: 4, executorCores: 2 }), offers: [offer('o1', 1408, 5), offer('o2', 1408, 5), offer('o3', 1408, 5)], launches: { o1: [2], o2: [2] }, declines: { o3: 120 } },
    { name: 'round robin across offers', c: cfg({ coresMax: 8, executorCores: 4 }), offers: [offer('o1', 2816, 8), offer('o2', 2816, 8)], launches: { o1: [4], o2: [4] }, declines: {} },
    { name: 'not enough memory: declined without a filter', c: cfg(), offers: [offer('o1', 1000, 4)], launches: {}, declines: { o1: undefined } },
    { name: 'unmet constraint: declined for 120 s', c: cfg({ constraints: 'x:true' }), offers: [offer('o1', 2816, 4)], launches: {}, declines: { o1: 120 } },
    { name: 'matching constraint', c: cfg({ constraints: 'zone:a' }), offers: [offer('o1', 2816, 4, { attributes: [{ name: 'zone', type: 'TEXT', text: { value: 'a' } }] })], launches: { o1: [4] }, declines: {} },
    { name: 'fixed port outside the offer: declined without a filter', c: cfg({ port: 30100 }), offers: [offer('o1', 2816, 4, { ports: [31100, 31200] })], launches: {}, declines: { o1: undefined } },
    { name: 'fixed port inside the offer: one executor only', c: cfg({ port: 30100, executorCores: 1 }), offers: [offer('o1', 2816, 4, { ports: [30000, 31000] })], launches: { o1: [1] }, declines: {} },
  ];
  for (const t of cases) {
    const d = planOffers(t.offers, t.c, fresh());
    assert.deepEqual(Object.fromEntries([...d.launch].map(([k, v]) => [k, v.map((e) => e.cpus)])), t.launches, t.name);
    assert.deepEqual(Object.fromEntries(d.decline.map((x) => [x.offerId, x.refuseSeconds])), t.declines, t.name);
  }
});

test('offer planning: GPUs, resources taken, ports, failures, limits, stopping', () => {
  const g = planOffers([offer('o1', 1408, 1, { gpus: 6 })], cfg({ gpusMax: 5 }), fresh());
  assert.equal(g.launch.get('o1')![0]!.gpus, 5);
  assert.equal(planOffers([offer('o1', 1408, 1, { gpus: 1 })], cfg(), fresh()).launch.get('o1')![0]!.gpus, 0, 'no GPUs without spark.mesos.gpus.max');
  const p = planOffers([offer('o1', 2816, 4, { ports: [30000, 31000] })], cfg({ port: 30100 }), fresh()).launch.get('o1')![0]!;
  assert.deepEqual(p.resources.map((r) => [r.name, r.scalar?.value ?? r.ranges?.range?.[0]?.begin]), [['cpus', 4], ['mem', 1408], ['ports', 30100]]);
  const none = planOffers([offer('o1', 2816, 4)], cfg(), fresh({ agentFailures: new Map([['agent-o1', 2]]) }));
  assert.equal(none.launch.size, 0, 'an agent with two failures gets no executor');
  const limited = planOffers([offer('o1', 9000, 8)], cfg({ executorCores: 1 }), fresh({ executorLimit: 3 }));
  assert.equal(limited.launch.get('o1')!.length, 3, 'the executor limit caps launches');
  assert.deepEqual(planOffers([offer('o1', 9000, 8)], cfg(), fresh({ numExecutors: 2, executorLimit: 2 })).decline, [{ offerId: 'o1', refuseSeconds: undefined, reason: 'executor limit reached' }]);
  assert.deepEqual(planOffers([offer('o1', 9000, 8)], cfg(), fresh({ stopping: true })).decline.map((x) => x.reason), ['stopping']);
  assert.equal(planOffers([offer('o1', 9000, 8)], cfg(), fresh({ satisfiesLocality: () => false })).launch.size, 0);
  const already = planOffers([offer('o1', 9000, 8)], cfg({ coresMax: 10 }), fresh({ totalCoresAcquired: 6 }));
  assert.equal(already.launch.get('o1')![0]!.cpus, 4, 'only what is left under cores.max');
});
