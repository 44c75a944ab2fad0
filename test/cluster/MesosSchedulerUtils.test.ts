import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MesosSchedulerUtils as U, SparkConf, type Attribute, type Resource } from '../../src/index.js';

const text = (name: string, value: string): Attribute => ({ name, type: 'TEXT', text: { value } });
const scalarAttr = (name: string, value: number): Attribute => ({ name, type: 'SCALAR', scalar: { value } });
const set = (name: string, item: string[]): Attribute => ({ name, type: 'SET', set: { item } });
const ranges = (name: string, r: [number, number][]): Attribute => ({ name, type: 'RANGES', ranges: { range: r.map(([begin, end]) => ({ begin, end })) } });

test('parseConstraintString: grammar', () => {
  const cases: [string, Record<string, string[]>][] = [
    ['', {}],
    ['os:centos7', { os: ['centos7'] }],
    ['os:centos7;zone:us-east-1a,us-east-1b', { os: ['centos7'], zone: ['us-east-1a', 'us-east-1b'] }],
    ['os:', { os: [] }],
    [' os:a ; zone:b ', { os: ['a'], zone: ['b'] }],
    ['tachyon:true;zone:us-east-1a,us-east-1b', { tachyon: ['true'], zone: ['us-east-1a', 'us-east-1b'] }],
    ['a:1,,2', { a: ['1', '', '2'] }],
    ['a:1,2,', { a: ['1', '2'] }],
  ];
  for (const [input, want] of cases) {
    const got = U.parseConstraintString(input);
    assert.deepEqual(Object.fromEntries([...got].map(([k, v]) => [k, [...v]])), want, input);
  }
});

test('parseConstraintString: malformed strings', () => {
  for (const bad of ['os;zone:us-east', 'os', 'a:b:c', 'os:a;', ' ', 'os:a;os:b']) {
    assert.throws(() => U.parseConstraintString(bad), (e: Error) => e.name === 'IllegalArgumentException' && e.message === `Bad constraint string: ${bad}` && e.cause instanceof Error, bad);
  }
});

test('matchesAttributeRequirements: every attribute type', () => {
  const offer: Attribute[] = [
    text('os', 'centos7'), scalarAttr('gpus', 2), set('zones', ['a', 'b', 'c']), ranges('ports', [[1000, 2000], [3000, 3000]]),
  ];
  const cases: [string, boolean][] = [
    ['', true],
    ['os:centos7', true],
    ['os:ubuntu', false],
    ['os:ubuntu,centos7', true],
    ['os:', true],
    ['rack:', false],
    ['missing:x', false],
    ['gpus:1', true],
    ['gpus:2', true],
    ['gpus:3', false],
    ['gpus:3,1.5', true],
    ['zones:a,b', true],
    ['zones:a,d', false],
    ['ports:1500', true],
    ['ports:3000', true],
    ['ports:2500', false],
    ['ports:2500,1000', true],
    ['os:centos7;gpus:1;zones:c', true],
    ['os:centos7;gpus:5', false],
  ];
  for (const [constraint, want] of cases) {
    assert.equal(U.matchesAttributeRequirements(U.parseConstraintString(constraint), offer), want, constraint);
  }
  assert.throws(() => U.matchesAttributeRequirements(U.parseConstraintString('gpus:many'), offer),
    /Constraint value 'many' for attribute 'gpus' should be a number, as the offered attribute is a SCALAR/);
  assert.throws(() => U.matchesAttributeRequirements(U.parseConstraintString('ports:1.5'), offer),
    /Constraint value '1.5' for attribute 'ports' should be a whole number/);
});

test('executorMemory: heap plus overhead, as Spark computes it', () => {
  const cases: [Record<string, string>, number][] = [
    [{ 'spark.executor.memory': '100m' }, 484],
    [{ 'spark.executor.memory': '512m' }, 896],
    [{}, 1408],
    [{ 'spark.executor.memory': '3840m' }, 4224],
    [{ 'spark.executor.memory': '4g' }, 4505],
    [{ 'spark.executor.memory': '8g' }, 9011],
    [{ 'spark.executor.memory': '1g', 'spark.mesos.executor.memoryOverhead': '512' }, 1536],
    [{ 'spark.executor.memory': '4g', 'spark.executor.memoryOverheadFactor': '0.2' }, 4096 + 819],
  ];
  for (const [settings, want] of cases) assert.equal(U.executorMemory(new SparkConf(settings)), want, JSON.stringify(settings));
  assert.equal(U.driverContainerMemory(new SparkConf({ 'spark.driver.memory': '4g' })), 4505);
  assert.equal(U.driverContainerMemory(new SparkConf({ 'spark.mesos.driver.memoryOverhead': '100' })), 1124);
});

