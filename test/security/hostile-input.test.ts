/**
 * Malformed and oversized input at every listener, with counts: each case gets a clear error, and the listener is
 * still serving honest clients afterwards. `docs/security.md` reports these counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord } from '../../src/mesos/recordio.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { RestSubmissionServer } from '../../src/deploy/rest/RestSubmissionServer.js';
import { startBlockServer } from '../../src/executor/BlockServer.js';
import { Connection, type Message } from '../../src/rpc/Connection.js';
import { encode } from '../../src/rpc/framing.js';
import { MiniCluster } from '../../src/index.js';
import { startDispatcher } from '../helpers/dispatcher.js';

const SUBSCRIBED = encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-hostile' }, heartbeat_interval_seconds: 15 } }));
const HEARTBEAT = encodeRecord('{"type":"HEARTBEAT"}');

/** A fake Mesos master that answers SUBSCRIBE with SUBSCRIBED, then `tail`, then (optionally) ends the stream. */
async function fakeMaster(tail: Buffer, end: boolean): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/recordio', 'Mesos-Stream-Id': 'stream-1' });
    res.write(SUBSCRIBED);
    res.write(tail);
    if (end) res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `mesos://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => { server.close(); server.closeAllConnections(); } };
}

async function firstAfterSubscribed(url: string): Promise<ClientEvent> {
  const client = new SchedulerClient({ master: url, frameworkInfo: { user: 'u', name: 'hostile' } }).start();
  const it = client.events();
  try {
    const first = await it.next();
    assert.equal((first.value as ClientEvent).type, 'SUBSCRIBED');
    const second = await Promise.race([it.next(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no event')), 10_000))]);
    return second.value as ClientEvent;
  } finally {
    await client.close();
  }
}

test('RecordIO streams from a fake Mesos master: framing errors end the subscription with the reason; bad records are dropped', async (t) => {
  const framing: [string, Buffer, RegExp][] = [
    ['non-numeric length', Buffer.from('abc\n{}'), /bad RecordIO length header 'abc'/],
    ['a 25-digit length', Buffer.from(`${'9'.repeat(25)}\n`), /bad RecordIO length header/],
    ['a length with a sign', Buffer.from('-5\nhello'), /bad RecordIO length header '-5'/],
    ['a terabyte record', Buffer.from('1000000000000\nx'), /exceeds the limit/],
    ['no newline after many digits', Buffer.alloc(4096, 0x31), /bad RecordIO length header/],
  ];
  const dropped: [string, Buffer][] = [
    ['invalid JSON', encodeRecord('{"type":')],
    ['JSON of the wrong shape', encodeRecord('{"type":"OFFERS","offers":{"offers":[{"id":5}]}}')],
    ['a JSON array', encodeRecord('[1,2,3]')],
    ['invalid UTF-8', encodeRecord(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['deep nesting', encodeRecord(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
  ];
  let n = 0;
  for (const [what, bytes, reason] of framing) {
    const m = await fakeMaster(bytes, false);
    try {
      const e = await firstAfterSubscribed(m.url);
      assert.equal(e.type, 'DISCONNECTED', what);
      assert.match((e as { reason: string }).reason, reason, what);
      n++;
    } finally {
      m.close();
    }
  }
  for (const [what, bytes] of dropped) {
    const m = await fakeMaster(Buffer.concat([bytes, HEARTBEAT]), false);
    try {
      assert.equal((await firstAfterSubscribed(m.url)).type, 'HEARTBEAT', `${what}: dropped, and the stream goes on`);
      n++;
    } finally {
      m.close();
    }
  }
  const truncated = await fakeMaster(Buffer.from('100\n{"type":"HEART'), true);
  try {
    const e = await firstAfterSubscribed(truncated.url);
    assert.equal(e.type, 'DISCONNECTED');
    n++;
  } finally {
    truncated.close();
  }
  t.diagnostic(`recordio cases: ${n}`);
  assert.equal(n, framing.length + dropped.length + 1);
});

test('REST bodies: truncated, wrong types, huge numbers, deep nesting, invalid UTF-8 each get a 400 naming the problem', async (t) => {
  const server = new RestSubmissionServer({ host: '127.0.0.1', port: 0 }, {
    submit: () => ({ success: true, submissionId: 'driver-1' }), kill: () => ({ success: true }), status: () => ({ success: true, driverState: 'QUEUED' }),
  });
  await server.start();
  const base = `http://127.0.0.1:${server.address!.port}/v1/submissions`;
  const good = { action: 'CreateSubmissionRequest', appArgs: [], appResource: 'app.ts', clientSparkVersion: '3.5.1', environmentVariables: {}, mainClass: 'M', sparkProperties: { 'spark.app.name': 'x' } };
  const cases: [string, string | Buffer, RegExp][] = [
    ['truncated', JSON.stringify(good).slice(0, 40), /not JSON/],
    ['empty', '', /not JSON/],
    ['a JSON string', '"hello"', /Action field not found/],
    ['appArgs as a string', JSON.stringify({ ...good, appArgs: 'x' }), /'appArgs' must be an array of strings/],
    ['appArgs with a number', JSON.stringify({ ...good, appArgs: [1] }), /'appArgs' must be an array of strings/],
    ['sparkProperties as an array', JSON.stringify({ ...good, sparkProperties: [1] }), /'sparkProperties' must be an object of strings/],
    ['a nested property value', JSON.stringify({ ...good, sparkProperties: { 'spark.app.name': 'x', a: { b: 1 } } }), /'sparkProperties' must be an object of strings/],
    ['environment with a number', JSON.stringify({ ...good, environmentVariables: { A: 1 } }), /'environmentVariables' must be an object of strings/],
    ['a huge driver memory', JSON.stringify({ ...good, sparkProperties: { 'spark.app.name': 'x', 'spark.driver.memory': '1e308' } }), /spark\.driver\.memory/],
    ['a driver memory of 10^16 MiB', JSON.stringify({ ...good, sparkProperties: { 'spark.app.name': 'x', 'spark.driver.memory': '10000000000000000' } }), /spark\.driver\.memory/],
    ['negative cores', JSON.stringify({ ...good, sparkProperties: { 'spark.app.name': 'x', 'spark.driver.cores': '-1' } }), /spark\.driver\.cores/],
    ['deep nesting', `{"action":"CreateSubmissionRequest","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, /Main class|missing|Malformed/],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), /not valid UTF-8/],
    ['missing mainClass', JSON.stringify({ ...good, mainClass: undefined }), /'mainClass' is missing/],
  ];
  try {
    for (const [what, body, message] of cases) {
      const r = await fetch(`${base}/create`, { method: 'POST', body });
      assert.equal(r.status, 400, what);
      assert.match(((await r.json()) as { message: string }).message, message, what);
    }
    const weird: [string, string][] = [['GET', '/create'], ['POST', '/status/x'], ['GET', '/../../etc/passwd'], ['POST', '/kill/'], ['GET', `/status/${'a'.repeat(8000)}`]];
    for (const [method, path] of weird) {
      const r = await fetch(`${base}${path}`, { method });
      assert.ok(r.status >= 200 && r.status < 500, `${method} ${path}: ${r.status}`);
      await r.arrayBuffer();
    }
    const ok = await fetch(`${base}/create`, { method: 'POST', body: JSON.stringify(good) });
    assert.equal(ok.status, 200, 'still serving');
    t.diagnostic(`rest cases: ${cases.length + weird.length}`);
  } finally {
    await server.stop();
  }
});

test('block server: traversal, bad offsets and absurd lengths from an authenticated peer are refused without allocating', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'blocks-'));
  mkdirSync(join(root, 'shuffle'));
  writeFileSync(join(root, 'shuffle', 'shuffle_0_0.data'), 'abcdefghij');
  writeFileSync(join(tmpdir(), 'outside-block.txt'), 'secret');
  const server = await startBlockServer('127.0.0.1', 0, root, 's3');
  const conn = await Connection.connect('127.0.0.1', (server.address() as net.AddressInfo).port, 's3', 'peer');
  const answers = new Map<number, Message>();
  conn.on('message', (m: Message) => answers.set(m.reqId as number, m));
  const block = join(root, 'shuffle', 'shuffle_0_0.data');
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['traversal', { path: join(root, '..', 'outside-block.txt'), start: 0, length: 6 }, /is not a block of this server/],
    ['absolute path elsewhere', { path: '/etc/passwd', start: 0, length: 4 }, /is not a block of this server/],
    ['a terabyte', { path: block, start: 0, length: 2 ** 40 }, /beyond the end of the block/],
    ['negative start', { path: block, start: -1, length: 2 }, /whole, non-negative/],
    ['fractional length', { path: block, start: 0, length: 1.5 }, /whole, non-negative/],
    ['a string length', { path: block, start: 0, length: 'all' }, /whole, non-negative/],
    ['past the end', { path: block, start: 8, length: 5 }, /beyond the end/],
    ['missing file', { path: join(root, 'shuffle', 'nope'), start: 0, length: 1 }, /ENOENT/],
  ];
  try {
    cases.forEach(([, req], i) => conn.send({ t: 'fetchBlock', reqId: i, ...req }));
    conn.send({ t: 'fetchBlock', reqId: 99, path: block, start: 2, length: 3 });
    conn.send({ t: 'noSuchMessage', reqId: 100 });
    const deadline = Date.now() + 10_000;
    while (!answers.has(99) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    cases.forEach(([what, , message], i) => {
      assert.equal(answers.get(i)?.t, 'blockError', what);
      assert.match(String(answers.get(i)!.message), message, what);
    });
    assert.equal(Buffer.from(answers.get(99)!.data as Uint8Array).toString(), 'cde', 'still serving');
    t.diagnostic(`block server cases: ${cases.length + 1}`);
  } finally {
    conn.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'outside-block.txt'), { force: true });
  }
});

test('RPC frames: junk before and after authentication closes only that connection', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'blocks-'));
  const server = await startBlockServer('127.0.0.1', 0, root, 's3');
  const port = (server.address() as net.AddressInfo).port;
  const junk: [string, Buffer][] = [
    ['random bytes', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a frame of garbage', Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.alloc(8, 0xff)])],
    ['a frame holding a number', encode(42 as unknown as object)],
    ['an oversized header', Buffer.from([0x7f, 0xff, 0xff, 0xff])],
    ['an auth with a huge name', encode({ t: 'auth', who: 'x'.repeat(3000), nonce: Buffer.alloc(16), crypto: false, pub: Buffer.alloc(32), mac: Buffer.alloc(32) })],
  ];
  try {
    for (const [what, bytes] of junk) {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('error', () => undefined);
      s.resume();
      const closed = new Promise<void>((r) => s.once('close', () => r()));
      s.write(bytes);
      await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: not closed`)), 10_000))]);
    }
    // After authentication: garbage frames close the connection, the server stays.
    const c = await Connection.connect('127.0.0.1', port, 's3', 'peer');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.socket.write(Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from([0xff, 0xff, 0xff, 0xff])]));
    await closed;
    const again = await Connection.connect('127.0.0.1', port, 's3', 'peer');
    again.close();
    t.diagnostic(`rpc cases: ${junk.length + 1}`);
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('executor API and the dispatcher UI: malformed calls and hostile query strings get 4xx, escaped output, no crash', async (t) => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:2;mem:2048' }).start();
  const dir = mkdtempSync(join(tmpdir(), 'hostile-ui-'));
  const d = await startDispatcher(c.masterUrl, ['--conf', `spark.deploy.recoveryDirectory=${join(dir, 'state')}`]);
  let n = 0;
  try {
    const agent = c.agents[0]!;
    const bodies: (string | Buffer)[] = ['', '{', '[]', '{"type":"SUBSCRIBE"}', '{"type":"UPDATE","framework_id":{"value":5}}', `{"type":"${'A'.repeat(100_000)}"}`, Buffer.from([0xff, 0xfe]), `${'['.repeat(100_000)}`];
    for (const body of bodies) {
      const r = await fetch(`${agent.url}/api/v1/executor`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      assert.ok(r.status >= 400 && r.status < 500, `executor API: ${r.status} for ${String(body).slice(0, 40)}`);
      await r.arrayBuffer();
      n++;
    }
    assert.equal((await fetch(`${agent.url}/state`)).status, 200, 'the agent still serves');
    const queries = ['/driver?id=%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/driver?id=%E0%A4%A', `/driver?id=${'x'.repeat(10_000)}`, '/?id=\u0000', '/driver', '/%2e%2e/%2e%2e/etc/passwd', '/api/status?x=%ZZ'];
    for (const q of queries) {
      const r = await fetch(`${d.uiUrl}${q}`);
      const body = await r.text();
      assert.ok(r.status < 500, `${q}: ${r.status}`);
      assert.ok(!body.includes('<script>alert(1)</script>'), `${q}: escaped`);
      n++;
    }
    assert.equal((await fetch(`${d.uiUrl}/`)).status, 200, 'the UI still serves');
    t.diagnostic(`executor API and UI cases: ${n}`);
  } finally {
    await d.stop();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
