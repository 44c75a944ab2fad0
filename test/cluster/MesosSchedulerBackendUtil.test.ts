import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MesosSchedulerBackendUtil as U, MesosSecretConfig, SparkConf } from '../../src/index.js';
import { onWarning } from '../../src/util/logging.js';

function warnings<T>(fn: () => T): [T, string[]] {
  const seen: string[] = [];
  const off = onWarning((_l, m) => seen.push(m));
  try {
    return [fn(), seen];
  } finally {
    off();
  }
}

test('parseVolumesSpec: every form, in order, from a string or a list', () => {
  const want = [
    { container_path: '/a', mode: 'RW' },
    { container_path: '/b', host_path: '/b', mode: 'RW' },
    { container_path: '/c', host_path: '/c', mode: 'RW' },
    { container_path: '/d', mode: 'RO' },
    { container_path: '/e', host_path: '/e', mode: 'RO' },
    { container_path: '/f', mode: 'RW' },
    { container_path: '/g', mode: 'RW' },
  ];
  const spec = '/a,/b:/b,/c:/c:rw,/d:ro,/e:/e:ro,/f:rw,/g:';
  assert.deepEqual(U.parseVolumesSpec(spec), want);
  assert.deepEqual(U.parseVolumesSpec(spec.split(',')), want);
  assert.deepEqual(U.parseVolumesSpec(' /h:/i:ro , '), [{ container_path: '/i', host_path: '/h', mode: 'RO' }]);
});

test('parseVolumesSpec: malformed items are skipped with a warning quoting the list', () => {
  const [vols, seen] = warnings(() => U.parseVolumesSpec('/a:/b:/c:/d,/x:/y:rx,/ok'));
  assert.deepEqual(vols, [{ container_path: '/ok', mode: 'RW' }]);
  assert.equal(seen.length, 2);
  assert.equal(seen[0], 'Unable to parse volume specs: [/a:/b:/c:/d, /x:/y:rx, /ok]. Expected form: "[host-dir:]container-dir[:rw|:ro](, ...)"');
  const [none, seen2] = warnings(() => U.parseVolumesSpec(':'));
  assert.deepEqual(none, []);
  assert.equal(seen2.length, 1);
});

test('parsePortMappingsSpec: forms, default protocol, warnings and number errors', () => {
  assert.deepEqual(U.parsePortMappingsSpec('80:8080,53:53:udp,8080:80:tcp'), [
    { host_port: 80, container_port: 8080, protocol: 'tcp' },
    { host_port: 53, container_port: 53, protocol: 'udp' },
    { host_port: 8080, container_port: 80, protocol: 'tcp' },
  ]);
  const [pm, seen] = warnings(() => U.parsePortMappingsSpec(['80', '1:2:tcp:x', '3:4']));
  assert.deepEqual(pm, [{ host_port: 3, container_port: 4, protocol: 'tcp' }]);
  assert.deepEqual(seen, [
    'Unable to parse port mapping specs: [80, 1:2:tcp:x, 3:4]. Expected form: "host_port:container_port[:udp|:tcp](, ...)"',
    'Unable to parse port mapping specs: [80, 1:2:tcp:x, 3:4]. Expected form: "host_port:container_port[:udp|:tcp](, ...)"',
  ]);
  assert.throws(() => U.parsePortMappingsSpec('http:80'), /Invalid host port in port mapping "http:80" 'http': expected a whole number/);
  assert.throws(() => U.parsePortMappingsSpec('80:x:tcp'), /Invalid container port .* 'x'/);
});

test('parseParamsSpec: split at the first =', () => {
  const [params, seen] = warnings(() => U.parseParamsSpec('a=1,a=b=c,e=,=v,novalue'));
  assert.deepEqual(params, [
    { key: 'a', value: '1' },
    { key: 'a', value: 'b=c' },
    { key: 'e', value: '' },
    { key: '', value: 'v' },
  ]);
  assert.deepEqual(seen, ['Unable to parse arbitrary parameters: [a=1, a=b=c, e=, =v, novalue]. Expected form: "key=value(, ...)"']);
});

test('buildContainerInfo: no image is a bare MESOS container; docker settings are ignored', () => {
  const conf = new SparkConf().set('spark.mesos.executor.docker.volumes', '/a').set('spark.mesos.executor.docker.forcePullImage', 'true');
  assert.deepEqual(U.buildContainerInfo(conf), { type: 'MESOS' });
});

