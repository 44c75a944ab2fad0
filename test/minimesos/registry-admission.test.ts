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

test('a registering agent is told it is registered only once the registry holds it', async () => {
  const zk = await startZooKeeper();
  const m = new Master({ zk: `zk://${zk.connectString}/mesos-admission`, allocationIntervalMs: 50 });
  const links: http.ClientRequest[] = [];
  let frozen = false;
  try {
    await m.start();
    await waitFor(() => m.isLeader && !m.recovering, 10_000, 'leading, done recovering');
    process.kill(zk.pid, 'SIGSTOP');
    frozen = true;
    let registered: { agentId: string; req: http.ClientRequest } | undefined;
    const registering = registerRawAgent(m.url, agent('frozen-registry')).then((r) => {
      registered = r;
      links.push(r.req);
      return r;
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(registered, undefined, 'not told it is registered while the registry cannot be written');
    assert.equal((m.state().slaves as unknown[]).length, 0, 'not an agent yet');
    process.kill(zk.pid, 'SIGCONT');
    frozen = false;
    const { agentId } = await registering;
    const stored = await m.registrar.read();
    assert.ok(stored?.agents.some((a) => a.id === agentId && a.hostname === 'frozen-registry'), 'the registry held it when it was told');
    assert.equal((m.state().slaves as unknown[]).length, 1);

    // Held here already: its re-registration needs no write, and is answered with the registry still frozen.
    process.kill(zk.pid, 'SIGSTOP');
    frozen = true;
    const again = await Promise.race([
      registerRawAgent(m.url, { ...agent('frozen-registry'), id: agentId }),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000)),
    ]);
    assert.ok(again, 'a known agent re-registers without waiting for the registry');
    links.push(again.req);
    assert.equal(again.agentId, agentId);
  } finally {
    if (frozen) process.kill(zk.pid, 'SIGCONT');
    for (const l of links) l.destroy();
    await m.stop();
    await zk.stop();
  }
});
