/**
 * Cluster mode on `mini-cluster --hosts` (root, Linux): the dispatcher on a host of its own, a submission from
 * another host, the driver launched by the dispatcher on an agent host and run to FINISHED, with no --host and no
 * spark.driver.host anywhere (each process finds its host's address by the address rule). Also, on one host: the
 * dispatcher's default --host is that rule's answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { HostsCluster } from '../../src/minimesos/hosts/HostsCluster.js';
import { cliCommand } from '../../src/minimesos/AgentProcess.js';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { fetchJsonOn, hostsSkip, namespacesOf, removeStaleClusters } from '../helpers/hosts.js';
import { waitFor } from '../helpers/events.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const skip = hostsSkip();
if (!skip) removeStaleClusters();
const name = `t${process.pid}`;
const { command, args: cliArgs } = cliCommand();
const READY = /REST server at mesos:\/\/(\S+), web UI at (\S+),/;

/** Runs `spark-mesos dispatcher` (argv after it) until its ready line; `spawnIt` starts it where the test wants. */
function startDispatcher(spawnIt: (argv: string[]) => ReturnType<typeof spawn>, argv: string[]) {
  const p = spawnIt([command, ...cliArgs, 'dispatcher', ...argv]);
  let err = '';
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    p.stderr!.on('data', (c) => {
      err += c;
      const m = READY.exec(err);
      if (m) resolve(m);
    });
    p.once('exit', (code) => reject(new Error(`dispatcher exited (${code}): ${err}`)));
  });
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  return { ready, stderr: () => err, stop: async () => { if (p.exitCode === null) p.kill('SIGTERM'); await exited; } };
}

test('the dispatcher\'s default --host follows the address rule (SPARK_LOCAL_IP), not the bare host name', async () => {
  const c = await new MiniCluster({ agents: 0 }).start();
  const stateDir = mkdtempSync(join(tmpdir(), 'dispatcher-state-'));
  const d = startDispatcher((argv) => spawn(argv[0]!, argv.slice(1), { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SPARK_LOCAL_IP: '127.0.0.2', SPARK_LOCAL_HOSTNAME: '', SPARK_MESOS_LOG_LEVEL: 'warn' } }),
    ['--port', '0', '--webui-port', '0', '--master', c.masterUrl, '--conf', `spark.deploy.recoveryDirectory=${stateDir}`]);
  try {
    const m = await d.ready;
    assert.match(m[1]!, /^127\.0\.0\.2:[0-9]+$/, d.stderr());
    assert.match(m[2]!, /^http:\/\/127\.0\.0\.2:[0-9]+$/);
  } finally {
    await d.stop();
    await c.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('cluster mode: the dispatcher on its own host launches the driver on an agent host; it runs to FINISHED', { skip, timeout: 180_000 }, async () => {
  const cluster = new HostsCluster({ name, agents: 2, resources: 'cpus:2;mem:2048', extraHosts: ['dispatcher', 'client'] });
  const stateDir = mkdtempSync(join(tmpdir(), 'dispatcher-state-'));
  try {
    await cluster.start();
    const here = cluster.network.host('dispatcher').ip;
    // Beyond loopback the REST server wants a token; the submit client sends the same setting.
    const env = { SPARK_MESOS_LOG_LEVEL: 'warn', SPARK_MESOS_DISPATCHER_TOKEN: randomBytes(16).toString('hex') };
    const d = startDispatcher((argv) => cluster.exec('dispatcher', argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env }),
      ['--master', cluster.masterUrl, '--conf', `spark.deploy.recoveryDirectory=${stateDir}`]);
    try {
      const m = await d.ready;
      assert.equal(m[1], `${here}:7077`, 'the REST server binds and advertises its host\'s address');
      assert.equal(m[2], `http://${here}:8081`);
      const submit = (args: string[]) => cluster.run('client', [command, ...cliArgs, 'submit', '--master', `mesos://${m[1]}`, ...args], { cwd: root, env });
      const sub = await submit(['--deploy-mode', 'cluster', '--driver-memory', '256m', '--executor-memory', '256m', '--total-executor-cores', '2', 'examples/pi.ts', '4']);
      assert.equal(sub.code, 0, sub.err + sub.out);
      const id = (JSON.parse(sub.out) as { submissionId: string }).submissionId;
      let status: { driverState?: string; message?: string } = {};
      await waitFor(async () => {
        status = JSON.parse((await submit(['--status', id])).out);
        return status.driverState === 'FINISHED' || status.driverState === 'FAILED' || status.driverState === 'ERROR';
      }, 90_000, 'the driver finished');
      assert.equal(status.driverState, 'FINISHED', status.message);
      // The driver ran as the dispatcher framework's task on an agent host.
      const state = await fetchJsonOn<{ slaves: { id: string; hostname: string }[]; frameworks: { name: string; completed_tasks: { id: string; slave_id: string; state: string }[] }[] }>(cluster, 'client', `http://${cluster.masterAddress}/master/state`);
      const task = state.frameworks.find((f) => f.name === 'Spark Cluster')!.completed_tasks.find((t) => t.id === id)!;
      assert.equal(task.state, 'TASK_FINISHED');
      assert.match(state.slaves.find((s) => s.id === task.slave_id)!.hostname, /^agent[12]$/);
      const [stdout] = await fg(`**/executors/${id}/runs/latest/stdout`, { cwd: cluster.workDir, absolute: true, followSymbolicLinks: true });
      assert.match(readFileSync(stdout!, 'utf8'), /Pi is roughly 3\.1/);
    } finally {
      await d.stop();
    }
  } finally {
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  assert.deepEqual(namespacesOf(name), []);
});