test('buildContainerInfo: docker containerizer with port maps, parameters, volumes, network', () => {
  const conf = new SparkConf()
    .set('spark.mesos.executor.docker.image', 'spark:3.5.6')
    .set('spark.mesos.executor.docker.forcePullImage', 'true')
    .set('spark.mesos.executor.docker.portmaps', '8080:80,53:53:udp')
    .set('spark.mesos.executor.docker.parameters', 'memory-swap=-1,ulimit=nofile=65536:65536')
    .set('spark.mesos.executor.docker.volumes', '/data:/spark-data:ro,/logs:/spark-logs:rw')
    .set('spark.mesos.network.name', 'spark-net')
    .set('spark.mesos.network.labels', 'env:prod,team:data');
  assert.deepEqual(U.buildContainerInfo(conf), {
    type: 'DOCKER',
    docker: {
      image: 'spark:3.5.6',
      force_pull_image: true,
      network: 'USER',
      port_mappings: [
        { host_port: 8080, container_port: 80, protocol: 'tcp' },
        { host_port: 53, container_port: 53, protocol: 'udp' },
      ],
      parameters: [
        { key: 'memory-swap', value: '-1' },
        { key: 'ulimit', value: 'nofile=65536:65536' },
        { key: 'net', value: 'spark-net' },
      ],
    },
    volumes: [
      { container_path: '/spark-data', host_path: '/data', mode: 'RO' },
      { container_path: '/spark-logs', host_path: '/logs', mode: 'RW' },
    ],
    network_infos: [{ name: 'spark-net', labels: { labels: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'data' }] } }],
  });
});

test('buildContainerInfo: mesos containerizer puts the image in mesos.image, ignores port maps and parameters', () => {
  const base = new SparkConf()
    .set('spark.mesos.executor.docker.image', 'apache/spark:3.5.6')
    .set('spark.mesos.containerizer', 'mesos')
    .set('spark.mesos.executor.docker.portmaps', '80:80')
    .set('spark.mesos.executor.docker.parameters', 'a=b')
    .set('spark.mesos.executor.docker.volumes', '/data:/spark-data:ro');
  assert.deepEqual(U.buildContainerInfo(base), {
    type: 'MESOS',
    mesos: { image: { type: 'DOCKER', docker: { name: 'apache/spark:3.5.6' }, cached: true } },
    volumes: [{ container_path: '/spark-data', host_path: '/data', mode: 'RO' }],
  });
  const forced = base.clone().set('spark.mesos.executor.docker.forcePullImage', 'true');
  assert.equal(U.buildContainerInfo(forced).mesos?.image?.cached, false);
  const net = base.clone().set('spark.mesos.network.name', 'n1');
  assert.deepEqual(U.buildContainerInfo(net).network_infos, [{ name: 'n1', labels: { labels: [] } }]);
  assert.equal(U.buildContainerInfo(net).docker, undefined);
});

test('buildContainerInfo: network without image, bad network labels, bad containerizer', () => {
  assert.deepEqual(U.buildContainerInfo(new SparkConf().set('spark.mesos.network.name', 'n')), {
    type: 'MESOS',
    network_infos: [{ name: 'n', labels: { labels: [] } }],
  });
  assert.throws(
    () => U.buildContainerInfo(new SparkConf().set('spark.mesos.network.name', 'n').set('spark.mesos.network.labels', 'a:b:c')),
    /Malformed label: a:b:c/,
  );
  assert.throws(
    () => U.buildContainerInfo(new SparkConf().set('spark.mesos.executor.docker.image', 'i').set('spark.mesos.containerizer', 'rkt')),
    /spark\.mesos\.containerizer should be one of docker, mesos, but was 'rkt'/,
  );
});

