/** What the dispatcher refuses in a submission (400, the key and bound named), and why a queued driver waits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidSubmissionProperty, MAX_MEMORY_MIB } from '../../src/deploy/mesos/submissionChecks.js';
import { waitingReason, type OfferSeen } from '../../src/deploy/mesos/waitingReason.js';

test('submitted properties: bad types, non-finite, non-positive and absurd values are refused naming the key and the bound', () => {
  const table: [Record<string, string>, RegExp | undefined][] = [
    [{}, undefined],
    [{ 'spark.driver.memory': '512m', 'spark.driver.cores': '1.5', 'spark.driver.supervise': 'TRUE', 'spark.executor.memory': '20G', 'spark.cores.max': '100' }, undefined],
    [{ 'spark.driver.memory': '1t', 'spark.driver.cores': '4096', 'spark.mesos.driver.memoryOverhead': '0' }, undefined],
    [{ 'spark.driver.memory': 'lots' }, /^spark\.driver\.memory should be a whole number .*but was 'lots'/],
    [{ 'spark.driver.memory': '10000000000000000' }, /^spark\.driver\.memory should be more than 0 and at most 1073741824 MiB \(1 PiB\), but was '10000000000000000'$/],
    [{ 'spark.driver.memory': '0' }, /^spark\.driver\.memory should be more than 0 and at most 1073741824 MiB/],
    [{ 'spark.driver.memory': '-1g' }, /^spark\.driver\.memory should be .*cannot be negative/],
    [{ 'spark.driver.memory': '9'.repeat(400) }, /^spark\.driver\.memory should be more than 0 and at most 1073741824 MiB \(1 PiB\), but was '9{40}\.\.\.'$/],
    [{ 'spark.driver.memory': '1025t' }, /^spark\.driver\.memory should be more than 0 and at most/],
    [{ 'spark.driver.cores': 'Infinity' }, /^spark\.driver\.cores should be more than 0 and at most 4096 cpus, but was 'Infinity'$/],
    [{ 'spark.driver.cores': '-1' }, /^spark\.driver\.cores should be more than 0 and at most 4096 cpus/],
    [{ 'spark.driver.cores': '0' }, /^spark\.driver\.cores should be more than 0/],
    [{ 'spark.driver.cores': '1e9' }, /^spark\.driver\.cores should be more than 0 and at most 4096 cpus, but was '1e9'$/],
    [{ 'spark.driver.cores': 'NaN' }, /^spark\.driver\.cores should be a number, but was 'NaN'$/],
    [{ 'spark.driver.supervise': 'maybe' }, /^spark\.driver\.supervise should be true or false, but was 'maybe'$/],
    [{ 'spark.executor.memory': '0' }, /^spark\.executor\.memory should be more than 0/],
    [{ 'spark.cores.max': '99999999' }, /^spark\.cores\.max should be at least 0 and at most 1048576 cpus/],
    [{ 'spark.mesos.driver.memoryOverhead': '2p' }, /^spark\.mesos\.driver\.memoryOverhead should be at least 0 and at most/],
    [{ 'spark.driver.memoryOverheadFactor': '1e300', 'spark.driver.memory': '1t' }, /^spark\.driver\.memory plus its overhead .* should be at most 1073741824 MiB \(1 PiB\)/],
    [{ 'spark.driver.memory': '1p' }, /^spark\.driver\.memory plus its overhead/],
    [{ 'spark.mesos.driver.constraints': 'zone:a:b' }, /^spark\.mesos\.driver\.constraints should be name:value.*but was 'zone:a:b'/],
    [{ 'spark.driver.extraNodeOptions': '--max-semi-space-size=64' }, undefined],
    [{ 'spark.driver.extraNodeOptions': 'app.js' }, /^spark\.driver\.extraNodeOptions should be Node options, each starting with '-'/],
    [{ 'spark.executor.extraNodeOptions': "--title='unterminated" }, /^spark\.executor\.extraNodeOptions should be Node options separated by spaces/],
  ];
  for (const [props, want] of table) {
    const got = invalidSubmissionProperty(props);
    if (want === undefined) assert.equal(got, undefined, JSON.stringify(props));
    else assert.match(got ?? '(accepted)', want, JSON.stringify(props));
  }
  assert.equal(MAX_MEMORY_MIB, 1024 ** 3);
});

test('a queued driver says why it waits, against each agent\'s last offer', () => {
  const need = (cpus: number, mem: number, constraints: Record<string, string[]> = {}) => ({
    cpus, mem, constraintString: Object.entries(constraints).map(([k, v]) => `${k}:${v.join(',')}`).join(';'),
    constraints: new Map(Object.entries(constraints).map(([k, v]) => [k, new Set(v)])),
  });
  const offer = (cpus: number, mem: number, zone?: string): OfferSeen => ({ cpus, mem, attributes: zone ? [{ name: 'zone', type: 'TEXT', text: { value: zone } }] : [] });
  const table: [ReturnType<typeof need>, OfferSeen[], string | undefined][] = [
    [need(4, 8192), [], 'waiting: needs 4 cpus / 8192 MiB; no offer seen yet'],
    [need(4, 8192), [offer(2, 4096)], 'waiting: needs 4 cpus / 8192 MiB; 1 offer declined: 1 below 4 cpus; largest offer seen: 2 cpus / 4096 MiB'],
    [need(4, 8192), [offer(2, 4096), offer(8, 1024)], 'waiting: needs 4 cpus / 8192 MiB; 2 offers declined: 1 below 4 cpus, 1 below 8192 MiB memory; largest offer seen: 8 cpus / 4096 MiB'],
    [need(1.5, 1408), [offer(1, 512.5)], 'waiting: needs 1.5 cpus / 1408 MiB; 1 offer declined: 1 below 1.5 cpus; largest offer seen: 1 cpus / 512.5 MiB'],
    [need(4, 8192), [offer(2, 4096), offer(4, 8192)], undefined],
    [need(1, 1408, { zone: ['b'] }), [offer(4, 8192, 'a')], 'waiting: needs 1 cpus / 1408 MiB; 1 offer declined: 1 failing constraint zone:b'],
    [need(1, 1408, { zone: ['b'] }), [offer(4, 8192, 'a'), offer(1, 2048, 'b')], undefined],
    // The example: constraints first, then size.
    [need(4, 1408, { zone: ['a'] }), [offer(2, 4096, 'a'), offer(3, 4096, 'a'), offer(8, 8192, 'b')],
      'waiting: needs 4 cpus / 1408 MiB; 3 offers declined: 2 below 4 cpus, 1 failing constraint zone:a; largest offer seen: 3 cpus / 4096 MiB'],
  ];
  for (const [n, seen, want] of table) assert.equal(waitingReason(n, seen), want, `${JSON.stringify(n)} ${JSON.stringify(seen)}`);
});

test('a submission naming an undeclared queue gets HTTP 400 naming the key and the declared queues, and is not submitted', async () => {
  const { RestSubmissionServer } = await import('../../src/deploy/rest/RestSubmissionServer.js');
  const { MesosClusterScheduler } = await import('../../src/deploy/mesos/MesosClusterScheduler.js');
  const { BlackHolePersistenceEngine } = await import('../../src/deploy/persistence/PersistenceEngine.js');
  const { SparkConf } = await import('../../src/conf/SparkConf.js');
  // The queues a real scheduler declares; a double takes the submission so only the REST layer's answer is seen.
  const scheduler = new MesosClusterScheduler(new SparkConf({ 'spark.mesos.dispatcher.queue.high': '10', 'spark.mesos.dispatcher.queue.low': '-1' }), '127.0.0.1:1', new BlackHolePersistenceEngine());
  const submitted: string[] = [];
  const server = new RestSubmissionServer({ host: '127.0.0.1', port: 0 }, {
    queueWeights: scheduler.queueWeights,
    submit: (req) => (submitted.push(req.sparkProperties['spark.app.name']!), { success: true, submissionId: 'driver-1' }),
    kill: () => ({ success: false }),
    status: () => ({ success: false }),
  });
  await server.start();
  const post = async (queue?: string) => {
    const res = await fetch(`http://127.0.0.1:${server.address!.port}/v1/submissions/create`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', appResource: 'file:///app.js', mainClass: 'Main', appArgs: [], environmentVariables: {},
        sparkProperties: { 'spark.app.name': `q-${queue}`, ...(queue === undefined ? {} : { 'spark.mesos.dispatcher.queue': queue }) },
      }),
    });
    return { status: res.status, body: (await res.json()) as { action: string; message?: string; success?: boolean } };
  };
  try {
    const bad = await post('foo');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.action, 'ErrorResponse');
    assert.equal(bad.body.message, "Malformed request: spark.mesos.dispatcher.queue should name a declared queue (default, high, low), but was 'foo'; declare it on the dispatcher with spark.mesos.dispatcher.queue.<name>=<weight>");
    for (const ok of [undefined, '', 'default', 'high', 'low']) {
      const r = await post(ok);
      assert.deepEqual([r.status, r.body.action, r.body.success], [200, 'CreateSubmissionResponse', true], String(ok));
    }
    assert.deepEqual(submitted, ['q-undefined', 'q-', 'q-default', 'q-high', 'q-low']);
  } finally {
    await server.stop();
  }
  assert.match(invalidSubmissionProperty({ 'spark.mesos.dispatcher.queue': 'x'.repeat(100) }, new Map()) ?? '', /declared queue \(default\), but was 'x{40}\.\.\.'/);
  assert.equal(invalidSubmissionProperty({ 'spark.mesos.dispatcher.queue': 'default' }, new Map()), undefined);
});
