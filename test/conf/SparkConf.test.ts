import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, config, parseBytes, parseTime } from '../../src/index.js';

test('set/get/contains/remove/getAll/clone', () => {
  const c = new SparkConf().setMaster('local[2]').setAppName('app').set('spark.executor.cores', 3).set('x.flag', true);
  assert.equal(c.get('spark.master'), 'local[2]');
  assert.equal(c.get('spark.app.name'), 'app');
  assert.equal(c.get('spark.executor.cores'), '3');
  assert.equal(c.get('x.flag'), 'true');
  assert.ok(c.contains('x.flag'));
  c.remove('x.flag');
  assert.ok(!c.contains('x.flag'));
  assert.equal(c.getOption('x.flag'), undefined);
  const d = c.clone().set('spark.app.name', 'other');
  assert.equal(c.get('spark.app.name'), 'app', 'clone is independent');
  assert.equal(d.get('spark.app.name'), 'other');
  assert.deepEqual(new Map(c.getAll()), new Map([['spark.master', 'local[2]'], ['spark.app.name', 'app'], ['spark.executor.cores', '3']]));
});

test('setIfMissing and setAll', () => {
  const c = new SparkConf({ a: '1' });
  c.setIfMissing('a', '2').setIfMissing('b', '3');
  assert.equal(c.get('a'), '1');
  assert.equal(c.get('b'), '3');
  c.setAll([['c', '4'], ['a', '5']]);
  assert.equal(c.get('a'), '5');
  assert.equal(c.get('c'), '4');
});

test('get falls back to the explicit default, then the catalog default, else names the missing key', () => {
  const c = new SparkConf();
  assert.equal(c.get('no.such', 'dflt'), 'dflt');
  assert.equal(c.get('spark.mesos.coarse'), 'true');
  assert.equal(c.get('spark.mesos.rejectOfferDurationForUnmetConstraints'), '120s', 'fallback key default');
  c.set('spark.mesos.rejectOfferDuration', '30s');
  assert.equal(c.get('spark.mesos.rejectOfferDurationForUnmetConstraints'), '30s', 'fallback key value');
  assert.throws(() => c.get('no.such'), /no\.such/);
});

test('typed catalog reads', () => {
  const c = new SparkConf();
  assert.equal(c.get(config.MESOS_COARSE), true);
  assert.equal(c.get(config.MESOS_REJECT_OFFER_DURATION), 120);
  assert.equal(c.get(config.MESOS_COARSE_SHUTDOWN_TIMEOUT), 10_000);
  assert.equal(c.get(config.EXECUTOR_MEMORY), 1024);
  assert.equal(c.get(config.MESOS_EXECUTOR_DOCKER_IMAGE), undefined);
  assert.deepEqual(c.get(config.MESOS_URIS), []);
  c.set('spark.mesos.uris', ' a, ,b ');
  assert.deepEqual(c.get(config.MESOS_URIS), ['a', 'b']);
  c.set('spark.mesos.coarse', ' FALSE ');
  assert.equal(c.get(config.MESOS_COARSE), false);
  c.set('spark.mesos.fetchCache.enable', 'true');
  assert.equal(c.get(config.MESOS_FETCHER_CACHE_ENABLE), true, 'older spelling is read');
});

test('bad values name the key, the value and the expected form', () => {
  const cases: [string, string, RegExp][] = [
    ['spark.mesos.coarse', 'yes', /spark\.mesos\.coarse should be true or false, but was 'yes'/],
    ['spark.mesos.gpus.max', '1.5', /spark\.mesos\.gpus\.max should be a whole number, but was '1\.5'/],
    ['spark.mesos.gpus.max', '-1', /spark\.mesos\.gpus\.max should be at least 0, but was '-1'/],
    ['spark.mesos.containerizer', 'podman', /spark\.mesos\.containerizer should be one of docker, mesos, but was 'podman'/],
    ['spark.executor.memory', '1.5g', /spark\.executor\.memory .*fractional values are not supported/],
    ['spark.executor.memory', '2x', /spark\.executor\.memory .*unknown size unit 'x'/],
    ['spark.mesos.rejectOfferDuration', 'soon', /spark\.mesos\.rejectOfferDuration should be a whole number with an optional unit/],
    ['spark.mesos.driver.failoverTimeout', 'abc', /spark\.mesos\.driver\.failoverTimeout should be a number, but was 'abc'/],
  ];
  for (const [key, value, re] of cases) {
    const c = new SparkConf().set(key, value);
    const entry = config.findEntry(key)!;
    assert.throws(() => c.get(entry), re, `${key}=${value}`);
  }
});

test('a bad secret value is not echoed in the error', () => {
  const c = new SparkConf().set('spark.authenticate', 'maybe');
  assert.throws(() => c.get(config.AUTHENTICATE), /'maybe'/);
  // A secret entry with a malformed value (forced through the typed getter) is redacted.
  const s = new SparkConf().set('spark.authenticate.secret', 's3cr3t');
  assert.throws(() => s.getInt('spark.authenticate.secret'), (err: Error) => !err.message.includes('s3cr3t') && err.message.includes('redacted'));
});

