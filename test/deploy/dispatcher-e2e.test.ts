/**
 * Cluster mode end to end: a `spark-mesos dispatcher` process registered with mini-Mesos, drivers submitted with
 * `spark-mesos submit --deploy-mode cluster` (or Spark's literal REST JSON) and run as Mesos tasks by the agents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { MiniCluster } from '../../src/index.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { startDispatcher } from '../helpers/dispatcher.js';
import { waitFor } from '../helpers/events.js';
import { runCli } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface StateTask { id: string; state: string; statuses: { state: string; timestamp: number }[] }
interface StateFramework { id: string; name: string; tasks: StateTask[]; completed_tasks: StateTask[] }
const frameworks = (c: MiniCluster) => {
  const s = c.master.state() as unknown as { frameworks: StateFramework[]; completed_frameworks: StateFramework[] };
  return { active: s.frameworks, completed: s.completed_frameworks };
};

const cli = runCli;

async function withCluster<T>(resources: string, fn: (c: MiniCluster) => Promise<T>): Promise<T> {
  const c = await new MiniCluster({ agents: 1, resources, master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 500 } }).start();
  try {
    return await fn(c);
  } finally {
    await c.stop();
  }
}

const recoveryDir = () => ['--conf', `spark.deploy.recoveryDirectory=${mkdtempSync(join(tmpdir(), 'dispatcher-state-'))}`];

test('cluster mode: the Pi example is submitted, runs as a Mesos task, and --status reports FINISHED', async () => {
  await withCluster('cpus:4;mem:8192', async (c) => {
    const d = await startDispatcher(c.masterUrl, recoveryDir());
    try {
      const sub = await cli(['submit', '--master', d.restUrl, '--deploy-mode', 'cluster', '--driver-memory', '256m', '--executor-memory', '256m', '--total-executor-cores', '2', 'examples/pi.ts', '4']);
      assert.equal(sub.code, 0, sub.err + sub.out);
      const created = JSON.parse(sub.out) as { success: boolean; submissionId: string };
      assert.ok(created.success);
      assert.match(created.submissionId, /^driver-[0-9]{14}-0001$/);
      let status: { driverState?: string; message?: string } = {};
      await waitFor(async () => {
        const r = await cli(['submit', '--master', d.restUrl, '--status', created.submissionId]);
        status = JSON.parse(r.out);
        return status.driverState === 'FINISHED';
      }, 60_000, 'the driver finished');
      assert.match(status.message ?? '', /State: TASK_FINISHED/);
      // It ran as the dispatcher framework's task, and the Pi job registered its own framework.
      const { active, completed } = frameworks(c);
      const dispatcher = active.find((f) => f.name === 'Spark Cluster')!;
      assert.deepEqual(dispatcher.completed_tasks.map((t) => [t.id, t.state]), [[created.submissionId, 'TASK_FINISHED']]);
      const pi = completed.find((f) => f.name === 'Spark Pi')!;
      assert.equal(pi.id, `${dispatcher.id}-${created.submissionId}`, 'the driver\'s framework id is <dispatcher>-<submission>');
      const [stdout] = await fg(`**/executors/${created.submissionId}/runs/latest/stdout`, { cwd: c.workDir, absolute: true, followSymbolicLinks: true });
      assert.match(readFileSync(stdout!, 'utf8'), /Pi is roughly 3\.1/);
    } finally {
      await d.stop();
    }
  });
});

test('supervise: a driver exiting non-zero is relaunched after 1 s, then 2 s, capped by spark.mesos.cluster.retry.wait.max', async () => {
  await withCluster('cpus:2;mem:4096', async (c) => {
    const d = await startDispatcher(c.masterUrl, [...recoveryDir(), '--conf', 'spark.mesos.cluster.retry.wait.max=2']);
    try {
      const sub = await cli(['submit', '--master', d.restUrl, '--deploy-mode', 'cluster', '--supervise', '--driver-memory', '64m', 'test/fixtures/exit-with.ts', '0', '3']);
      const id = (JSON.parse(sub.out) as { submissionId: string }).submissionId;
      const attempts = [id, `${id}-retry-1`, `${id}-retry-2`, `${id}-retry-3`];
      const tasks = () => {
        const fw = frameworks(c).active.find((f) => f.name === 'Spark Cluster')!;
        return new Map([...fw.tasks, ...fw.completed_tasks].map((t) => [t.id, t]));
      };
      await waitFor(() => (tasks().get(attempts[3]!)?.statuses.length ?? 0) > 0, 60_000, 'the third relaunch');
      const t = tasks();
      for (const a of attempts.slice(0, 3)) assert.equal(t.get(a)?.state, 'TASK_FAILED', `${a} failed`);
      // The wait between an attempt's failure and the next attempt's first status: 1 s, 2 s, then 2 s (the cap).
      const gaps = [0, 1, 2].map((i) => {
        const failedAt = t.get(attempts[i]!)!.statuses.find((s) => s.state === 'TASK_FAILED')!.timestamp;
        return t.get(attempts[i + 1]!)!.statuses[0]!.timestamp - failedAt;
      });
      for (const [i, want] of [1, 2, 2].entries()) {
        assert.ok(gaps[i]! >= want - 0.05 && gaps[i]! < want + 1.5, `retry ${i + 1} waited ${gaps[i]!.toFixed(2)} s, want ${want} s`);
      }
      const status = JSON.parse((await cli(['submit', '--master', d.restUrl, '--status', id])).out) as { driverState: string };
      assert.ok(['RUNNING', 'RETRYING'].includes(status.driverState), status.driverState);
      // Killing a supervised driver ends it for good.
      const kill = JSON.parse((await cli(['submit', '--master', d.restUrl, '--kill', id])).out) as { success: boolean; message: string };
      assert.ok(kill.success, kill.message);
      await waitFor(async () => {
        const s = JSON.parse((await cli(['submit', '--master', d.restUrl, '--status', id])).out) as { driverState: string };
        return s.driverState === 'FINISHED' || s.driverState === 'NOT_FOUND';
      }, 20_000, 'the killed driver is gone');
      const after = tasks().size;
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(tasks().size, after, 'no relaunch after the kill');
    } finally {
      await d.stop();
    }
  });
});

test('kill: a queued driver is removed, a running one killed; Spark\'s literal REST request is accepted; SIGTERM leaves the framework registered', async () => {
  await withCluster('cpus:2;mem:4096', async (c) => {
    const d = await startDispatcher(c.masterUrl, recoveryDir());
    const rest = new RestSubmissionClient(d.restUrl);
    type Reply = { success?: boolean; message?: string; submissionId?: string; driverState?: string };
    const client = {
      createSubmission: async (...a: Parameters<RestSubmissionClient['createSubmission']>) => (await rest.createSubmission(...a)) as Reply,
      requestSubmissionStatus: async (id: string) => (await rest.requestSubmissionStatus(id)) as Reply,
      killSubmission: async (id: string) => (await rest.killSubmission(id)) as Reply,
    };
    try {
      const literal = await fetch(`${d.restUrl.replace('mesos://', 'http://')}/v1/submissions/create`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', charset: 'utf-8' },
        body: JSON.stringify({
          action: 'CreateSubmissionRequest', appArgs: ['60000'], appResource: `file://${root}test/fixtures/exit-with.ts`, clientSparkVersion: '3.5.1',
          environmentVariables: { SPARK_USER: 'alice' }, mainClass: '',
          sparkProperties: { 'spark.app.name': 'sleeper', 'spark.driver.memory': '64m', 'spark.driver.supervise': 'false', 'spark.master': d.restUrl, 'spark.submit.deployMode': 'cluster' },
        }),
      });
      const running = (await literal.json()) as { action: string; success: boolean; submissionId: string };
      assert.equal(running.action, 'CreateSubmissionResponse');
      assert.ok(running.success);
      const queued = await client.createSubmission({ appResource: `file://${root}test/fixtures/exit-with.ts`, mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': 'too-big', 'spark.driver.cores': '64' }, environmentVariables: {} });
      await waitFor(async () => (await client.requestSubmissionStatus(running.submissionId)).driverState === 'RUNNING', 20_000, 'the sleeper runs');
      assert.equal((await client.requestSubmissionStatus(queued.submissionId!)).driverState, 'QUEUED');
      const k1 = await client.killSubmission(queued.submissionId!);
      assert.deepEqual([k1.success, k1.message], [true, "Removed driver while it's still pending"]);
      assert.equal((await client.requestSubmissionStatus(queued.submissionId!)).driverState, 'NOT_FOUND');
      const k2 = await client.killSubmission(running.submissionId);
      assert.deepEqual([k2.success, k2.message], [true, 'Killing running driver']);
      await waitFor(async () => (await client.requestSubmissionStatus(running.submissionId)).driverState === 'FINISHED', 20_000, 'killed');
      assert.match((await client.requestSubmissionStatus(running.submissionId)).message ?? '', /TASK_KILLED/);
      const k3 = await client.killSubmission(running.submissionId);
      assert.deepEqual([k3.success, k3.message], [false, 'Driver already terminated']);
      const k4 = await client.killSubmission('driver-20000101000000-9999');
      assert.equal(k4.success, false);
      assert.match(k4.message ?? '', /Cannot find driver/);
    } finally {
      assert.equal(await d.stop(), 0, 'SIGTERM stops the dispatcher cleanly');
    }
    const fw = frameworks(c).active.find((f) => f.name === 'Spark Cluster');
    assert.ok(fw, 'the framework stays registered for a failover (Spark stops with failover)');
  });
});

