/**
 * Cgroups an agent run leaves when it crashes: a restarted agent removes the roots of runs that are gone once no
 * process is left in them, and removes a re-attached container's cgroups when it stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { Agent } from '../../src/minimesos/Agent.js';
import { CGROUP_PREFIX, detectCgroups } from '../../src/minimesos/agent/CgroupsIsolator.js';
import { rootOwner, staleRootNames } from '../../src/minimesos/agent/staleCgroups.js';
import { SchedulerClient } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';
import { alive } from '../helpers/process.js';

const support = detectCgroups();
const skip = support.available ? false : `cgroups v1 unavailable here: ${support.reason}`;

test('rootOwner / staleRootNames: only agent-run roots (minimesos-<pid>-<8 hex>) of pids that no longer run', () => {
  const cases: [string, number | undefined][] = [
    ['minimesos-123-0badc0de', 123],
    ['minimesos-123-0BADC0DE', undefined],
    ['minimesos-0badc0de', undefined],
    ['minimesos-123-0badc0de-x', undefined],
    ['user.slice', undefined],
  ];
  for (const [name, want] of cases) assert.equal(rootOwner(name), want, name);
  const runs = (pid: number) => pid === 1;
  assert.deepEqual(staleRootNames(['minimesos-1-aaaaaaaa', 'minimesos-2-bbbbbbbb', 'minimesos-cccccccc', 'other'], runs), ['minimesos-2-bbbbbbbb']);
});

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const p = spawn('true');
  await new Promise((r) => p.once('exit', r));
  return p.pid!;
}

test('a starting agent removes the cgroup roots of agent runs that are gone, unless processes are left in them', { skip }, async () => {
  if (!support.available) return;
  const gone = await deadPid();
  const empty = `${CGROUP_PREFIX}${gone}-0badc0de`;
  const busy = `${CGROUP_PREFIX}${gone}-0badc0df`;
  const mine = `${CGROUP_PREFIX}${process.pid}-0badc0e0`;
  const made: string[] = [];
  for (const base of [support.memory, support.cpu]) {
    for (const d of [join(base, empty, 'c1'), join(base, busy, 'c2'), join(base, mine)]) {
      mkdirSync(d, { recursive: true });
      made.push(d);
    }
  }
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  writeFileSync(join(support.memory, busy, 'c2', 'cgroup.procs'), String(sleeper.pid));
  const c = await new MiniCluster({ agents: 0 }).start();
  const workDir = mkdtempSync(join(tmpdir(), 'stale-cgroups-'));
  const agent = new Agent({ master: c.master, resources: [], workDir });
  try {
    await agent.start();
    for (const base of [support.memory, support.cpu]) {
      assert.ok(!existsSync(join(base, empty)), `${empty} removed under ${base}`);
      assert.ok(existsSync(join(base, mine)), 'a root of a running process is kept');
    }
    assert.ok(existsSync(join(support.memory, busy, 'c2')), 'a root with a process left in it is kept');
    assert.ok(alive(sleeper.pid!), 'and its process is not killed');
  } finally {
    await agent.stop();
    await c.stop();
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
    for (const d of made.reverse()) {
      for (const x of [d, join(d, '..')]) {
        try {
          if (existsSync(x) && x !== support.memory && x !== support.cpu) rmdirSync(x);
        } catch {
          /* not empty yet */
        }
      }
    }
    rmSync(workDir, { recursive: true, force: true });
  }
});

test('a re-attached container\'s cgroups and its old run\'s root are removed when the restarted agent stops', { skip, timeout: 120_000 }, async () => {
  if (!support.available) return;
  const c = await new MiniCluster({
    agents: 1, agentProcesses: true, resources: 'cpus:2;mem:1024', agentArgs: ['--isolation', 'cgroups/cpu,cgroups/mem'],
    master: { allocationIntervalMs: 50, agentPingTimeoutMs: 1000, maxAgentPingTimeouts: 30 },
  }).start();
  const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'stale', checkpoint: true } }).start();
  const events = client.events();
  const agent = c.agentProcesses[0]!;
  const firstPid = agent.pid!;
  const rootsOf = (pid: number) => [support.memory, support.cpu].flatMap((b) => readdirSync(b).filter((n) => n.startsWith(`${CGROUP_PREFIX}${pid}-`)).map((n) => join(b, n)));
  let executorPid = 0;
  try {
    const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
    const res = [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.5 } }, { name: 'mem', type: 'SCALAR' as const, scalar: { value: 32 } }];
    await client.call(Calls.accept([offer.id], [Operations.launch([{ name: 'w', task_id: { value: 'w' }, agent_id: offer.agent_id, resources: res, command: { value: 'sleep 120' } }])]));
    // Each update is acknowledged (the next one waits for it).
    await nextEvent(events, (e) => {
      if (e.type !== 'UPDATE') return false;
      void client.call(Calls.acknowledge(e.update.status)).catch(() => undefined);
      if (e.update.status.state !== 'TASK_RUNNING') return false;
      executorPid = e.update.status.container_status!.executor_pid!;
      return true;
    }, 30_000);
    const oldRoots = rootsOf(firstPid);
    assert.equal(oldRoots.length, 2, 'the first run made a memory and a cpu root');
    await agent.kill();
    await agent.start();
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(alive(executorPid), 'the checkpointed task still runs');
    assert.ok(oldRoots.every((d) => existsSync(d)), 'the old root is kept while its re-attached container runs');
    await client.teardown().catch(() => undefined);
    await c.stop();
    await waitFor(() => oldRoots.every((d) => !existsSync(d)), 10_000, 'the old run\'s cgroup roots removed');
    assert.ok(!alive(executorPid));
  } finally {
    await client.teardown().catch(() => undefined);
    await c.stop();
    if (executorPid && alive(executorPid)) process.kill(-executorPid, 'SIGKILL');
  }
});
