import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import type { Offer } from '../../src/mesos/wire/framework.js';
import type { TaskInfo, TaskStatus } from '../../src/mesos/wire/task.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';

let cluster: MiniCluster;
let client: SchedulerClient;
let events: AsyncIterator<ClientEvent>;
const statuses: TaskStatus[] = [];
const pendingOffers: Offer[] = [];

before(async () => {
  cluster = await new MiniCluster({ agents: 1, resources: 'cpus:8;mem:4096;ports:[31000-31100]', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 200, secrets: { '/db/pass': 'from-store' } } }).start();
  client = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { user: 'u', name: 'tasks' } }).start();
  events = client.events();
  await nextEvent(events, isType('SUBSCRIBED'));
});
after(async () => {
  await client.teardown();
  await cluster.stop();
});

/** Launches tasks on the next offer and returns the terminal (or `until`) status of each, acknowledging all. */
async function run(tasks: Omit<TaskInfo, 'agent_id'>[], until: (s: TaskStatus) => boolean = (s) => ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST'].includes(s.state)) {
  const offer = await offerWith(tasks.reduce((n, t) => n + (t.resources?.[0]?.scalar?.value ?? 0), 0));
  await client.call(Calls.accept([offer.id], [Operations.launch(tasks.map((t) => ({ ...t, agent_id: offer.agent_id })))], 0));
  const want = new Set(tasks.map((t) => t.task_id.value));
  const out = new Map<string, TaskStatus>();
  await nextEvent(events, (e) => {
    if (e.type === 'UPDATE') {
      const s = e.update.status;
      statuses.push(s);
      if (s.uuid) void client.call(Calls.acknowledge(s)).catch(() => undefined);
      if (want.has(s.task_id.value) && until(s)) out.set(s.task_id.value, s);
    } else if (e.type === 'OFFERS') pendingOffers.push(...(e.offers.offers ?? []));
    return out.size === want.size;
  }, 20_000);
  return out;
}

/** An outstanding offer with at least `cpus` (offers can be partial while earlier tasks still hold resources). */
async function offerWith(cpus: number): Promise<Offer> {
  const fits = (o: Offer) => (o.resources ?? []).filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0) >= cpus;
  for (;;) {
    const i = pendingOffers.findIndex(fits);
    if (i >= 0) return pendingOffers.splice(i, 1)[0]!;
    // Partial offers only add up once returned: decline them so the master offers the agent's free resources whole.
    if (pendingOffers.length > 0) await client.call(Calls.decline(pendingOffers.splice(0).map((o) => o.id), 0));
    const ev = await nextEvent(events, (e) => e.type === 'OFFERS', 10_000, (e) => {
      if (e.type === 'UPDATE' && e.update.status.uuid) void client.call(Calls.acknowledge(e.update.status)).catch(() => undefined);
    });
    if (ev.type === 'OFFERS') pendingOffers.push(...(ev.offers.offers ?? []));
  }
}

const cpu = [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.5 } }];

test('exit codes: 0 finishes, non-zero fails with the status, a signal names it', async () => {
  const r = await run([
    { name: 'ok', task_id: { value: 'ok' }, resources: cpu, command: { value: 'exit 0' } },
    { name: 'fail', task_id: { value: 'fail' }, resources: cpu, command: { value: 'exit 3' } },
    { name: 'sig', task_id: { value: 'sig' }, resources: cpu, command: { value: 'kill -9 $$' } },
  ]);
  assert.equal(r.get('ok')!.state, 'TASK_FINISHED');
  assert.equal(r.get('fail')!.state, 'TASK_FAILED');
  assert.equal(r.get('fail')!.message, 'Command exited with status 3');
  assert.equal(r.get('sig')!.state, 'TASK_FAILED');
  assert.equal(r.get('sig')!.message, 'Command terminated with signal Killed');
});