test('Spark\'s own client request (mainClass, supervise) runs to FINISHED; bad values get 400; a driver no agent fits says why it waits; the unauthenticated opt-out warns', async () => {
  await withCluster('cpus:4;mem:8192', async (c) => {
    const d = await startDispatcher(c.masterUrl, [...recoveryDir(), '--conf', 'spark.mesos.dispatcher.rest.allowUnauthenticated=true']);
    const base = `${d.restUrl.replace('mesos://', 'http://')}/v1/submissions`;
    const post = async (body: string) => {
      const r = await fetch(`${base}/create`, { method: 'POST', headers: { 'Content-Type': 'application/json', charset: 'utf-8' }, body });
      return { status: r.status, json: (await r.json()) as { action: string; success?: boolean; submissionId?: string; message?: string } };
    };
    const status = async (id: string) => (await (await fetch(`${base}/status/${id}`)).json()) as { driverState: string; message?: string };
    try {
      // Exactly as Spark's RestSubmissionClient writes it (spark-submit --class ... --supervise --deploy-mode cluster).
      const app = `file://${root}examples/pi.ts`;
      const spark = (props: string) => `{
  "action" : "CreateSubmissionRequest",
  "appArgs" : [ "4" ],
  "appResource" : "${app}",
  "clientSparkVersion" : "3.5.1",
  "environmentVariables" : {
    "SPARK_MESOS_LOG_LEVEL" : "info",
    "SPARK_SCALA_VERSION" : "2.12",
    "SPARK_USER" : "alice"
  },
  "mainClass" : "org.apache.spark.examples.SparkPi",
  "sparkProperties" : {
    "spark.app.name" : "org.apache.spark.examples.SparkPi",
    "spark.cores.max" : "2",
    ${props}
    "spark.executor.memory" : "256m",
    "spark.jars" : "${app}",
    "spark.master" : "${d.restUrl}",
    "spark.submit.deployMode" : "cluster"
  }
}`;
      for (const [props, re] of [
        ['"spark.driver.memory" : "lots",', /^Malformed request: spark\.driver\.memory should be .*but was 'lots'/],
        ['"spark.driver.memory" : "10000000000000000",', /^Malformed request: spark\.driver\.memory should be more than 0 and at most 1073741824 MiB \(1 PiB\)/],
        ['"spark.driver.cores" : "0",', /^Malformed request: spark\.driver\.cores should be more than 0 and at most 4096 cpus/],
      ] as const) {
        const bad = await post(spark(props));
        assert.equal(bad.status, 400, props);
        assert.equal(bad.json.action, 'ErrorResponse');
        assert.match(bad.json.message ?? '', re);
      }
      const tooBig = await post(spark('"spark.driver.cores" : "64", "spark.driver.supervise" : "false",'));
      assert.equal(tooBig.status, 200);
      const created = await post(spark('"spark.driver.memory" : "256m", "spark.driver.supervise" : "true",'));
      assert.equal(created.status, 200);
      assert.equal(created.json.success, true, created.json.message);
      const id = created.json.submissionId!;
      await waitFor(async () => (await status(id)).driverState === 'FINISHED', 90_000, 'the SparkPi submission finished');
      assert.match((await status(id)).message ?? '', /State: TASK_FINISHED/);
      const fw = frameworks(c).active.find((f) => f.name === 'Spark Cluster')!;
      assert.deepEqual([...fw.tasks, ...fw.completed_tasks].filter((t) => t.id.startsWith(id)).map((t) => [t.id, t.state]), [[id, 'TASK_FINISHED']], 'one attempt, no relaunch');
      const [stdout] = await fg(`**/executors/${id}/runs/latest/stdout`, { cwd: c.workDir, absolute: true, followSymbolicLinks: true });
      assert.match(readFileSync(stdout!, 'utf8'), /Pi is roughly 3\.1/);
      const stderr = readFileSync(stdout!.replace(/stdout$/, 'stderr'), 'utf8');
      assert.equal(stderr.split('\n').filter((l) => l.includes('--class org.apache.spark.examples.SparkPi')).length, 1, 'one log line about the ignored main class');

      // The driver no agent fits stays queued, and says why (REST status and UI).
      const waiting = /^waiting: needs 64 cpus \/ 1408 MiB; [0-9]+ offers? declined: [0-9]+ below 64 cpus; largest offer seen: [0-9.]+ cpus \/ [0-9.]+ MiB$/;
      const st = await status(tooBig.json.submissionId!);
      assert.equal(st.driverState, 'QUEUED');
      assert.match(st.message ?? '', waiting);
      const ui = await (await fetch(`${d.uiUrl}/`)).text();
      assert.match(ui, /waiting: needs 64 cpus \/ 1408 MiB; [0-9]+ offers? declined: [0-9]+ below 64 cpus; largest offer seen/);
      // Submissions are unauthenticated, as asked: the log and the UI say so.
      assert.match(ui, /id="warning"[^>]*>Warning: REST submissions to 127\.0\.0\.1 are unauthenticated/);
      assert.match(d.stderr(), /REST submissions to 127\.0\.0\.1 are unauthenticated/);
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher arguments: --master is required and must be mesos://', async () => {
  const none = await cli(['dispatcher', '--host', '127.0.0.1']);
  assert.equal(none.code, 1);
  assert.match(none.err, /--master/);
  const http = await cli(['dispatcher', '--host', '127.0.0.1', '--port', '0', '--webui-port', '0', '--master', 'http://127.0.0.1:5050']);
  assert.equal(http.code, 1);
  assert.match(http.err, /only supports mesos/);
  const zk = await cli(['dispatcher', '--host', '127.0.0.1', '--port', '0', '--webui-port', '0', '--master', 'mesos://127.0.0.1:1', '--conf', 'spark.deploy.recoveryMode=ZOOKEEPER']);
  assert.equal(zk.code, 1);
  assert.match(zk.err, /spark\.deploy\.zookeeper\.url/);
  // Beyond loopback without a token it refuses to start, before binding anything.
  const open = await cli(['dispatcher', '--host', '0.0.0.0', '--port', '0', '--webui-port', '0', '--master', 'mesos://127.0.0.1:1', '--conf', 'spark.deploy.recoveryMode=NONE']);
  assert.equal(open.code, 1);
  assert.match(open.err, /without authentication: set spark\.mesos\.dispatcher\.rest\.token/);
});
