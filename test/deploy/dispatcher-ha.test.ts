/**
 * Dispatcher high availability (real ZooKeeper, real dispatcher processes, mini-Mesos): two dispatchers on one
 * store, one leads; the standby answers REST with 503 naming the leader and its UI says it is a standby. The leader
 * is SIGKILLed while 200 submissions flow: the standby takes over within the ZooKeeper session timeout plus a few
 * seconds, under the same Mesos framework id, and every acknowledged submission is there exactly once, none
 * launched twice (each driver process appends its submission's tag to a file when it starts, since mini-Mesos keys
 * running tasks by id and a second launch under the same id would replace the first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const IN_FLIGHT = 16;
const SESSION_S = 4;

interface Brief { submissionId: string }
interface Status { ready: boolean; role?: string; leader?: { rest: string; ui: string } | null; frameworkId: string | null; queued: Brief[]; launched: Brief[]; retrying: Brief[]; finished: Brief[] }
type Reply = { success?: boolean; submissionId?: string; message?: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const status = async (d: DispatcherProcess) => (await (await fetch(`${d.uiUrl}/api/status`)).json()) as Status;
const frameworkOf = (d: DispatcherProcess) => /framework (\S+)/.exec(d.stderr())?.[1];

/** How many times Mesos ran each task of the dispatcher's framework, and how many such frameworks it knows. */
function masterTasks(c: MiniCluster): { frameworks: number; launches: Map<string, number> } {
  const s = c.master.state() as unknown as { frameworks: { name: string; tasks: { id: string }[]; completed_tasks: { id: string }[] }[] };
  const fws = s.frameworks.filter((f) => f.name === 'Spark Cluster');
  const launches = new Map<string, number>();
  for (const t of fws.flatMap((f) => [...f.tasks, ...f.completed_tasks])) launches.set(t.id, (launches.get(t.id) ?? 0) + 1);
  return { frameworks: fws.length, launches };
}

