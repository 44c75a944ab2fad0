// A shuffle service that registers the driver and then never answers a block fetch (wedged, its socket open):
// reducers' fetches time out after spark.network.timeout as FetchFailed, the map stage is run again, and once the
// retries are spent the job fails naming the timeout, instead of hanging forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type net from 'node:net';
import { SparkConf, SparkContext, type SparkListenerEvent } from '../../src/index.js';
import { listen, type Connection, type Message } from '../../src/rpc/Connection.js';

test('a shuffle service that never answers fetches: FetchFailed after spark.network.timeout, map stage retried, job fails', async () => {
  let fetches = 0;
  const wedged = await listen('127.0.0.1', 0, undefined, (conn: Connection) => {
    conn.on('message', (m: Message) => {
      if (m.t === 'registerDriver') conn.send({ t: 'registered', reqId: m.reqId });
      if (m.t === 'fetchBlock') fetches++; // never answered
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'wedged-ess-'));
  const sc = new SparkContext(new SparkConf().setMaster('local-cluster[1,2,512]').setAppName('fetch-timeout')
    .set('spark.shuffle.service.enabled', 'true').set('spark.shuffle.service.port', String((wedged.address() as net.AddressInfo).port))
    .set('spark.shuffle.service.localDir', dir)
    .set('spark.network.timeout', '2s').set('spark.executor.heartbeatInterval', '300ms'));
  const events: SparkListenerEvent[] = [];
  sc.addSparkListener((e) => events.push(e));
  try {
    await sc.ready();
    const t0 = Date.now();
    await assert.rejects(
      sc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b, 2).collect(),
      /failed to fetch shuffle/,
    );
    assert.ok(Date.now() - t0 >= 2000, 'the job failed only after the fetch timeout');
    await new Promise((r) => setTimeout(r, 100)); // listener events are delivered asynchronously
    const errors = events.flatMap((e) => (e.type === 'taskEnd' && e.error ? [e.error] : []));
    assert.ok(errors.length > 0 && errors.every((m) => /^FetchFailed\(shuffle 0, map \d, executor 0\): no answer from 127\.0\.0\.1:\d+ within 2000 ms \(spark\.network\.timeout\)/.test(m)),
      `every failure is a fetch timeout: ${JSON.stringify(errors)}`);
    const mapStage = events.find((e) => e.type === 'stageSubmitted')!.stageId;
    assert.ok(events.filter((e) => e.type === 'stageSubmitted' && e.stageId === mapStage).length >= 2, 'the map stage ran again');
    assert.ok(fetches > 0);
  } finally {
    await sc.stop();
    wedged.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
