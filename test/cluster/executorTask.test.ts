import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, buildFrameworkInfo } from '../../src/index.js';
import { buildExecutorCommand, buildExecutorTaskInfo, uriBasename } from '../../src/cluster/mesos/executorTask.js';
import type { PlannedExecutor } from '../../src/cluster/mesos/CoarseOfferPlanner.js';

const planned: PlannedExecutor = {
  offerId: 'O1', agentId: 'S1', hostname: 'agent-1', cpus: 2, gpus: 0, memory: 1408,
  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' }, { name: 'mem', type: 'SCALAR', scalar: { value: 1408 }, role: '*' }],
};
const ctx = { taskId: '7', appId: 'fw-0001', appName: 'app', driverUrl: 'spark://CoarseGrainedScheduler@driver:7078', defaultHome: '/opt/spark-mesos', user: 'alice' };

test('executor command: home, URI, library path, extra cores, hostname', () => {
  const cases: [Record<string, string>, string, { value: string; cache?: boolean }[] | undefined][] = [
    [{}, ' /opt/spark-mesos/bin/spark-mesos executor --driver-url spark://CoarseGrainedScheduler@driver:7078 --executor-id 7 --cores 2 --app-id fw-0001 --hostname agent-1', undefined],
    [{ 'spark.mesos.executor.home': '/srv/sm/' }, ' /srv/sm/bin/spark-mesos executor --driver-url spark://CoarseGrainedScheduler@driver:7078 --executor-id 7 --cores 2 --app-id fw-0001 --hostname agent-1', undefined],
    [{ 'spark.executor.uri': 'http://repo/spark-mesos-0.1.0.tgz', 'spark.mesos.fetcherCache.enable': 'true' }, 'cd spark-mesos-0*;  ./bin/spark-mesos executor --driver-url spark://CoarseGrainedScheduler@driver:7078 --executor-id 7 --cores 2 --app-id fw-0001 --hostname agent-1', [{ value: 'http://repo/spark-mesos-0.1.0.tgz', cache: true }]],
    [{ 'spark.executor.extraLibraryPath': '/native', 'spark.mesos.extra.cores': '1', 'spark.mesos.network.name': 'cni', 'spark.mesos.uris': 'a.txt, b.txt' },
      'LD_LIBRARY_PATH=/native:"$LD_LIBRARY_PATH" /opt/spark-mesos/bin/spark-mesos executor --driver-url spark://CoarseGrainedScheduler@driver:7078 --executor-id 7 --cores 3 --app-id fw-0001',
      [{ value: 'a.txt', cache: false }, { value: 'b.txt', cache: false }]],
  ];
  for (const [settings, value, uris] of cases) {
    const cmd = buildExecutorCommand(new SparkConf(settings), planned, ctx);
    assert.equal(cmd.value, value, JSON.stringify(settings));
    assert.deepEqual(cmd.uris, uris, JSON.stringify(settings));
  }
  assert.equal(uriBasename('hdfs:///test-app-1.0.0.tgz'), 'test-app-1');
});

test('executor environment: options with substitutions, executorEnv, memory, secrets', () => {
  const conf = new SparkConf({
    'spark.executor.extraJavaOptions': '-Dapp={{APP_ID}} -Dexec={{EXECUTOR_ID}}',
    'spark.executor.extraClassPath': '/extra',
    'spark.executorEnv.FOO': 'bar',
    'spark.executor.memory': '2g',
    'spark.mesos.executor.secret.names': '/db/pass',
    'spark.mesos.executor.secret.envkeys': 'DB_PASS',
  });
  const vars = buildExecutorCommand(conf, planned, { ...ctx, authSecret: 'shh' }).environment!.variables!;
  const byName = Object.fromEntries(vars.map((v) => [v.name, v]));
  assert.equal(byName.SPARK_EXECUTOR_OPTS!.value, '-Dapp=fw-0001 -Dexec=7');
  assert.equal(byName.SPARK_EXECUTOR_CLASSPATH!.value, '/extra');
  assert.equal(byName.FOO!.value, 'bar');
  assert.equal(byName.SPARK_EXECUTOR_MEMORY!.value, '2048m');
  assert.equal(byName.SPARK_USER!.value, 'alice');
  assert.deepEqual(byName.DB_PASS, { name: 'DB_PASS', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/db/pass' } } });
  assert.deepEqual(byName.SPARK_AUTHENTICATE_SECRET, { name: 'SPARK_AUTHENTICATE_SECRET', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('shh').toString('base64') } } });
  assert.ok(!vars.some((v) => v.value === 'shh'), 'the shared secret never travels as a plain value');
});