test('HA: the standby answers 503 naming the leader, takes over after the leader is SIGKILLed mid-flow, with nothing lost or launched twice', async (t) => {
  const zk = await startZooKeeper();
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:4096', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 500 } }).start();
  const args = ['--zk', zk.connectString, '--conf', 'spark.deploy.zookeeper.dir=/dispatcher_ha', '--conf', `spark.deploy.zookeeper.sessionTimeout=${SESSION_S}s`, '--conf', 'spark.mesos.maxDrivers=1000'];
  const procs: DispatcherProcess[] = [];
  const launchDir = mkdtempSync(join(tmpdir(), 'dispatcher-ha-'));
  const launchLog = join(launchDir, 'launches');
  const starts = (): Map<string, number> => {
    const m = new Map<string, number>();
    for (const tag of readFileSync(launchLog, { encoding: 'utf8', flag: 'a+' }).split('\n').filter(Boolean)) m.set(tag, (m.get(tag) ?? 0) + 1);
    return m;
  };
  try {
    const a = await startDispatcher(c.masterUrl, args);
    procs.push(a);
    const b = await startDispatcher(c.masterUrl, args);
    procs.push(b);
    const firstFramework = frameworkOf(a);
    assert.ok(firstFramework, a.stderr());
    assert.match(b.stderr(), new RegExp(`standby \\(leader: ${a.restUrl.replace(/[.]/g, '\\.')}\\)`));

    // The standby: REST 503 with the leader's URL, nothing stored; its UI says standby and links to the leader.
    const request = (n: number) => ({
      appResource: `file://${root}test/fixtures/exit-with.ts`, mainClass: '', appArgs: ['200', '0'],
      sparkProperties: { 'spark.app.name': `ha-${n}`, 'spark.driver.memory': '64m' }, environmentVariables: { LAUNCH_LOG: launchLog, LAUNCH_TAG: `ha-${n}` },
    });
    const res = await fetch(`${b.restUrl.replace('mesos://', 'http://')}/v1/submissions/create`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', ...request(-1) }),
    });
    assert.equal(res.status, 503);
    const body = (await res.json()) as { action: string; message: string; leaderUrl: string };
    assert.equal(body.action, 'ErrorResponse');
    assert.equal(body.leaderUrl, a.restUrl);
    assert.match(body.message, /standby; the leading dispatcher takes submissions at mesos:\/\//);
    const sb = await status(b);
    assert.deepEqual([sb.role, sb.ready, sb.leader], ['standby', false, { rest: a.restUrl, ui: a.uiUrl }]);
    const page = await (await fetch(b.uiUrl)).text();
    assert.match(page, /id="standby"[^>]*>Standby: This dispatcher is a standby/);
    assert.ok(page.includes(`href="${a.uiUrl}"`), 'the standby page links to the leader');
    assert.equal((await status(a)).role, 'leader');

    // 200 submissions in flight; the leader is SIGKILLed halfway; clients then go to the standby.
    let target = new RestSubmissionClient(a.restUrl);
    const acked = new Set<string>();
    let attempted = 0;
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    let refusedByStandby = 0;
    const worker = async () => {
      while (acked.size < TOTAL) {
        const n = attempted++;
        try {
          const r = (await target.createSubmission(request(n))) as Reply;
          if (r.success && r.submissionId) acked.add(r.submissionId);
          else {
            if (/HTTP 503: .*standby/.test(r.message ?? '')) refusedByStandby++;
            await sleep(50);
          }
        } catch {
          await (killing ?? sleep(50));
        }
        if (acked.size >= KILL_AT && !killing) {
          killing = (async () => {
            killedAt = Date.now();
            await a.kill();
            target = new RestSubmissionClient(b.restUrl);
          })();
        }
      }
    };
    const ready = (async () => {
      await waitFor(() => killedAt > 0, 60_000, 'the kill');
      await waitFor(async () => (await status(b)).ready, (SESSION_S + 15) * 1000, 'the standby to take over');
      return Date.now() - killedAt;
    })();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const takeoverMs = await ready;
    t.diagnostic(`takeover ${takeoverMs} ms after the SIGKILL; ${refusedByStandby} submissions refused by the standby meanwhile`);
    assert.ok(takeoverMs <= (SESSION_S + 5) * 1000, `the standby took over ${takeoverMs} ms after the kill (session timeout ${SESSION_S} s)`);
    assert.ok(refusedByStandby > 0, 'the standby refused submissions until it led');
    await waitFor(() => /now leading, framework/.test(b.stderr()), 5000, 'the takeover line');
    assert.equal(frameworkOf(b), firstFramework, 'the new leader failed over to the stored framework id');

    // Reconciled, and a moment for launches and updates in flight to land.
    await sleep(1500);
    const st = await status(b);
    assert.equal(st.frameworkId, firstFramework);
    const where = new Map<string, string>();
    for (const [state, list] of [['QUEUED', st.queued], ['RUNNING', st.launched], ['RETRYING', st.retrying], ['FINISHED', st.finished]] as const) {
      for (const x of list) {
        assert.ok(!where.has(x.submissionId), `${x.submissionId} appears once (${where.get(x.submissionId)} and ${state})`);
        where.set(x.submissionId, state);
      }
    }
    for (const id of acked) assert.ok(where.has(id), `acknowledged ${id} survived the takeover`);
    const extra = [...where.keys()].filter((id) => !acked.has(id));
    assert.ok(extra.length <= IN_FLIGHT, `at most the requests in flight at the kill were stored without an answer (${extra.length})`);
    const mesos = masterTasks(c);
    assert.equal(mesos.frameworks, 1, 'one dispatcher framework in Mesos');
    // Counted from the driver processes themselves: each submission's driver started once.
    await waitFor(() => [...starts().values()].reduce((a, b) => a + b, 0) >= mesos.launches.size, 30_000, 'every launched driver to start');
    for (const [tag, n] of starts()) assert.equal(n, 1, `the driver of ${tag} started ${n} times`);
    for (const [task, n] of mesos.launches) {
      assert.equal(n, 1, `${task} launched once`);
      assert.ok(where.has(task), `Mesos task ${task} is a driver the dispatcher knows`);
    }
    assert.ok(mesos.launches.size > 0 && st.queued.length > 0, `drivers launched by both leaders (${mesos.launches.size}) and still queued (${st.queued.length})`);

    // The killed dispatcher, restarted, stands by behind the new leader.
    const a2 = await startDispatcher(c.masterUrl, args);
    procs.push(a2);
    assert.match(a2.stderr(), new RegExp(`standby \\(leader: ${b.restUrl.replace(/[.]/g, '\\.')}\\)`));
  } finally {
    for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) await p.stop();
    await c.stop();
    await zk.stop();
    rmSync(launchDir, { recursive: true, force: true });
  }
});