test('typed getters speak Spark grammars', () => {
  const c = new SparkConf()
    .set('b', 'true').set('i', '42').set('d', '2.5')
    .set('sz', '512m').set('sz2', '2g').set('sz3', '1t').set('bare', '2048')
    .set('t1', '120s').set('t2', '5min').set('t3', '1h').set('t4', '500ms').set('t5', '90');
  assert.equal(c.getBoolean('b'), true);
  assert.equal(c.getBoolean('missing', false), false);
  assert.equal(c.getInt('i'), 42);
  assert.equal(c.getLong('i'), 42);
  assert.equal(c.getDouble('d'), 2.5);
  assert.equal(c.getSizeAsBytes('sz'), 512 * 1024 * 1024);
  assert.equal(c.getSizeAsKb('sz'), 512 * 1024);
  assert.equal(c.getSizeAsMb('sz'), 512);
  assert.equal(c.getSizeAsGb('sz2'), 2);
  assert.equal(c.getSizeAsGb('sz3'), 1024);
  assert.equal(c.getSizeAsBytes('bare'), 2048, 'bare number in the getter unit');
  assert.equal(c.getSizeAsMb('bare'), 2048);
  assert.equal(c.getTimeAsMs('t1'), 120_000);
  assert.equal(c.getTimeAsSeconds('t2'), 300);
  assert.equal(c.getTimeAsSeconds('t3'), 3600);
  assert.equal(c.getTimeAsSeconds('t4'), 0, '500ms truncates to 0 s');
  assert.equal(c.getTimeAsMs('t5'), 90);
  assert.equal(c.getTimeAsSeconds('t5'), 90);
  assert.equal(c.getTimeAsMs('missing', '3s'), 3000);
  assert.equal(c.getInt('spark.mesos.maxDrivers'), 200, 'catalog default');
  assert.throws(() => c.getInt('d'), /d should be a whole number, but was '2\.5'/);
  assert.throws(() => c.getInt('nope'), /nope/);
  assert.throws(() => new SparkConf().set('x', '3000000000').getInt('x'), /32-bit/);
});

test('parseBytes and parseTime tables', () => {
  const bytes: [string, Parameters<typeof parseBytes>[1], number][] = [
    ['1', 'b', 1], ['1k', 'b', 1024], ['1kb', 'b', 1024], ['1K', 'b', 1024], ['3m', 'k', 3072], ['1g', 'm', 1024],
    ['1t', 'g', 1024], ['1p', 't', 1024], ['1023k', 'm', 0], [' 4 m '.replace(/ /g, ''), 'b', 4 << 20],
  ];
  for (const [s, u, want] of bytes) assert.equal(parseBytes(s, u), want, `${s} in ${u}`);
  const times: [string, Parameters<typeof parseTime>[1], number][] = [
    ['1us', 'us', 1], ['1ms', 'us', 1000], ['2s', 'ms', 2000], ['1m', 's', 60], ['1min', 's', 60], ['2h', 'min', 120],
    ['1d', 'h', 24], ['100', 's', 100], ['1500ms', 's', 1],
  ];
  for (const [s, u, want] of times) assert.equal(parseTime(s, u), want, `${s} in ${u}`);
  assert.throws(() => parseBytes('-1m'), /negative/);
  assert.throws(() => parseTime('1 fortnight'), /expected/);
});

test('loadPropertiesFile reads spark-defaults.conf syntax', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conf-'));
  const f = join(dir, 'spark-defaults.conf');
  writeFileSync(f, [
    '# comment',
    '! also a comment',
    'spark.master            mesos://127.0.0.1:5050',
    'spark.executor.memory=2g',
    'spark.mesos.constraints: os:centos7;zone:a',
    'spark.app.name  My App  ',
    'not.spark.key value',
    'spark.mesos.uris a,\\',
    '    b',
    '',
  ].join('\n'));
  const c = new SparkConf().set('spark.executor.memory', '1g').loadPropertiesFile(f);
  assert.equal(c.get('spark.master'), 'mesos://127.0.0.1:5050');
  assert.equal(c.get(config.EXECUTOR_MEMORY), 2048);
  assert.equal(c.get('spark.mesos.constraints'), 'os:centos7;zone:a');
  assert.equal(c.get('spark.app.name'), 'My App');
  assert.equal(c.getOption('not.spark.key'), undefined);
  assert.deepEqual(c.get(config.MESOS_URIS), ['a', 'b']);
  assert.throws(() => new SparkConf().loadPropertiesFile(join(dir, 'missing.conf')), /Cannot read properties file .*missing\.conf/);
});

test('toDebugString redacts secrets per spark.redaction.regex', () => {
  const c = new SparkConf()
    .set('spark.mesos.secret', 'hunter2')
    .set('spark.authenticate.secret', 'abc')
    .set('spark.mesos.executor.secret.values', 'v1,v2')
    .set('spark.my.password', 'pw')
    .set('spark.hadoop.fs.s3a.access.key', 'AKIA')
    .set('spark.some.url', 'http://x/?token=1')
    .set('spark.app.name', 'visible');
  const s = c.toDebugString();
  for (const secret of ['hunter2', 'abc', 'v1,v2', 'pw', 'AKIA', 'token=1']) assert.ok(!s.includes(secret), `${secret} leaked`);
  assert.match(s, /spark\.mesos\.secret=\*{9}\(redacted\)/);
  assert.match(s, /spark\.app\.name=visible/);
  c.set('spark.redaction.regex', 'name');
  assert.match(c.toDebugString(), /spark\.app\.name=\*{9}\(redacted\)/, 'custom regex applies');
  assert.match(c.toDebugString(), /spark\.mesos\.secret=\*{9}\(redacted\)/, 'catalog secrets stay redacted');
});

test('getAllWithPrefix and setExecutorEnv', () => {
  const c = new SparkConf().setExecutorEnv('A', '1').set('spark.executorEnv.B', '2').set('spark.other', '3');
  assert.deepEqual(new Map(c.getAllWithPrefix('spark.executorEnv.')), new Map([['A', '1'], ['B', '2']]));
});