test('secrets: reference secrets to env vars and files', () => {
  for (const kind of ['driver', 'executor'] as const) {
    const conf = new SparkConf()
      .set(`spark.mesos.${kind}.secret.names`, '/path/to/secret,/anothersecret')
      .set(`spark.mesos.${kind}.secret.envkeys`, 'SECRET_ENV_KEY,PASSWORD')
      .set(`spark.mesos.${kind}.secret.filenames`, 'my/secret.txt,/abs/secret');
    const c = new MesosSecretConfig(kind);
    assert.deepEqual(U.getSecretEnvVar(conf, c), [
      { name: 'SECRET_ENV_KEY', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/path/to/secret' } } },
      { name: 'PASSWORD', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/anothersecret' } } },
    ]);
    assert.deepEqual(U.getSecretVolume(conf, c), [
      { container_path: 'my/secret.txt', mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/path/to/secret' } } } },
      { container_path: '/abs/secret', mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/anothersecret' } } } },
    ]);
  }
});

test('secrets: value secrets are base64 bytes; no destinations means nothing', () => {
  const conf = new SparkConf().set('spark.mesos.executor.secret.values', 'user,pässword').set('spark.mesos.executor.secret.envkeys', 'U,P');
  const c = new MesosSecretConfig('executor');
  assert.deepEqual(U.getSecretEnvVar(conf, c), [
    { name: 'U', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('user').toString('base64') } } },
    { name: 'P', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('pässword', 'utf8').toString('base64') } } },
  ]);
  assert.deepEqual(U.getSecretVolume(conf, c), []);
  assert.deepEqual(U.getSecretEnvVar(new SparkConf(), c), []);
  assert.deepEqual(U.getSecretEnvVar(conf, new MesosSecretConfig('driver')), [], 'driver settings are separate');
});

test('secrets: validation errors, without secret content', () => {
  const c = new MesosSecretConfig('driver');
  const both = new SparkConf().set('spark.mesos.driver.secret.names', 'a').set('spark.mesos.driver.secret.values', 'topsecret').set('spark.mesos.driver.secret.envkeys', 'A');
  assert.throws(() => U.getSecretEnvVar(both, c), { name: 'SparkException', message: 'Cannot specify both value-type and reference-type secrets.' });
  assert.throws(() => U.getSecretVolume(both, c), { message: 'Cannot specify both value-type and reference-type secrets.' });
  const envMismatch = new SparkConf().set('spark.mesos.driver.secret.values', 'topsecret,other').set('spark.mesos.driver.secret.envkeys', 'ONLY');
  assert.throws(() => U.getSecretEnvVar(envMismatch, c), (e: Error) =>
    e.message === 'Need to give equal numbers of secrets and environment keys for environment-based reference secrets: ' +
      'spark.mesos.driver.secret.envkeys has 1 key(s) [ONLY], but there are 2 value secret(s)' && !e.message.includes('topsecret'));
  const fileMismatch = new SparkConf().set('spark.mesos.driver.secret.names', 'a').set('spark.mesos.driver.secret.filenames', 'x,y');
  assert.throws(() => U.getSecretVolume(fileMismatch, c), {
    message: 'Need to give equal numbers of secrets and file paths for file-based reference secrets: ' +
      'spark.mesos.driver.secret.filenames has 2 path(s) [x, y], but there are 1 reference secret(s)',
  });
  assert.throws(() => new MesosSecretConfig('worker' as never), /taskType should be 'driver' or 'executor', but was 'worker'/);
});

test('MesosSecretConfig names the keys of its task type', () => {
  const d = new MesosSecretConfig('driver');
  assert.deepEqual([d.secretNames.key, d.secretValues.key, d.secretEnvKeys.key, d.secretFilenames.key], [
    'spark.mesos.driver.secret.names', 'spark.mesos.driver.secret.values', 'spark.mesos.driver.secret.envkeys', 'spark.mesos.driver.secret.filenames',
  ]);
  assert.equal(new MesosSecretConfig('executor').secretValues.key, 'spark.mesos.executor.secret.values');
  assert.ok(d.secretValues.secret, 'secret values are marked secret');
});

test('task state mapping both ways', () => {
  assert.deepEqual(
    (['LAUNCHING', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'LOST'] as const).map(U.taskStateToMesos),
    ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST'],
  );
  assert.throws(() => U.taskStateToMesos('PAUSED' as never), /taskStateToMesos: state should be one of .* but was 'PAUSED'/);
  const table: [Parameters<typeof U.mesosToTaskState>[0], string][] = [
    ['TASK_STAGING', 'LAUNCHING'], ['TASK_STARTING', 'LAUNCHING'], ['TASK_RUNNING', 'RUNNING'], ['TASK_KILLING', 'RUNNING'],
    ['TASK_FINISHED', 'FINISHED'], ['TASK_FAILED', 'FAILED'], ['TASK_GONE', 'FAILED'], ['TASK_GONE_BY_OPERATOR', 'FAILED'],
    ['TASK_KILLED', 'KILLED'], ['TASK_LOST', 'LOST'], ['TASK_ERROR', 'LOST'], ['TASK_DROPPED', 'LOST'],
    ['TASK_UNKNOWN', 'LOST'], ['TASK_UNREACHABLE', 'LOST'],
  ];
  for (const [m, s] of table) assert.equal(U.mesosToTaskState(m), s, m);
});
