/**
 * Submitting to dispatchers in high availability: `mesos://h1:port,h2:port` as Spark's client takes a list of masters.
 * An unreachable dispatcher is skipped, a standby's 503 leads to the leader it names (a standby takes nothing in, so
 * nothing is submitted twice), and the dispatcher that answered is asked first next time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { RestSubmissionClient, dispatcherAddresses, leaderAddress } from '../../src/deploy/rest/RestSubmissionClient.js';

test('dispatcher addresses and a standby\'s leader URL', () => {
  assert.deepEqual(dispatcherAddresses('mesos://a:7077'), ['a:7077']);
  assert.deepEqual(dispatcherAddresses('mesos://a:7077, b:7078/'), ['a:7077', 'b:7078']);
  assert.deepEqual(dispatcherAddresses('spark://10.0.0.1:6066'), ['10.0.0.1:6066']);
  for (const bad of ['local[2]', 'mesos://zk://z:2181/mesos', 'mesos://a', 'mesos://a:7077,', 'mesos://a:7077,b', 'yarn']) {
    assert.throws(() => dispatcherAddresses(bad), /need the dispatcher's URL as master \(mesos:\/\/host:port, or mesos:\/\/host1:port1,host2:port2/, bad);
  }
  assert.equal(leaderAddress('mesos://10.0.0.2:7077'), '10.0.0.2:7077');
  assert.equal(leaderAddress('http://h:1/'), 'h:1');
  for (const bad of [undefined, 7077, 'javascript:alert(1)', 'mesos://h', 'ftp://h:1', 'mesos://h:1/x']) assert.equal(leaderAddress(bad), undefined, String(bad));
});

async function server(answer: (req: http.IncomingMessage, port: number) => [number, unknown]): Promise<{ port: number; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const s = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      const [status, body] = answer(req, (s.address() as net.AddressInfo).port);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as net.AddressInfo).port, hits, close: () => new Promise((r) => s.close(() => r())) };
}

/** A loopback port with nothing listening: connections are refused. */
async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('a submission skips an unreachable dispatcher, follows a standby to its leader, and goes to the leader first next time', async () => {
  const leader = await server(() => [200, { action: 'CreateSubmissionResponse', serverSparkVersion: '3.5.1', success: true, submissionId: 'driver-1' }]);
  const standby = await server(() => [503, { action: 'ErrorResponse', serverSparkVersion: '3.5.1', message: 'standby', leaderUrl: `mesos://127.0.0.1:${leader.port}` }]);
  const down = await refusedPort();
  try {
    const client = new RestSubmissionClient(`mesos://127.0.0.1:${down},127.0.0.1:${standby.port}`);
    const r = await client.createSubmission({ appResource: 'app.ts', mainClass: '', appArgs: [], sparkProperties: {}, environmentVariables: {} });
    assert.equal(r.action, 'CreateSubmissionResponse');
    assert.deepEqual(standby.hits, ['POST /v1/submissions/create']);
    assert.deepEqual(leader.hits, ['POST /v1/submissions/create'], 'submitted once, to the leader');
    assert.equal(client.baseUrl, `http://127.0.0.1:${leader.port}/v1/submissions`);
    await client.requestSubmissionStatus('driver-1');
    assert.equal(standby.hits.length, 1, 'the next request went straight to the leader');
    assert.equal(leader.hits.length, 2);
  } finally {
    await leader.close();
    await standby.close();
  }
});

test('only standbys and unreachable dispatchers: the standby\'s answer, or the connection error', async () => {
  const standby = await server(() => [503, { action: 'ErrorResponse', serverSparkVersion: '3.5.1', message: 'This dispatcher is a standby; the leader is unknown.' }]);
  // Taken while the standby holds its port: a port freed first could be handed straight back to the standby.
  const down = await refusedPort();
  try {
    const r = await new RestSubmissionClient(`mesos://127.0.0.1:${down},127.0.0.1:${standby.port}`).requestSubmissionStatus('driver-1');
    assert.equal(r.action, 'ErrorResponse');
    assert.match((r as { message: string }).message, /^HTTP 503: This dispatcher is a standby/);
    await assert.rejects(new RestSubmissionClient(`mesos://127.0.0.1:${down}`).requestSubmissionStatus('driver-1'), /Unable to connect to server http:\/\/127\.0\.0\.1:\d+\/v1\/submissions/);
  } finally {
    await standby.close();
  }
});