test('KILL sends SIGTERM (then SIGKILL after the grace period) and reports TASK_KILLED', async () => {
  const r = await run([{ name: 'k', task_id: { value: 'k' }, resources: cpu, command: { value: 'trap "" TERM; sleep 60' }, kill_policy: { grace_period: { nanoseconds: 300e6 } } }], (s) => s.state === 'TASK_RUNNING');
  assert.equal(r.get('k')!.state, 'TASK_RUNNING');
  const t0 = Date.now();
  await client.call(Calls.kill('k'));
  const killed = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'k' && e.update.status.state === 'TASK_KILLED', 10_000);
  assert.ok(Date.now() - t0 >= 250, 'waited for the grace period before SIGKILL');
  if (killed.type === 'UPDATE') await client.call(Calls.acknowledge(killed.update.status));
  // KILL of an unknown task is answered by reconciliation.
  await client.call(Calls.kill('never-launched'));
  const rec = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'never-launched', 5000);
  assert.ok(rec.type === 'UPDATE' && rec.update.status.state === 'TASK_LOST' && rec.update.status.reason === 'REASON_RECONCILIATION');
});

test('environment, VALUE and REFERENCE secrets, and secret volumes reach the task', async () => {
  const r = await run([{
    name: 'env', task_id: { value: 'env' }, resources: cpu,
    command: {
      value: 'test "$PLAIN" = plain && test "$INLINE" = inline-secret && test "$STORED" = from-store && test "$(cat secret.txt)" = file-secret && test -n "$MESOS_SANDBOX" && test "$MESOS_EXECUTOR_ID" = env && test "$(pwd)" = "$MESOS_SANDBOX"',
      environment: { variables: [
        { name: 'PLAIN', value: 'plain' },
        { name: 'INLINE', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('inline-secret').toString('base64') } } },
        { name: 'STORED', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/db/pass' } } },
      ] },
    },
    container: { type: 'MESOS', volumes: [{ container_path: 'secret.txt', mode: 'RO', source: { type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('file-secret').toString('base64') } } } }] },
  }]);
  assert.equal(r.get('env')!.state, 'TASK_FINISHED', r.get('env')!.message);
  const bad = await run([{ name: 'nosecret', task_id: { value: 'nosecret' }, resources: cpu, command: { value: 'true', environment: { variables: [{ name: 'X', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/missing' } } }] } } }]);
  assert.equal(bad.get('nosecret')!.state, 'TASK_FAILED');
  assert.equal(bad.get('nosecret')!.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
  assert.equal(bad.get('nosecret')!.source, 'SOURCE_AGENT');
  assert.match(bad.get('nosecret')!.message!, /no secret named '\/missing'/);
});

test('a DOCKER container is refused; a MESOS container with an image runs on the host and is recorded', async () => {
  const r = await run([
    { name: 'd', task_id: { value: 'docker' }, resources: cpu, command: { value: 'true' }, container: { type: 'DOCKER', docker: { image: 'busybox' } } },
    { name: 'm', task_id: { value: 'ucr' }, resources: cpu, command: { value: 'true' }, container: { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'apache/spark:3.5.6' }, cached: true } } } },
  ]);
  assert.equal(r.get('docker')!.state, 'TASK_FAILED');
  assert.equal(r.get('docker')!.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
  assert.match(r.get('docker')!.message!, /DOCKER/);
  assert.equal(r.get('ucr')!.state, 'TASK_FINISHED', r.get('ucr')!.message);
  await waitFor(() => {
    const st = cluster.master.state() as { frameworks: { completed_tasks: { id: string; container?: { mesos?: { image?: { docker?: { name: string } } } } }[] }[] };
    return st.frameworks.some((f) => f.completed_tasks.some((t) => t.id === 'ucr' && t.container?.mesos?.image?.docker?.name === 'apache/spark:3.5.6'));
  }, 5000, 'image recorded in /state');
});

test('URIs are fetched: local, file:// and http, with extract, executable, output_file and cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uris-'));
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', 'inside.txt'), 'from-archive');
  execFileSync('tar', ['-czf', join(dir, 'bundle.tgz'), '-C', dir, 'pkg']);
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho ran\n');
  writeFileSync(join(dir, 'plain.txt'), 'plain');
  const server = http.createServer((req, res) => {
    if (req.url === '/remote.txt') res.end('over-http');
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    const r = await run([{
      name: 'fetch', task_id: { value: 'fetch' }, resources: cpu,
      command: {
        value: 'test "$(cat pkg/inside.txt)" = from-archive && test "$(./run.sh)" = ran && test "$(cat renamed.txt)" = plain && test "$(cat remote.txt)" = over-http && test -f bundle.tgz',
        uris: [
          { value: join(dir, 'bundle.tgz') },
          { value: `file://${join(dir, 'run.sh')}`, executable: true },
          { value: join(dir, 'plain.txt'), output_file: 'renamed.txt', cache: true },
          { value: `http://127.0.0.1:${port}/remote.txt` },
        ],
      },
    }]);
    assert.equal(r.get('fetch')!.state, 'TASK_FINISHED', r.get('fetch')!.message);
    const missing = await run([{ name: 'nf', task_id: { value: 'nf' }, resources: cpu, command: { value: 'true', uris: [{ value: `http://127.0.0.1:${port}/missing` }] } }]);
    assert.equal(missing.get('nf')!.state, 'TASK_FAILED');
    assert.match(missing.get('nf')!.message!, /Failed to fetch all URIs .*HTTP 404/);
  } finally {
    server.close();
  }
});

test('an unacknowledged update is resent and the next one waits for the acknowledgement', async () => {
  const offer = await offerWith(0.5);
  await client.call(Calls.accept([offer.id], [Operations.launch([{ name: 'noack', task_id: { value: 'noack' }, agent_id: offer.agent_id, resources: cpu, command: { value: 'exit 0' } }])], 0));
  const seen: TaskStatus[] = [];
  await nextEvent(events, (e) => {
    if (e.type === 'UPDATE' && e.update.status.task_id.value === 'noack') seen.push(e.update.status);
    else if (e.type === 'OFFERS') pendingOffers.push(...(e.offers.offers ?? []));
    return seen.length >= 3;
  }, 10_000);
  assert.deepEqual(seen.map((s) => s.state), ['TASK_STARTING', 'TASK_STARTING', 'TASK_STARTING'], 'only STARTING, repeated');
  assert.equal(new Set(seen.map((s) => s.uuid)).size, 1, 'the same update (same uuid)');
  await client.call(Calls.acknowledge(seen[0]!));
  const next = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'noack' && e.update.status.state !== 'TASK_STARTING', 5000);
  assert.ok(next.type === 'UPDATE' && next.update.status.state === 'TASK_RUNNING');
  await client.call(Calls.acknowledge(next.update.status));
  const fin = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'noack' && e.update.status.state === 'TASK_FINISHED', 5000);
  if (fin.type === 'UPDATE') await client.call(Calls.acknowledge(fin.update.status));
});

