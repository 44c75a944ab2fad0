/** The dispatcher's decisions as pure functions: ids, back-off, queue order, offer matching, the driver task. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { SparkConf } from '../../src/index.js';
import { describeDriver, type MesosDriverDescription } from '../../src/deploy/mesos/MesosDriverDescription.js';
import { submissionId, submissionOfTask, driverTaskId } from '../../src/deploy/mesos/submissionId.js';
import { nextRetryState, shouldRelaunch } from '../../src/deploy/mesos/retry.js';
import type { RetryState } from '../../src/deploy/mesos/MesosDriverDescription.js';
import { shellEscape } from '../../src/deploy/mesos/shellEscape.js';
import { compareQueued, driverTaskMemory, planDriverLaunches } from '../../src/deploy/mesos/driverOffers.js';
import { buildDriverCommandLine, buildDriverTaskInfo, SECRET_CONF_ENV, type DriverTaskContext } from '../../src/deploy/mesos/driverTask.js';
import type { Offer } from '../../src/mesos/wire/framework.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';

function driver(props: Record<string, string> = {}, extra: Partial<MesosDriverDescription> = {}): MesosDriverDescription {
  return {
    ...describeDriver({ action: 'CreateSubmissionRequest', appResource: 'file:///apps/job.ts', mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': 'job', ...props }, environmentVariables: {}, clientSparkVersion: '3.5.1' }, 'driver-20261201000000-0001', 1000, 0),
    ...extra,
  };
}

test('submission ids: Spark\'s format, a counter of at least four digits; task ids of retries', () => {
  assert.equal(submissionId(new Date(2026, 11, 1, 9, 5, 7), 1), 'driver-20261201090507-0001');
  assert.equal(submissionId(new Date(2026, 0, 2, 23, 59, 59), 12345), 'driver-20260102235959-12345');
  assert.equal(driverTaskId('driver-1-0001', undefined), 'driver-1-0001');
  assert.equal(driverTaskId('driver-1-0001', 3), 'driver-1-0001-retry-3');
  assert.equal(submissionOfTask('driver-1-0001-retry-3'), 'driver-1-0001');
  assert.equal(submissionOfTask('driver-1-0001'), 'driver-1-0001');
});

test('supervise back-off: 1 s, doubling, capped by spark.mesos.cluster.retry.wait.max; only failures and losses relaunch', () => {
  const failed = { task_id: { value: 't' }, state: 'TASK_FAILED' } as TaskStatus;
  let st: RetryState | undefined;
  const waits: number[] = [];
  for (let i = 0; i < 9; i++) {
    st = nextRetryState(st, failed, 10_000, 60);
    waits.push(st.waitTimeSeconds);
    assert.equal(st.retries, i + 1);
    assert.equal(st.nextRetry, 10_000 + st.waitTimeSeconds * 1000);
  }
  assert.deepEqual(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
  assert.deepEqual([1, 2, 3, 4].map(() => (st = nextRetryState(st, failed, 0, 5)).waitTimeSeconds), [5, 5, 5, 5]);
  const table: [boolean, TaskStatus['state'], boolean][] = [
    [true, 'TASK_FAILED', true], [true, 'TASK_LOST', true], [true, 'TASK_KILLED', false], [true, 'TASK_ERROR', false],
    [true, 'TASK_FINISHED', false], [true, 'TASK_DROPPED', false], [false, 'TASK_FAILED', false], [false, 'TASK_LOST', false],
  ];
  for (const [supervise, state, want] of table) assert.equal(shouldRelaunch(supervise, state), want, `${supervise} ${state}`);
});

test('shell escaping: what reaches sh -c is exactly the value, whatever it holds', () => {
  const values = ['plain', 'a b', "it's", '$(touch /tmp/x)', '"$(id)"', "'quoted'", 'x;y|z&', '', '--a=$2', 'back\\slash', 'k=v,w:1/2.3'];
  for (const v of values) {
    const r = spawnSync('sh', ['-c', `printf %s ${shellEscape(v)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, v, `round trip of ${JSON.stringify(v)}`);
  }
  assert.equal(shellEscape('spark.executor.memory=1g'), 'spark.executor.memory=1g', 'safe tokens stay readable');
});

test('driver description from a REST request; task memory adds the overhead once', () => {
  const d = driver({ 'spark.driver.memory': '2g', 'spark.driver.cores': '1.5', 'spark.driver.supervise': 'true' });
  assert.deepEqual([d.name, d.mem, d.cores, d.supervise, d.jarUrl], ['job', 2048, 1.5, true, 'file:///apps/job.ts']);
  // Spark's examples for the task memory: 1000 → 1384; 10000 → 11000; overhead 0 → mem.
  assert.equal(driverTaskMemory(driver({ 'spark.driver.memory': '1000m' })), 1384);
  assert.equal(driverTaskMemory(driver({ 'spark.driver.memory': '10000m' })), 11000);
  assert.equal(driverTaskMemory(driver({ 'spark.driver.memory': '1000m', 'spark.mesos.driver.memoryOverhead': '0' })), 1000);
  assert.throws(() => driver({ 'spark.driver.memory': 'lots' }), /spark\.driver\.memory/);
});

const offer = (id: string, cpus: number, mem: number, attrs: Record<string, string> = {}, role = '*'): Offer => ({
  id: { value: id }, framework_id: { value: 'F' }, agent_id: { value: `A-${id}` }, hostname: `h-${id}`,
  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: cpus }, role }, { name: 'mem', type: 'SCALAR', scalar: { value: mem }, role }],
  attributes: Object.entries(attrs).map(([name, value]) => ({ name, type: 'TEXT' as const, text: { value } })),
});

test('offers: each driver takes the first offer that fits, several may share one, constraints hold', () => {
  const small = driver({ 'spark.driver.memory': '1000m' }, { submissionId: 'd1' });
  const big = driver({ 'spark.driver.cores': '3', 'spark.driver.memory': '1000m' }, { submissionId: 'd2' });
  const zoned = driver({ 'spark.driver.memory': '1000m', 'spark.mesos.driver.constraints': 'zone:b' }, { submissionId: 'd3' });
  const tooBig = driver({ 'spark.driver.cores': '16' }, { submissionId: 'd4' });
  const bad = driver({ 'spark.mesos.driver.constraints': 'zone:a:b' }, { submissionId: 'd5' });
  const plan = planDriverLaunches([small, big, zoned, tooBig, bad, driver({ 'spark.driver.memory': '1000m' }, { submissionId: 'd6' })],
    [offer('o1', 4, 2500, { zone: 'a' }), offer('o2', 5, 5000, { zone: 'b' })]);
  assert.deepEqual(plan.launches.map((l) => [l.driver.submissionId, l.offer.id.value]), [['d1', 'o1'], ['d2', 'o2'], ['d3', 'o2'], ['d6', 'o2']]);
  assert.deepEqual(plan.launches[0]!.resources.map((r) => [r.name, r.scalar?.value]), [['cpus', 1], ['mem', 1384]]);
  assert.deepEqual(plan.invalid.map((i) => i.driver.submissionId), ['d5']);
  assert.match(plan.invalid[0]!.error, /constraint/i);
  assert.deepEqual(plan.unused, []);
  const none = planDriverLaunches([tooBig], [offer('o3', 2, 2000, {}, 'dev')]);
  assert.equal(none.launches.length, 0);
  assert.deepEqual(none.unused.map((o) => o.id.value), ['o3']);
});

test('queue order: higher priority first, then submission time, then acceptance order (same-millisecond submissions both kept)', () => {
  const prio = new Map([['urgent', 5], ['low', -1]]);
  const q = (id: string, queue: string | undefined, date: number, seq: number) => driver(queue ? { 'spark.mesos.dispatcher.queue': queue } : {}, { submissionId: id, submissionDate: date, seq });
  const list = [q('a', 'low', 1, 0), q('b', undefined, 5, 1), q('c', 'urgent', 9, 2), q('d', undefined, 5, 3), q('e', 'default', 2, 4)];
  const sorted = [...list].sort(compareQueued((d) => prio.get(d.conf['spark.mesos.dispatcher.queue'] ?? '') ?? 0));
  assert.deepEqual(sorted.map((d) => d.submissionId), ['c', 'e', 'b', 'd', 'a']);
});

const ctx = (over: Partial<DriverTaskContext> = {}): DriverTaskContext => ({
  taskId: 'driver-20261201000000-0001', agentId: 'S1', resources: [], master: 'zk://zk1:2181/mesos', driverFrameworkId: 'FW-driver-20261201000000-0001',
  dispatcherConf: new SparkConf({ 'spark.mesos.dispatcher.driverDefault.spark.executor.memory': '512m', 'spark.mesos.uris': 'http://d/extra.txt' }), defaultHome: '/opt/spark-mesos', ...over,
});

test('driver command: our submit CLI in client mode with Spark\'s options, sorted --conf, the fetched application and escaped args', () => {
  const d = driver({ 'spark.app.name': 'app name', 'spark.master': 'mesos://dispatcher:7077', 'spark.submit.deployMode': 'cluster', 'spark.cores.max': '4', 'another.conf': '\\value' }, { arguments: ['--a=$2', '--b', 'x y z'] });
  const { value, uris } = buildDriverCommandLine(d, ctx());
  assert.equal(value, [
    '/opt/spark-mesos/bin/spark-mesos submit', "--name 'app name'", '--master mesos://zk://zk1:2181/mesos', '--driver-cores 1', '--driver-memory 1024M',
    '--total-executor-cores 4', "--conf 'another.conf=\\value'", "--conf 'spark.app.name=app name'", '--conf spark.cores.max=4',
    '--conf spark.executor.memory=512m', '--conf spark.mesos.driver.frameworkId=FW-driver-20261201000000-0001', './job.ts', "'--a=$2'", '--b', "'x y z'",
  ].join(' '));
  assert.deepEqual(uris.map((u) => u.value), ['file:///apps/job.ts', 'http://d/extra.txt']);
  // The driver's own value wins over the dispatcher's default.
  assert.match(buildDriverCommandLine(driver({ 'spark.executor.memory': '2g' }), ctx()).value, /--executor-memory 2g .*--conf spark\.executor\.memory=2g/);
  // From spark.executor.uri: cd into the unpacked archive, the sandbox is its parent.
  const fromUri = buildDriverCommandLine(driver({ 'spark.executor.uri': 'http://d/spark-mesos-0.1.tgz' }), ctx());
  assert.match(fromUri.value, /^cd spark-mesos-0\*; bin\/spark-mesos submit .* \.\.\/job\.ts$/);
  assert.deepEqual(fromUri.uris.map((u) => u.value), ['file:///apps/job.ts', 'http://d/extra.txt', 'http://d/spark-mesos-0.1.tgz']);
  // A container-local application is not fetched.
  const local = buildDriverCommandLine(driver({ 'spark.mesos.appJar.local.resolution.mode': 'container' }, { jarUrl: 'local:///opt/app/job.ts' }), ctx());
  assert.match(local.value, / \/opt\/app\/job\.ts$/);
  assert.deepEqual(local.uris.map((u) => u.value), ['http://d/extra.txt']);
});

test('driver task: env, labels, container, secrets; sensitive properties never on the command line', () => {
  const d = driver({
    'spark.mesos.driverEnv.MODE': 'batch', 'spark.mesos.driver.labels': 'team:data', 'spark.mesos.executor.docker.image': 'img:1',
    'spark.mesos.driver.secret.values': 'hunter2', 'spark.mesos.driver.secret.envkeys': 'DB_PASSWORD', 'spark.authenticate.secret': 's3cr3t',
  }, { environment: { MODE: 'interactive', SPARK_USER: 'ann' } });
  const t = buildDriverTaskInfo(d, ctx({ resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] }));
  assert.equal(t.name, 'Driver for job');
  assert.equal(t.task_id.value, 'driver-20261201000000-0001');
  assert.deepEqual(t.labels, { labels: [{ key: 'team', value: 'data' }] });
  assert.equal(t.container?.type, 'DOCKER');
  const vars = t.command!.environment!.variables!;
  assert.deepEqual(vars.filter((v) => !v.type).map((v) => [v.name, v.value]), [['MODE', 'interactive'], ['SPARK_USER', 'ann']]);
  const secretConf = vars.find((v) => v.name === SECRET_CONF_ENV)!;
  assert.equal(secretConf.type, 'SECRET');
  assert.deepEqual(JSON.parse(Buffer.from(String(secretConf.secret?.value?.data), 'base64').toString()), { 'spark.authenticate.secret': 's3cr3t', 'spark.mesos.driver.secret.envkeys': 'DB_PASSWORD', 'spark.mesos.driver.secret.values': 'hunter2' });
  assert.ok(vars.some((v) => v.name === 'DB_PASSWORD' && v.type === 'SECRET'));
  const cmd = String(t.command?.value);
  assert.ok(!cmd.includes('s3cr3t') && !cmd.includes('hunter2'), cmd);
  assert.match(cmd, /^\.\/bin\/spark-mesos submit .* "\$MESOS_SANDBOX"\/job\.ts$/);
});
