import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import type { Offer } from '../../src/mesos/wire/framework.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';

let cluster: MiniCluster;

before(async () => {
  cluster = await new MiniCluster({ agents: 2, resources: 'cpus:2;mem:1024;disk:1000;ports:[31000-31010]', attributes: 'zone:a', master: { allocationIntervalMs: 100, chunkSplit: true }, agent: { statusUpdateRetryMs: 500 } }).start();
});
after(async () => {
  await cluster.stop();
});

const framework = (name: string) => ({ user: 'tester', name, failover_timeout: 0 });

test('subscribe, launch a command task that writes into its sandbox, see RUNNING then FINISHED, acknowledge, tear down', async () => {
  const client = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: framework('happy-path') }).start();
  const events = client.events();
  try {
    const sub = await nextEvent(events, isType('SUBSCRIBED'));
    assert.match(sub.subscribed.framework_id.value, new RegExp(`^${cluster.master.id}-\\d{4}$`));
    assert.equal(client.frameworkId, sub.subscribed.framework_id.value);
    const offers = await nextEvent(events, isType('OFFERS'));
    const offer: Offer = offers.offers.offers![0]!;
    assert.equal(offer.hostname, '127.0.0.1');
    assert.deepEqual(offer.attributes, [{ name: 'zone', type: 'TEXT', text: { value: 'a' } }]);
    const task = {
      name: 'writer',
      task_id: { value: 'writer-1' },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.5 } },
        { name: 'mem', type: 'SCALAR' as const, scalar: { value: 64 } },
      ],
      command: { value: 'echo "hello from $MESOS_EXECUTOR_ID" > out.txt; sleep 0.3' },
    };
    await client.call(Calls.accept([offer.id], [Operations.launch([task])]));
    const seen: string[] = [];
    const acked: string[] = [];
    for (;;) {
      const ev = await nextEvent(events, isType('UPDATE'));
      const s = ev.update.status;
      seen.push(s.state);
      assert.equal(s.source, 'SOURCE_EXECUTOR');
      assert.ok(s.uuid, 'agent updates carry a uuid');
      await client.call(Calls.acknowledge(s));
      acked.push(s.state);
      if (s.state === 'TASK_FINISHED') {
        assert.equal(s.message, 'Command exited with status 0');
        break;
      }
    }
    assert.deepEqual(seen, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    // The task ran in its sandbox: read the file through the agent's /files API and directly.
    const agent = cluster.agents.find((a) => a.id === offer.agent_id.value)!;
    const vpath = `/frameworks/${client.frameworkId}/executors/writer-1/runs/latest/out.txt`;
    const res = await fetch(`${agent.url}/files/read?path=${encodeURIComponent(vpath)}&offset=0`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: 'hello from writer-1\n', offset: 0 });
    const size = await (await fetch(`${agent.url}/files/read?path=${encodeURIComponent(vpath)}&offset=-1`)).json();
    assert.deepEqual(size, { data: '', offset: 20 });
    const dir = vpath.slice(0, vpath.lastIndexOf('/'));
    const listing = (await (await fetch(`${agent.url}/files/browse?path=${encodeURIComponent(dir)}`)).json()) as { path: string; size: number; mode: string; nlink: number; mtime: number }[];
    assert.deepEqual(listing.map((e) => e.path), ['out.txt', 'stderr', 'stdout'].map((n) => `${dir}/${n}`));
    assert.equal(listing[0]!.size, 20);
    assert.match(listing[0]!.mode, /^-rw/);
    assert.equal((await fetch(`${agent.url}/files/browse`)).status, 400);
    assert.equal((await fetch(`${agent.url}/files/browse?path=/etc`)).status, 404, 'nothing outside the work directory');
    assert.equal((await fetch(`${agent.url}/files/read?path=${encodeURIComponent(dir)}`)).status, 400, 'a directory cannot be read');
    type State = { frameworks: { id: string; completed_tasks: { id: string; state: string }[] }[] };
    await waitFor(() => (cluster.master.state() as State).frameworks.find((f) => f.id === client.frameworkId)!.completed_tasks.length === 1);
    const done = (cluster.master.state() as State).frameworks.find((f) => f.id === client.frameworkId)!;
    assert.equal(done.completed_tasks[0]!.state, 'TASK_FINISHED');
    await client.teardown();
    await waitFor(() => (cluster.master.state() as { completed_frameworks: { id: string }[] }).completed_frameworks.some((f) => f.id === done.id));
  } finally {
    await client.close();
  }
});
