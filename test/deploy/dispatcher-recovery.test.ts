/**
 * Recovery: 200 submissions flow through the REST API while the dispatcher is SIGKILLed and restarted; every
 * acknowledged submission is there afterwards, once, in a state consistent with what Mesos ran. Once with the
 * FILESYSTEM store and once with a real ZooKeeper server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiniCluster } from '../../src/index.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { startDispatcher, type DispatcherProcess } from '../helpers/dispatcher.js';
import { startZooKeeper } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOTAL = 200;
const KILL_AT = 100;
const IN_FLIGHT = 8;

interface Brief { submissionId: string; taskState?: string | null }
interface Status { ready: boolean; queued: Brief[]; launched: Brief[]; retrying: Brief[]; finished: Brief[] }
type Reply = { success?: boolean; submissionId?: string; driverState?: string };

function masterTasks(c: MiniCluster): Map<string, string> {
  const s = c.master.state() as unknown as { frameworks: { name: string; tasks: { id: string; state: string }[]; completed_tasks: { id: string; state: string }[] }[] };
  const fw = s.frameworks.find((f) => f.name === 'Spark Cluster');
  return new Map([...(fw?.tasks ?? []), ...(fw?.completed_tasks ?? [])].map((t) => [t.id, t.state]));
}

async function recoveryRun(storeArgs: string[]): Promise<void> {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:4096', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 500 } }).start();
  const args = [...storeArgs, '--conf', 'spark.mesos.maxDrivers=1000'];
  let d: DispatcherProcess | undefined = await startDispatcher(c.masterUrl, args);
  try {
    let client = new RestSubmissionClient(d.restUrl);
    let restarted: Promise<void> | undefined;
    const acked = new Set<string>();
    let attempted = 0;
    const request = (n: number) => ({
      appResource: `file://${root}test/fixtures/exit-with.ts`, mainClass: '', appArgs: ['200', '0'],
      sparkProperties: { 'spark.app.name': `flow-${n}`, 'spark.driver.memory': '64m' }, environmentVariables: {},
    });
    const worker = async () => {
      while (acked.size < TOTAL) {
        const n = attempted++;
        try {
          const r = (await client.createSubmission(request(n))) as Reply;
          if (r.success && r.submissionId) acked.add(r.submissionId);
        } catch {
          // The dispatcher is gone: this submission was not acknowledged. Wait for the restart.
          await (restarted ?? new Promise((r) => setTimeout(r, 50)));
        }
        if (acked.size >= KILL_AT && !restarted) {
          restarted = (async () => {
            await d!.kill();
            d = await startDispatcher(c.masterUrl, args);
            client = new RestSubmissionClient(d.restUrl);
          })();
        }
      }
    };
    const frameworkOf = (p: DispatcherProcess) => /framework (\S+)/.exec(p.stderr())?.[1];
    const firstFramework = frameworkOf(d);
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    assert.ok(restarted, 'the dispatcher was killed mid-flow');
    await restarted;
    assert.ok(firstFramework);
    assert.equal(frameworkOf(d), firstFramework, 'the restarted dispatcher failed over to its stored framework id');
    const statusUrl = `${d.uiUrl}/api/status`;
    // Launched drivers are reconciled with the master after the restart.
    await waitFor(async () => ((await (await fetch(statusUrl)).json()) as Status).ready, 10_000, 'ready');
    await new Promise((r) => setTimeout(r, 1000));
    const before = masterTasks(c);
    const st = (await (await fetch(statusUrl)).json()) as Status;
    const after = masterTasks(c);
    const lists: [string, Brief[]][] = [['QUEUED', st.queued], ['RUNNING', st.launched], ['RETRYING', st.retrying], ['FINISHED', st.finished]];
    const where = new Map<string, string>();
    for (const [state, list] of lists) {
      for (const b of list) {
        assert.ok(!where.has(b.submissionId), `${b.submissionId} appears once (also ${where.get(b.submissionId)} and ${state})`);
        where.set(b.submissionId, state);
      }
    }
    for (const id of acked) assert.ok(where.has(id), `acknowledged ${id} survived the restart`);
    const extra = [...where.keys()].filter((id) => !acked.has(id));
    assert.ok(extra.length <= IN_FLIGHT, `at most the requests in flight at the kill were stored without an answer (${extra.length})`);
    assert.equal(st.retrying.length, 0);
    for (const [id, state] of where) {
      // What Mesos ran agrees with the dispatcher: a task Mesos knew of is never still queued; a finished driver's task ended.
      if (before.has(id)) assert.notEqual(state, 'QUEUED', `${id} has a Mesos task but is queued`);
      if (state === 'FINISHED') assert.equal(after.get(id), 'TASK_FINISHED', `${id} finished in the dispatcher and in Mesos`);
    }
    assert.ok(st.finished.length > 0 && st.queued.length > 0, `a mix of states: ${st.finished.length} finished, ${st.launched.length} launched, ${st.queued.length} queued`);
    // The REST status agrees with the lists.
    const rest = new RestSubmissionClient(d.restUrl);
    for (const id of [...acked].slice(0, 40)) {
      const r = (await rest.requestSubmissionStatus(id)) as Reply;
      const now = (((await (await fetch(statusUrl)).json()) as Status).finished.some((b) => b.submissionId === id) ? 'FINISHED' : undefined);
      assert.ok(r.driverState === where.get(id) || r.driverState === now || (where.get(id) === 'QUEUED' && r.driverState === 'RUNNING') || (where.get(id) === 'RUNNING' && r.driverState === 'FINISHED'), `${id}: ${r.driverState} vs ${where.get(id)}`);
    }
  } finally {
    await d?.stop();
    await c.stop();
  }
}

test('FILESYSTEM recovery: 200 submissions, the dispatcher SIGKILLed mid-flow and restarted, nothing lost or duplicated', async () => {
  await recoveryRun(['--conf', `spark.deploy.recoveryDirectory=${mkdtempSync(join(tmpdir(), 'dispatcher-recovery-'))}`]);
});

test('ZOOKEEPER recovery (real ZooKeeper): 200 submissions, the dispatcher SIGKILLed mid-flow and restarted, nothing lost or duplicated', async () => {
  const zk = await startZooKeeper();
  try {
    // The restarted dispatcher stands by until the killed one's ZooKeeper session expires (leader election): a
    // short session keeps that wait short.
    await recoveryRun(['--zk', zk.connectString, '--conf', 'spark.deploy.zookeeper.dir=/spark_mesos_dispatcher_test', '--conf', 'spark.deploy.zookeeper.sessionTimeout=4s']);
  } finally {
    await zk.stop();
  }
});
