/**
 * Mesos maintenance in mini-Mesos: the schedule and machine-mode rules as tables (`master/maintenance.ts`,
 * `master/inverseOffers.ts`), then the operator endpoints and inverse offers driven with raw HTTP and literal JSON.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { machineKey, machinesOf, validateSchedule, validateTransition, withoutMachines, type MachineState } from '../../src/minimesos/master/maintenance.js';
import { inverseOfferRefusalMs, inverseOffersDue } from '../../src/minimesos/master/inverseOffers.js';
import type { MaintenanceSchedule } from '../../src/mesos/wire/maintenance.js';
import { rawPost, RawSubscription } from '../helpers/rawScheduler.js';

const U = { start: { nanoseconds: 1_700_000_000_000_000_000 }, duration: { nanoseconds: 3600e9 } };
const A = { hostname: 'agent1', ip: '10.0.0.11' };
const B = { hostname: 'agent2', ip: '10.0.0.12' };
const state = (id: { hostname: string; ip: string }, mode: MachineState['mode']): [string, MachineState] => [machineKey(id), { id, mode, unavailability: U }];

test('machines are equal by hostname (any case) and ip', () => {
  const table: [Parameters<typeof machineKey>[0], Parameters<typeof machineKey>[0], boolean][] = [
    [{ hostname: 'Agent1', ip: '10.0.0.11' }, A, true],
    [{ hostname: 'agent1' }, A, false],
    [{ ip: '10.0.0.11' }, { hostname: '', ip: '10.0.0.11' }, true],
    [A, B, false],
  ];
  for (const [x, y, same] of table) assert.equal(machineKey(x) === machineKey(y), same, JSON.stringify([x, y]));
});

test('schedule validation: machines and unavailability per window, each machine once, DOWN machines stay', () => {
  const table: [string, MaintenanceSchedule, [string, MachineState][], string | undefined][] = [
    ['empty schedule', { windows: [] }, [], undefined],
    ['no windows field', {}, [], undefined],
    ['one window', { windows: [{ machine_ids: [A, B], unavailability: U }] }, [], undefined],
    ['window without machines', { windows: [{ machine_ids: [], unavailability: U }] }, [], 'List of machines in the maintenance window is empty'],
    ['window without unavailability', { windows: [{ machine_ids: [A] }] }, [], "Maintenance window is missing its 'unavailability'"],
    ['negative duration', { windows: [{ machine_ids: [A], unavailability: { start: U.start, duration: { nanoseconds: -1 } } }] }, [], "Unavailability 'duration' must be a non-negative number of nanoseconds"],
    ['unnamed machine', { windows: [{ machine_ids: [{}], unavailability: U }] }, [], "Both 'hostname' and 'ip' for a machine are empty"],
    ['machine twice', { windows: [{ machine_ids: [A], unavailability: U }, { machine_ids: [{ ...A, hostname: 'AGENT1' }], unavailability: U }] }, [],
      'Machine \'{"hostname":"AGENT1","ip":"10.0.0.11"}\' appears more than once in the schedule'],
    ['DOWN machine dropped', { windows: [{ machine_ids: [B], unavailability: U }] }, [state(A, 'DOWN')],
      'Machine \'{"hostname":"agent1","ip":"10.0.0.11"}\' is deactivated and cannot be removed from the schedule'],
    ['DOWN machine kept', { windows: [{ machine_ids: [A], unavailability: U }] }, [state(A, 'DOWN')], undefined],
    ['DRAINING machine dropped', { windows: [] }, [state(A, 'DRAINING')], undefined],
  ];
  for (const [name, schedule, machines, want] of table) assert.equal(validateSchedule(schedule, new Map(machines)), want, name);
});

test('machine/down needs DRAINING machines, machine/up DOWN ones, all scheduled', () => {
  const machines = new Map([state(A, 'DRAINING'), state(B, 'DOWN')]);
  const table: [string, Parameters<typeof validateTransition>[0], 'DOWN' | 'UP', string | undefined][] = [
    ['down a draining machine', [A], 'DOWN', undefined],
    ['down a down machine', [B], 'DOWN', 'Machine \'{"hostname":"agent2","ip":"10.0.0.12"}\' is not in DRAINING mode and cannot be brought down'],
    ['up a down machine', [B], 'UP', undefined],
    ['up a draining machine', [A], 'UP', 'Machine \'{"hostname":"agent1","ip":"10.0.0.11"}\' is not in DOWN mode and cannot be brought up'],
    ['unscheduled machine', [{ hostname: 'x', ip: '1.2.3.4' }], 'DOWN', 'Machine \'{"hostname":"x","ip":"1.2.3.4"}\' is not part of a maintenance schedule'],
    ['empty list', [], 'UP', 'List of machines is empty'],
    ['repeated machine', [A, A], 'DOWN', 'Machine \'{"hostname":"agent1","ip":"10.0.0.11"}\' appears more than once in the list'],
  ];
  for (const [name, ids, to, want] of table) assert.equal(validateTransition(ids, machines, to), want, name);
});

test('a new schedule: scheduled machines drain, DOWN ones stay down; machine/up leaves the schedule', () => {
  const before = new Map([state(A, 'DOWN')]);
  const schedule = { windows: [{ machine_ids: [A, B], unavailability: U }] };
  const after = machinesOf(schedule, before);
  assert.deepEqual([...after.values()].map((s) => [s.id.hostname, s.mode]), [['agent1', 'DOWN'], ['agent2', 'DRAINING']]);
  assert.deepEqual(withoutMachines(schedule, [A]), { windows: [{ machine_ids: [B], unavailability: U }] });
  assert.deepEqual(withoutMachines(schedule, [A, B]), { windows: [] });
});

test('inverse offers go to active holders without one outstanding or a live filter', () => {
  const h = (frameworkId: string, agentId: string, active = true) => ({ frameworkId, agentId, active });
  const table: [string, ReturnType<typeof h>[], { frameworkId: string; agentId: string }[], { frameworkId: string; agentId: string; expires: number }[], string[]][] = [
    ['every holder', [h('f1', 's1'), h('f2', 's1')], [], [], ['f1 s1', 'f2 s1']],
    ['inactive framework', [h('f1', 's1', false)], [], [], []],
    ['one outstanding', [h('f1', 's1'), h('f1', 's2')], [{ frameworkId: 'f1', agentId: 's1' }], [], ['f1 s2']],
    ['filtered', [h('f1', 's1')], [], [{ frameworkId: 'f1', agentId: 's1', expires: 2000 }], []],
    ['filter expired', [h('f1', 's1')], [], [{ frameworkId: 'f1', agentId: 's1', expires: 1000 }], ['f1 s1']],
    ['holding twice (offer and task)', [h('f1', 's1'), h('f1', 's1')], [], [], ['f1 s1']],
  ];
  for (const [name, holders, outstanding, filters, want] of table) {
    assert.deepEqual(inverseOffersDue(holders, outstanding, filters, 1000).map((d) => `${d.frameworkId} ${d.agentId}`), want, name);
  }
  const refusals: [number | undefined, number][] = [[undefined, 5000], [0, 0], [2.5, 2500], [-1, 5000], [1e12, 365 * 24 * 3600 * 1000]];
  for (const [secs, ms] of refusals) assert.equal(inverseOfferRefusalMs(secs), ms, String(secs));
});

// ------------------------------------------------------------------------------------------ over raw HTTP

let cluster: MiniCluster;
let base: string;
const subs: RawSubscription[] = [];

before(async () => {
  cluster = await new MiniCluster({
    agents: 2, agentHosts: ['127.0.0.1', '127.0.0.2'], resources: 'cpus:2;mem:1024',
    master: { allocationIntervalMs: 50, heartbeatIntervalSeconds: 1 }, agent: { statusUpdateRetryMs: 300 },
  }).start();
  base = cluster.master.url;
});
after(async () => {
  for (const s of subs) s.close();
  await cluster.stop();
});

const get = async (path: string) => {
  const r = await fetch(`${base}${path}`);
  return { status: r.status, body: await r.text() };
};

test('maintenance endpoints: methods, validation (400 with the reason) and the schedule round trip', async () => {
  assert.deepEqual(await get('/maintenance/schedule'), { status: 200, body: '{"windows":[]}' });
  assert.equal((await get('/maintenance/status')).body, '{"draining_machines":[],"down_machines":[]}');
  const put = await fetch(`${base}/maintenance/schedule`, { method: 'PUT', body: '{}' });
  assert.equal(put.status, 405);
  assert.equal(await put.text(), "Expecting 'GET' or 'POST', received 'PUT'");
  assert.equal((await get('/machine/down')).status, 405);
  const bad: [string, string, string, RegExp][] = [
    ['/maintenance/schedule', '{"windows":[{"machine_ids":[],"unavailability":{"start":{"nanoseconds":1}}}]}', '', /^List of machines in the maintenance window is empty$/],
    ['/maintenance/schedule', '{"windows":[{"machine_ids":[{"hostname":"h"}],"unavailability":{"start":{}}}]}', '', /^Malformed maintenance schedule: windows\[0\]\.unavailability\.start\.nanoseconds: /],
    ['/maintenance/schedule', 'not json', '', /^Malformed maintenance schedule: not JSON/],
    ['/machine/down', '[{"hostname":"127.0.0.2","ip":"127.0.0.2"}]', '', /is not part of a maintenance schedule$/],
    ['/machine/up', '{"hostname":"x"}', '', /^Malformed list of machines: /],
  ];
  for (const [path, body, , want] of bad) {
    const r = await rawPost(base, path, body);
    assert.equal(r.status, 400, `${path} ${body}`);
    assert.match(r.body, want);
  }
  const schedule = '{"windows":[{"machine_ids":[{"hostname":"elsewhere","ip":"10.9.9.9"}],"unavailability":{"start":{"nanoseconds":1700000000000000000},"duration":{"nanoseconds":3600000000000}}}]}';
  assert.equal((await rawPost(base, '/master/maintenance/schedule', schedule)).status, 200);
  assert.deepEqual(JSON.parse((await get('/maintenance/schedule')).body), JSON.parse(schedule));
  assert.deepEqual(JSON.parse((await get('/maintenance/status')).body), { draining_machines: [{ id: { hostname: 'elsewhere', ip: '10.9.9.9' }, statuses: [] }], down_machines: [] });
  assert.equal((await rawPost(base, '/maintenance/schedule', '{"windows":[]}')).status, 200);
  assert.equal((await get('/maintenance/status')).body, '{"draining_machines":[],"down_machines":[]}');
});

test('a draining agent: offers carry unavailability, holders get INVERSE_OFFERS, answers are recorded; DOWN removes the agent until UP', async () => {
  const s = await RawSubscription.open(base, '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"maintenance-fw"}}}');
  subs.push(s);
  const fid = (await s.waitFor((e) => e.type === 'SUBSCRIBED')).subscribed.framework_id.value as string;
  const call = (body: string) => rawPost(base, '/api/v1/scheduler', body, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': s.streamId });
  const offerOn = (host: string, after = 0) => s.waitFor((e) => e.type === 'OFFERS' && s.events.indexOf(e) >= after && e.offers.offers.some((o: { hostname: string }) => o.hostname === host));
  const first = (await offerOn('127.0.0.2')).offers.offers.find((o: { hostname: string }) => o.hostname === '127.0.0.2');
  const agent = first.agent_id.value as string;
  // A task on the agent to be drained.
  const task = `{"name":"t","task_id":{"value":"t1"},"agent_id":{"value":"${agent}"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1}},{"name":"mem","type":"SCALAR","scalar":{"value":32}}],"command":{"value":"sleep 60"}}`;
  const launched = s.events.length;
  assert.equal((await call(`{"type":"ACCEPT","framework_id":{"value":"${fid}"},"accept":{"offer_ids":[{"value":"${first.id.value}"}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[${task}]}}],"filters":{"refuse_seconds":0}}}`)).status, 202);
  const ack = (e: Record<string, any>) => call(`{"type":"ACKNOWLEDGE","framework_id":{"value":"${fid}"},"acknowledge":{"agent_id":{"value":"${agent}"},"task_id":{"value":"t1"},"uuid":"${e.update.status.uuid}"}}`);
  await ack(await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_STARTING'));
  await ack(await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING'));
  // The agent's remaining resources are on offer again before the window is posted: that offer is to be rescinded.
  const outstanding = (await offerOn('127.0.0.2', launched)).offers.offers.find((o: { hostname: string }) => o.hostname === '127.0.0.2').id.value as string;
  const unavailability = { start: { nanoseconds: 1700000000000000000 }, duration: { nanoseconds: 3600000000000 } };
  const machine = { hostname: '127.0.0.2', ip: '127.0.0.2' };
  const mark = s.events.length;
  assert.equal((await rawPost(base, '/maintenance/schedule', JSON.stringify({ windows: [{ machine_ids: [machine], unavailability }] }))).status, 200);
  const inv = await s.waitFor((e) => e.type === 'INVERSE_OFFERS' && s.events.indexOf(e) >= mark);
  const io = inv.inverse_offers.inverse_offers[0];
  assert.equal(inv.inverse_offers.inverse_offers.length, 1);
  assert.equal(io.framework_id.value, fid);
  assert.equal(io.agent_id.value, agent);
  assert.deepEqual(io.unavailability, unavailability);
  assert.deepEqual(io.url.address, { hostname: '127.0.0.2', ip: '127.0.0.2', port: first.url.address.port });
  assert.equal(io.resources, undefined, 'no resources: the whole agent');
  const offered = (await offerOn('127.0.0.2', mark)).offers.offers.find((o: { hostname: string }) => o.hostname === '127.0.0.2');
  assert.deepEqual(offered.unavailability, unavailability, 'offers of a draining agent carry the window');
  // Only the draining agent's outstanding offers were rescinded (to come back with the window).
  const agent1Offers = new Set(s.events.filter((e) => e.type === 'OFFERS').flatMap((e) => e.offers.offers).filter((o: { hostname: string }) => o.hostname === '127.0.0.1').map((o: { id: { value: string } }) => o.id.value));
  const rescinded = s.events.slice(mark).filter((e) => e.type === 'RESCIND').map((e) => e.rescind.offer_id.value);
  assert.ok(rescinded.includes(outstanding) && rescinded.every((id) => !agent1Offers.has(id)), `the draining agent's offers were rescinded, no others: ${JSON.stringify(rescinded)}`);

  // DECLINE with a short filter: recorded, and a new inverse offer follows; then ACCEPT.
  assert.equal((await call(`{"type":"DECLINE_INVERSE_OFFERS","framework_id":{"value":"${fid}"},"decline_inverse_offers":{"inverse_offer_ids":[{"value":"${io.id.value}"}],"filters":{"refuse_seconds":0.3}}}`)).status, 202);
  const statusOf = async () => JSON.parse((await get('/maintenance/status')).body);
  const declined = await statusOf();
  assert.deepEqual(declined.draining_machines[0].id, machine);
  assert.deepEqual(declined.draining_machines[0].statuses.map((x: { status: string; framework_id: { value: string } }) => [x.status, x.framework_id.value]), [['DECLINE', fid]]);
  const again = s.events.length;
  const inv2 = await s.waitFor((e) => e.type === 'INVERSE_OFFERS' && s.events.indexOf(e) >= again, 5000);
  const io2 = inv2.inverse_offers.inverse_offers[0];
  assert.notEqual(io2.id.value, io.id.value);
  assert.equal((await call(`{"type":"ACCEPT_INVERSE_OFFERS","framework_id":{"value":"${fid}"},"accept_inverse_offers":{"inverse_offer_ids":[{"value":"${io2.id.value}"}],"filters":{"refuse_seconds":3600}}}`)).status, 202);
  assert.deepEqual((await statusOf()).draining_machines[0].statuses.map((x: { status: string }) => x.status), ['ACCEPT']);

  // A partition-aware framework with a task there too (a draining agent's offers can still be used): the other
  // framework declines what it holds so that this one is offered the agent's remaining resources.
  const pa = await RawSubscription.open(base, '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"maintenance-pa","capabilities":[{"type":"PARTITION_AWARE"}]}}}');
  subs.push(pa);
  const paId = (await pa.waitFor((e) => e.type === 'SUBSCRIBED')).subscribed.framework_id.value as string;
  const paCall = (body: string) => rawPost(base, '/api/v1/scheduler', body, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': pa.streamId });
  const held = (cluster.master.state().frameworks as { id: string; offers: { id: string }[] }[]).find((f) => f.id === fid)!.offers.map((o) => `{"value":"${o.id}"}`);
  if (held.length > 0) await call(`{"type":"DECLINE","framework_id":{"value":"${fid}"},"decline":{"offer_ids":[${held.join(',')}],"filters":{"refuse_seconds":3600}}}`);
  const paOffer = (await pa.waitFor((e) => e.type === 'OFFERS' && e.offers.offers.some((o: { hostname: string }) => o.hostname === '127.0.0.2'))).offers.offers.find((o: { hostname: string }) => o.hostname === '127.0.0.2');
  const paTask = task.replace('"t1"', '"p1"').replace('"name":"t"', '"name":"p"');
  assert.equal((await paCall(`{"type":"ACCEPT","framework_id":{"value":"${paId}"},"accept":{"offer_ids":[{"value":"${paOffer.id.value}"}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[${paTask}]}}]}}`)).status, 202);
  const paAck = (e: Record<string, any>) => paCall(`{"type":"ACKNOWLEDGE","framework_id":{"value":"${paId}"},"acknowledge":{"agent_id":{"value":"${agent}"},"task_id":{"value":"p1"},"uuid":"${e.update.status.uuid}"}}`);
  await paAck(await pa.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'p1' && e.update.status.state === 'TASK_STARTING'));
  await paAck(await pa.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'p1' && e.update.status.state === 'TASK_RUNNING'));

  // DOWN: the agent is shut down and removed: its tasks end TASK_LOST from the master, partition-aware frameworks'
  // too (Mesos' removeSlave), and every framework hears the agent failed; it is offered no more.
  const downMark = s.events.length;
  const paDownMark = pa.events.length;
  assert.equal((await rawPost(base, '/machine/down', JSON.stringify([machine]))).status, 200);
  const lost = (await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't1' && s.events.indexOf(e) >= downMark)).update.status;
  assert.deepEqual([lost.state, lost.reason, lost.source, lost.message, lost.agent_id.value], ['TASK_LOST', 'REASON_AGENT_REMOVED', 'SOURCE_MASTER', `Agent ${machine.hostname} removed: Operator initiated 'Machine DOWN'`, agent]);
  const gone = (await pa.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'p1' && pa.events.indexOf(e) >= paDownMark)).update.status;
  assert.deepEqual([gone.state, gone.reason, gone.source], ['TASK_LOST', 'REASON_AGENT_REMOVED', 'SOURCE_MASTER']);
  await s.waitFor((e) => e.type === 'FAILURE' && e.failure.agent_id.value === agent && s.events.indexOf(e) >= downMark);
  await pa.waitFor((e) => e.type === 'FAILURE' && e.failure.agent_id.value === agent && pa.events.indexOf(e) >= paDownMark);
  await paCall(`{"type":"TEARDOWN","framework_id":{"value":"${paId}"}}`);
  assert.deepEqual(await statusOf(), { draining_machines: [], down_machines: [machine] });
  assert.equal((await rawPost(base, '/machine/down', JSON.stringify([machine]))).status, 400);
  // Dropping a DOWN machine from the schedule is refused.
  assert.equal((await rawPost(base, '/maintenance/schedule', '{"windows":[]}')).status, 400);
  await call(`{"type":"REVIVE","framework_id":{"value":"${fid}"}}`);
  await new Promise((r) => setTimeout(r, 600)); // a dozen allocation rounds
  const fw = (cluster.master.state().frameworks as { id: string; offers: { slave_id: string }[] }[]).find((f) => f.id === fid)!;
  assert.deepEqual(fw.offers.filter((o) => o.slave_id === agent), []);
  assert.ok(!s.events.slice(downMark + 1).some((e) => e.type === 'OFFERS' && e.offers.offers.some((o: { hostname: string }) => o.hostname === '127.0.0.2')), 'no offers from a DOWN machine');
  // Removed, and refused at registration (the agent keeps trying) while its machine is down; nothing more of t1.
  assert.deepEqual((cluster.master.state().slaves as { hostname: string }[]).filter((a) => a.hostname === '127.0.0.2'), []);
  const reg = await rawPost(base, '/internal/agent/register', JSON.stringify({ hostname: '127.0.0.2', ip: '127.0.0.2', port: 5051, resources: [], attributes: [] }));
  assert.deepEqual([reg.status, reg.body], [403, 'Agent on machine {"hostname":"127.0.0.2","ip":"127.0.0.2"} refused: the machine is DOWN for maintenance']);
  assert.equal(s.events.slice(downMark).filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't1').length, 1, 'the agent\'s own kill update is ignored');

  // UP: out of the schedule, offered again without unavailability.
  const upMark = s.events.length;
  assert.equal((await rawPost(base, '/machine/up', JSON.stringify([machine]))).status, 200);
  assert.deepEqual(await statusOf(), { draining_machines: [], down_machines: [] });
  assert.equal((await get('/maintenance/schedule')).body, '{"windows":[]}');
  await call(`{"type":"REVIVE","framework_id":{"value":"${fid}"}}`);
  const back = (await offerOn('127.0.0.2', upMark)).offers.offers.find((o: { hostname: string }) => o.hostname === '127.0.0.2');
  assert.equal(back.unavailability, undefined);
  await call(`{"type":"TEARDOWN","framework_id":{"value":"${fid}"}}`);
});