const cpus = (v: number, role = '*', extra: Partial<Resource> = {}): Resource => ({ name: 'cpus', type: 'SCALAR', scalar: { value: v }, role, ...extra });
const mem = (v: number, role = '*', extra: Partial<Resource> = {}): Resource => ({ name: 'mem', type: 'SCALAR', scalar: { value: v }, role, ...extra });
const ports = (r: [number, number][], role = '*', extra: Partial<Resource> = {}): Resource => ({ name: 'ports', type: 'RANGES', ranges: { range: r.map(([begin, end]) => ({ begin, end })) }, role, ...extra });

test('getResource and getRangeResource sum across roles', () => {
  const res = [cpus(1, 'prod'), cpus(2.5), mem(100), ports([[1, 2]]), ports([[5, 9]], 'prod')];
  assert.equal(U.getResource(res, 'cpus'), 3.5);
  assert.equal(U.getResource(res, 'gpus'), 0);
  assert.deepEqual(U.getRangeResource(res, 'ports'), [[1, 2], [5, 9]]);
});

test('partitionResources: takes in order, splits across roles, keeps reservations, drops zeros', () => {
  const reservation = { principal: 'p' };
  const offer = [mem(500, 'prod', { reservation }), cpus(1, 'prod', { reservation }), mem(600, 'dev'), cpus(2, 'dev')];
  const [left1, usedCpus] = U.partitionResources(offer, 'cpus', 1);
  assert.deepEqual(usedCpus, [cpus(1, 'prod', { reservation })]);
  const [left2, usedMem] = U.partitionResources(left1, 'mem', 484);
  assert.deepEqual(usedMem, [mem(484, 'prod', { reservation })]);
  const [left3, taskCpus] = U.partitionResources(left2, 'cpus', 1);
  assert.deepEqual(taskCpus, [cpus(1, 'dev')], 'the task cpu comes from dev once prod is used');
  assert.deepEqual(left3, [mem(16, 'prod', { reservation }), mem(600, 'dev'), cpus(1, 'dev')]);
  const [, split] = U.partitionResources([cpus(0.5, 'a'), cpus(2, 'b')], 'cpus', 1.5);
  assert.deepEqual(split, [cpus(0.5, 'a'), cpus(1, 'b')]);
  const [rest, over] = U.partitionResources([cpus(1)], 'cpus', 4);
  assert.deepEqual(over, [cpus(1)], 'taking more than there is takes what exists');
  assert.deepEqual(rest, []);
  const [same, none] = U.partitionResources([cpus(1), { name: 'gpus', type: 'SCALAR', scalar: { value: 0 } }], 'gpus', 0);
  assert.deepEqual(none, []);
  assert.deepEqual(same, [cpus(1)], 'zero-valued scalars are dropped');
  const [, unreserved] = U.partitionResources([{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*', reservation }], 'cpus', 1);
  assert.deepEqual(unreserved, [cpus(1)], 'no reservation copied for role *');
  const [, fractional] = U.partitionResources([cpus(0.3)], 'cpus', 0.1);
  assert.deepEqual(fractional, [cpus(0.1)]);
  const [leftFrac] = U.partitionResources([cpus(0.3)], 'cpus', 0.1);
  assert.deepEqual(leftFrac, [cpus(0.2)], 'no floating-point residue');
});

test('partitionPortResources and checkPorts', () => {
  const offer = [cpus(2), ports([[31000, 31100]], 'prod', { reservation: { principal: 'p' } }), ports([[30000, 30010]])];
  assert.deepEqual(U.partitionPortResources([], offer), [offer, []]);
  const [left, used] = U.partitionPortResources([30005, 31050], offer);
  assert.deepEqual(left, [cpus(2)], 'all port ranges leave the remainder');
  assert.deepEqual(used, [ports([[30005, 30005]]), ports([[31050, 31050]], 'prod', { reservation: { principal: 'p' } })]);
  const cases: [string | undefined, [number, number][], boolean][] = [
    [undefined, [], true],
    ['30100', [[31100, 31200]], false],
    ['30100', [[30000, 31000]], true],
    ['30100', [], false],
    ['0', [], true],
  ];
  for (const [port, r, want] of cases) {
    const conf = new SparkConf();
    if (port !== undefined) conf.set('spark.blockManager.port', port);
    assert.equal(U.checkPorts(conf, r), want, `${port} in ${JSON.stringify(r)}`);
  }
  assert.deepEqual(U.nonZeroPortValuesFromConfig(new SparkConf({ 'spark.blockManager.port': '30100' })), [30100]);
});

test('reject offer durations fall back to spark.mesos.rejectOfferDuration', () => {
  const c = new SparkConf();
  assert.deepEqual([U.getRejectOfferDuration(c), U.getRejectOfferDurationForUnmetConstraints(c), U.getRejectOfferDurationForReachedMaxCores(c)], [120, 120, 120]);
  c.set('spark.mesos.rejectOfferDuration', '2min');
  assert.deepEqual([U.getRejectOfferDuration(c), U.getRejectOfferDurationForUnmetConstraints(c), U.getRejectOfferDurationForReachedMaxCores(c)], [120, 120, 120]);
  c.set('spark.mesos.rejectOfferDuration', '10s').set('spark.mesos.rejectOfferDurationForReachedMaxCores', '1h');
  assert.deepEqual([U.getRejectOfferDuration(c), U.getRejectOfferDurationForUnmetConstraints(c), U.getRejectOfferDurationForReachedMaxCores(c)], [10, 10, 3600]);
});

test('buildCredentials: resolution order, files verbatim, and errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cred-'));
  const pf = join(dir, 'principal');
  const sf = join(dir, 'secret');
  writeFileSync(pf, 'file-principal\n');
  writeFileSync(sf, 'file-secret');
  const cases: [Record<string, string>, Record<string, string>, { principal?: string; secret?: string }][] = [
    [{}, {}, {}],
    [{ 'spark.mesos.principal': 'p' }, {}, { principal: 'p' }],
    [{ 'spark.mesos.principal': 'p', 'spark.mesos.secret': 's' }, {}, { principal: 'p', secret: 's' }],
    [{ 'spark.mesos.principal': 'conf' }, { SPARK_MESOS_PRINCIPAL: 'env' }, { principal: 'conf' }],
    [{}, { SPARK_MESOS_PRINCIPAL: 'env', SPARK_MESOS_SECRET: 'envs' }, { principal: 'env', secret: 'envs' }],
    [{ 'spark.mesos.principal.file': pf }, { SPARK_MESOS_PRINCIPAL: 'env' }, { principal: 'env' }],
    [{ 'spark.mesos.principal.file': pf, 'spark.mesos.secret.file': sf }, {}, { principal: 'file-principal\n', secret: 'file-secret' }],
    [{}, { SPARK_MESOS_PRINCIPAL_FILE: pf, SPARK_MESOS_SECRET_FILE: sf }, { principal: 'file-principal\n', secret: 'file-secret' }],
    [{ 'spark.mesos.principal.file': pf }, { SPARK_MESOS_PRINCIPAL_FILE: '/nonexistent' }, { principal: 'file-principal\n' }],
  ];
  for (const [settings, env, want] of cases) {
    assert.deepEqual(U.buildCredentials(new SparkConf(settings), env), want, JSON.stringify({ settings, env }));
  }
  assert.throws(() => U.buildCredentials(new SparkConf({ 'spark.mesos.secret': 'hunter2' }), {}),
    (e: Error) => e.message === 'spark.mesos.principal must be configured when spark.mesos.secret is set' && !e.message.includes('hunter2'));
  assert.throws(() => U.buildCredentials(new SparkConf({ 'spark.mesos.principal.file': join(dir, 'nope') }), {}),
    /spark\.mesos\.principal\.file: cannot read file '.*nope' \(ENOENT\)/);
  assert.throws(() => U.buildCredentials(new SparkConf({ 'spark.mesos.principal': 'p' }), { SPARK_MESOS_SECRET_FILE: join(dir, 'nope') }),
    /SPARK_MESOS_SECRET_FILE: cannot read file/);
});