test('executor TaskInfo: id, name, agent, resources, labels, container with secret volumes', () => {
  const conf = new SparkConf({
    'spark.app.name': 'app', 'spark.mesos.task.labels': 'a:1', 'spark.mesos.executor.docker.image': 'img', 'spark.mesos.executor.docker.volumes': '/d:/d:ro',
    'spark.mesos.executor.secret.values': 'v', 'spark.mesos.executor.secret.filenames': 'secret.txt',
  });
  const t = buildExecutorTaskInfo(conf, planned, ctx);
  assert.equal(t.name, 'app 7');
  assert.deepEqual(t.task_id, { value: '7' });
  assert.deepEqual(t.agent_id, { value: 'S1' });
  assert.deepEqual(t.resources, planned.resources);
  assert.deepEqual(t.labels, { labels: [{ key: 'a', value: '1' }] });
  assert.equal(t.container!.type, 'DOCKER');
  assert.deepEqual(t.container!.volumes, [
    { container_path: '/d', host_path: '/d', mode: 'RO' },
    { container_path: 'secret.txt', mode: 'RO', source: { type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('v').toString('base64') } } } },
  ]);
});

test('FrameworkInfo from the configuration', () => {
  const info = buildFrameworkInfo(new SparkConf({
    'spark.app.name': 'etl', 'spark.mesos.role': 'batch', 'spark.mesos.driver.failoverTimeout': '3600', 'spark.mesos.driver.webui.url': 'http://d:4040',
    'spark.mesos.driver.frameworkId': 'fw-42', 'spark.mesos.gpus.max': '2', 'spark.driver.host': 'driver-host',
  }), 'spark-principal', { SPARK_USER: 'bob' });
  assert.deepEqual(info, {
    user: 'bob', name: 'etl', failover_timeout: 3600, hostname: 'driver-host', role: 'batch', principal: 'spark-principal',
    webui_url: 'http://d:4040', id: { value: 'fw-42' }, capabilities: [{ type: 'GPU_RESOURCES' }],
  });
  assert.equal(buildFrameworkInfo(new SparkConf({ 'spark.app.name': 'x' }), undefined, { SPARK_PUBLIC_DNS: 'public', SPARK_USER: 'u' }).hostname, 'public');
});

test('spark.local.dir reaches executors only when set: unset, they use their own temporary directory', () => {
  const names = (settings: Record<string, string>) => buildExecutorCommand(new SparkConf(settings), planned, ctx).environment!.variables!.map((v) => v.name);
  assert.ok(!names({}).includes('SPARK_CONF_LOCAL_DIR'));
  const vars = buildExecutorCommand(new SparkConf({ 'spark.local.dir': '/scratch' }), planned, ctx).environment!.variables!;
  assert.deepEqual(vars.find((v) => v.name === 'SPARK_CONF_LOCAL_DIR'), { name: 'SPARK_CONF_LOCAL_DIR', value: '/scratch' });
});

test('spark.io.encryption.enabled: the application key reaches executors as a Mesos SECRET, never as a plain value', () => {
  const key = 'c2l4dGVlbi1ieXRlLWtleQ==';
  const vars = buildExecutorCommand(new SparkConf({ 'spark.io.encryption.enabled': 'true', 'spark.io.encryption.key': key }), planned, ctx).environment!.variables!;
  assert.deepEqual(vars.find((v) => v.name === 'SPARK_IO_ENCRYPTION_KEY'), { name: 'SPARK_IO_ENCRYPTION_KEY', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from(key).toString('base64') } } });
  assert.ok(!vars.some((v) => v.value === key));
  const off = buildExecutorCommand(new SparkConf({ 'spark.io.encryption.key': key }), planned, ctx).environment!.variables!;
  assert.ok(!off.some((v) => v.name === 'SPARK_IO_ENCRYPTION_KEY'), 'only when enabled');
});
