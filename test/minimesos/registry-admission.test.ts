/**
 * As in Mesos, the registry holds a new agent before the master adds it or tells it it is registered: with the
 * registry's store (ZooKeeper) frozen, a registering agent waits, gets no offers made from it, and is told only once
 * the registry holds it. An agent the master already holds re-registers without a write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { Master } from '../../src/minimesos/Master.js';
import type { Registration } from '../../src/minimesos/agentProtocol.js';
import { waitFor } from '../helpers/events.js';
import { registerRawAgent } from '../helpers/rawAgent.js';
import { startZooKeeper } from '../helpers/zookeeper.js';

const agent = (hostname: string): Registration => ({ hostname, port: 1, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], attributes: [] });

interface Leader {
  m: Master;
  /** Agent links to drop at the end. */
  links: http.ClientRequest[];
  /** Stops ZooKeeper (SIGSTOP): the registry cannot be written until `thaw`. */
  freeze(): void;
  thaw(): void;
}

/** Runs `body` with a master leading through a ZooKeeper of its own at `path`; everything stops after it. */
async function withLeader(path: string, body: (l: Leader) => Promise<void>): Promise<void> {
  const zk = await startZooKeeper();
  const m = new Master({ zk: `zk://${zk.connectString}/${path}`, allocationIntervalMs: 50 });
  let frozen = false;
  const l: Leader = {
    m,
    links: [],
    freeze: () => {
      process.kill(zk.pid, 'SIGSTOP');
      frozen = true;
    },
    thaw: () => {
      process.kill(zk.pid, 'SIGCONT');
      frozen = false;
    },
  };
  try {
    await m.start();
    await waitFor(() => m.isLeader && !m.recovering, 10_000, 'leading, done recovering');
    await body(l);
  } finally {
    if (frozen) l.thaw();
    for (const link of l.links) link.destroy();
    await m.stop();
    await zk.stop();
  }
}

test('a registering agent is told it is registered only once the registry holds it', async () => {
  await withLeader('mesos-admission', async ({ m, links, freeze, thaw }) => {
    freeze();
    let registered: { agentId: string; req: http.ClientRequest } | undefined;
    const registering = registerRawAgent(m.url, agent('frozen-registry')).then((r) => {
      registered = r;
      links.push(r.req);
      return r;
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(registered, undefined, 'not told it is registered while the registry cannot be written');
    assert.equal((m.state().slaves as unknown[]).length, 0, 'not an agent yet');
    thaw();
    const { agentId } = await registering;
    const stored = await m.registrar.read();
    assert.ok(stored?.agents.some((a) => a.id === agentId && a.hostname === 'frozen-registry'), 'the registry held it when it was told');
    assert.equal((m.state().slaves as unknown[]).length, 1);

    // Held here already: its re-registration needs no write, and is answered with the registry still frozen.
    freeze();
    const again = await Promise.race([
      registerRawAgent(m.url, { ...agent('frozen-registry'), id: agentId }),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000)),
    ]);
    assert.ok(again, 'a known agent re-registers without waiting for the registry');
    links.push(again.req);
    assert.equal(again.agentId, agentId);
  });
});

test('an agent whose machine is taken down while the registry admits it is refused, not left waiting', async () => {
  await withLeader('mesos-admission-down', async ({ m, freeze, thaw }) => {
    freeze();
    const registering = registerRawAgent(m.url, agent('going-down')).then(
      (r) => {
        r.req.destroy();
        return 'registered';
      },
      (err: Error) => err.message,
    );
    await new Promise((r) => setTimeout(r, 300));
    // The maintenance endpoints write nothing to ZooKeeper: the machine goes down while the admission waits.
    const machine = '{"hostname":"going-down","ip":"going-down"}';
    const post = (path: string, body: string) => fetch(`${m.url}${path}`, { method: 'POST', body }).then((r) => r.status);
    assert.equal(await post('/maintenance/schedule', `{"windows":[{"machine_ids":[${machine}],"unavailability":{"start":{"nanoseconds":1}}}]}`), 200);
    assert.equal(await post('/machine/down', `[${machine}]`), 200);
    thaw();
    const outcome = await Promise.race([registering, new Promise<string>((r) => setTimeout(() => r('no answer'), 10_000))]);
    assert.equal(outcome, 'registration refused: 403');
    assert.equal((m.state().slaves as unknown[]).length, 0);
  });
});

test('two agents admitted at once: each is in the registry when it is told, whatever the other wrote', async () => {
  await withLeader('mesos-admission-two', async ({ m, links, freeze, thaw }) => {
    freeze();
    // Each reads the registry as soon as it is told: the writes of the other's admission and registration, queued
    // meanwhile, must not have dropped it.
    const told = ['first', 'second'].map((name) => registerRawAgent(m.url, agent(name)).then(async (r) => {
      links.push(r.req);
      return { name, id: r.agentId, stored: await m.registrar.read() };
    }));
    await new Promise((r) => setTimeout(r, 500));
    thaw();
    for (const { name, id, stored } of await Promise.all(told)) {
      assert.ok(stored?.agents.some((a) => a.id === id), `${name} in the registry when told: ${JSON.stringify(stored?.agents)}`);
    }
    await waitFor(async () => (await m.registrar.read())?.agents.length === 2, 5000, 'both in the registry');
  });
});