test('removing an agent reports its tasks lost and sends FAILURE', async () => {
  const extra = await cluster.addAgent();
  let offer: Offer | undefined;
  await nextEvent(events, (e) => {
    if (e.type === 'OFFERS') {
      for (const o of e.offers.offers ?? []) if (o.agent_id.value === extra.id) offer = o;
        else pendingOffers.push(o);
    }
    return offer !== undefined;
  }, 5000);
  await client.call(Calls.accept([offer!.id], [Operations.launch([{ name: 'doomed', task_id: { value: 'doomed' }, agent_id: offer!.agent_id, resources: cpu, command: { value: 'sleep 60' } }])]));
  await nextEvent(events, (e) => {
    if (e.type === 'UPDATE' && e.update.status.uuid) void client.call(Calls.acknowledge(e.update.status));
    return e.type === 'UPDATE' && e.update.status.task_id.value === 'doomed' && e.update.status.state === 'TASK_RUNNING';
  }, 10_000);
  cluster.master.removeAgent(extra.id!);
  await extra.stop();
  const lost = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'doomed' && e.update.status.state === 'TASK_LOST', 5000);
  assert.ok(lost.type === 'UPDATE' && lost.update.status.reason === 'REASON_AGENT_REMOVED' && lost.update.status.source === 'SOURCE_MASTER');
  const failure = await nextEvent(events, isType('FAILURE'), 5000);
  assert.equal(failure.failure.agent_id?.value, extra.id);
  assert.equal(failure.failure.executor_id, undefined);
});
