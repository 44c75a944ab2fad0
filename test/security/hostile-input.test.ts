/**
 * Malformed and oversized input at every listener, with counts: each case gets a clear error, and the listener is
 * still serving honest clients afterwards. `docs/security.md` reports these counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord } from '../../src/mesos/recordio.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { RestSubmissionServer } from '../../src/deploy/rest/RestSubmissionServer.js';
import { startBlockServer } from '../../src/executor/BlockServer.js';
import { Connection, type Message } from '../../src/rpc/Connection.js';
import { MiniCluster, SparkConf, SparkContext } from '../../src/index.js';
import { HistoryServer } from '../../src/history/HistoryServer.js';
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

/** A hostile query and the status it must get. A 2xx is listed only where the page ignores the parameter (says why). */
type QueryCase = [path: string, status: number, why?: string];
const XSS = '%3Cscript%3Ealert(1)%3C%2Fscript%3E';

/** Fetches each case: the stated status, and no unescaped script in any HTML answer. Returns the number of cases. */
async function queryCases(base: string, cases: QueryCase[]): Promise<number> {
  for (const [path, status, why] of cases) {
    const r = await fetch(`${base}${path}`);
    const body = await r.text();
    assert.equal(r.status, status, `${path.slice(0, 60)}${why ? ` (${why})` : ''}`);
    if (/html/.test(r.headers.get('content-type') ?? '')) assert.ok(!body.includes('<script>alert(1)</script>'), `${path.slice(0, 60)}: escaped`);
  }
  return cases.length;
}

const DISPATCHER_UI_QUERIES: QueryCase[] = [
  [`/driver?id=${XSS}`, 200, 'an unknown id gets the driver page saying it cannot find the driver'],
  ['/driver?id=%E0%A4%A', 200, 'the same, for an id that is not valid UTF-8'],
  [`/driver?id=${'x'.repeat(10_000)}`, 200, 'the same, for a long id'],
  ['/?id=%00', 200, 'the drivers page takes no parameters'],
  ['/driver', 400],
  ['/%2e%2e/%2e%2e/etc/passwd', 404],
  ['/api/status?x=%ZZ', 200, 'the status takes no parameters'],
];

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
    // Each odd path gets its own 4xx (468: Spark's code for an unknown protocol version, here 'etc'), except a status query for an unknown id: Spark's protocol answers those with
    // 200 and a body saying so (here the stub's), and the id is only looked up, never used as a path.
    const weird: [string, string, number][] = [
      ['GET', '/create', 405], ['POST', '/status/x', 405], ['GET', '/../../etc/passwd', 468], ['POST', '/kill/', 400],
      ['GET', '/status/', 400], ['PUT', '/create', 405], ['GET', `/status/${'a'.repeat(8000)}`, 200],
    ];
    for (const [method, path, status] of weird) {
      const r = await fetch(`${base}${path}`, { method });
      assert.equal(r.status, status, `${method} ${path.slice(0, 40)}`);
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
    n += await queryCases(d.uiUrl, DISPATCHER_UI_QUERIES);
    assert.equal((await fetch(`${d.uiUrl}/`)).status, 200, 'the UI still serves');
    t.diagnostic(`executor API and UI cases: ${n}`);
  } finally {
    await d.stop();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the driver's UI and the history server: hostile query strings get 4xx or a page that ignores them, escaped", async (t) => {
  const logDir = mkdtempSync(join(tmpdir(), 'hostile-history-'));
  const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('hostile-ui').set('spark.ui.enabled', 'true').set('spark.ui.port', '0')
    .set('spark.driver.host', '127.0.0.1').set('spark.eventLog.enabled', 'true').set('spark.eventLog.dir', logDir));
  let history: HistoryServer | undefined;
  let n = 0;
  try {
    await sc.ready();
    assert.equal(await sc.parallelize([1, 2, 3]).count(), 3);
    const app = sc.applicationId;
    const ui = `http://127.0.0.1:${sc.uiAddress!.port}`;
    // Listener events arrive asynchronously: wait until stage 0 is in, so its cases test the parameter, not its absence.
    for (let i = 0; i < 200 && (await fetch(`${ui}/api/v1/applications/${app}/stages/0/0`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 25));
    const ignored = 'the page takes no such parameter';
    n += await queryCases(ui, [
      ['/jobs/?x=%ZZ', 200, ignored], ['/executors/?x=%00', 200, ignored], ['/environment/?%3Cscript%3E=1', 200, ignored],
      ['/stages/?completed.page=-5', 200, 'the stages page has no paging: the parameter is ignored'],
      ['/stages/stage/?id=0&attempt=x', 200, 'a non-numeric attempt is read as attempt 0, the default'],
      ['/jobs/job/?id=abc', 404], [`/jobs/job/?id=${XSS}`, 404], [`/jobs/job/?id=${'9'.repeat(5000)}`, 404], ['/jobs/job/', 404],
      ['/stages/stage/?id=-1&attempt=0', 404], ['/storage/rdd/?id=zz', 404], ['/%2e%2e/%2e%2e/etc/passwd', 404],
      [`/api/v1/applications/${app}/jobs?status=bogus`, 400], [`/api/v1/applications/${app}/stages/0/0/taskList?length=abc`, 400],
      ['/api/v1/applications/nope/jobs', 404], [`/api/v1/applications/${app}/jobs/abc`, 404],
    ]);
    await sc.stop();
    history = new HistoryServer(new SparkConf({ 'spark.history.fs.logDirectory': logDir, 'spark.history.ui.port': '0' }));
    await history.start('127.0.0.1');
    n += await queryCases(`http://127.0.0.1:${history.address!.port}`, [
      ['/?showIncomplete=%3Cscript%3E', 200, 'only showIncomplete=true changes the listing'], ['/?showIncomplete=%ZZ', 200, 'the same'],
      [`/history/${XSS}/jobs/`, 404], ['/history/%ZZ/jobs/', 400], [`/history/${'x'.repeat(10_000)}`, 404],
      [`/history/${app}/jobs/job/?id=abc`, 404], [`/history/${app}/stages/stage/?id=x&attempt=y`, 404], [`/history/${app}/9999/jobs/`, 404],
      ['/api/v1/applications?status=bogus', 400], ['/api/v1/applications?minDate=notadate', 400], ['/api/v1/applications/nope', 404],
      ['/%2e%2e/%2e%2e/etc/passwd', 404],
    ]);
    assert.equal((await fetch(`http://127.0.0.1:${history.address!.port}/history/${app}/jobs/`)).status, 200, 'the history server still serves');
    t.diagnostic(`driver UI and history server cases: ${n}`);
  } finally {
    await sc.stop();
    await history?.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
});

/** The dispatcher child's resident memory in KiB (VmRSS of /proc/<pid>/status). */
function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+([0-9]+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** The stored description of submission `id` in a filesystem recovery directory, wherever its state is. */
function stored(stateDir: string, id: string): { mainClass: string; arguments: string[]; conf: Record<string, string> } | undefined {
  for (const sub of ['driverQueue', 'launchedDrivers', 'retryList', 'finishedDrivers']) {
    const f = join(stateDir, sub, `${id}.json`);
    if (!existsSync(f)) continue;
    const v = JSON.parse(readFileSync(f, 'utf8')) as { driver?: unknown };
    return (v.driver ?? v) as never;
  }
  return undefined;
}

const MEMORY_BOUND_MIB = 64;

test('REST at a real dispatcher: shell metacharacters are stored unchanged and run nothing; junk leaves memory bounded and nothing lost', async (t) => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:2;mem:4096' }).start();
  const dir = mkdtempSync(join(tmpdir(), 'hostile-rest-'));
  const stateDir = join(dir, 'state');
  const d = await startDispatcher(c.masterUrl, ['--conf', `spark.deploy.recoveryDirectory=${stateDir}`]);
  const base = `${d.restUrl.replace('mesos://', 'http://')}/v1/submissions`;
  const app = `file://${join(process.cwd(), 'test/fixtures/exit-with.ts')}`;
  const submit = (over: Record<string, unknown>) => fetch(`${base}/create`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ action: 'CreateSubmissionRequest', appResource: app, clientSparkVersion: '3.5.1', environmentVariables: {}, mainClass: '', appArgs: [], ...over }),
  });
  const status = async (id: string) => ((await (await fetch(`${base}/status/${id}`)).json()) as { driverState: string }).driverState;
  let n = 0;
  try {
    // Made before the junk: it can never fit (64 cores), so it stays queued and must still be there afterwards.
    const before = (await (await submit({ sparkProperties: { 'spark.app.name': 'before', 'spark.driver.cores': '64' } })).json()) as { submissionId: string };
    const rssBefore = rssKiB(d.proc.pid!);
    const marker = join(dir, 'PWNED');
    const evil = [`$(touch ${marker}-1)`, `\`touch ${marker}-2\``, `x; touch ${marker}-3`, `x && touch ${marker}-4`, `x\ntouch ${marker}-5\n`, `'"; touch ${marker}-6 #`];
    const accepted: string[] = [];
    for (const [i, v] of evil.entries()) {
      const props = { 'spark.app.name': v, 'spark.driver.memory': '64m', 'spark.hostile.value': v };
      const r = await submit({ mainClass: v, appArgs: [v, '0'], sparkProperties: props });
      const body = (await r.json()) as { success?: boolean; submissionId?: string; message?: string };
      if (r.status >= 400 && r.status < 500) {
        assert.match(body.message ?? '', /./, `case ${i}: a refusal says why`);
      } else {
        assert.equal(r.status, 200, `case ${i}`);
        assert.equal(body.success, true, `case ${i}: ${body.message}`);
        const s = stored(stateDir, body.submissionId!);
        assert.ok(s, `case ${i}: stored`);
        assert.equal(s.mainClass, v, `case ${i}: main class unchanged`);
        assert.deepEqual(s.arguments, [v, '0'], `case ${i}: arguments unchanged`);
        assert.equal(s.conf['spark.hostile.value'], v, `case ${i}: property unchanged`);
        accepted.push(body.submissionId!);
      }
      n++;
    }
    // Junk: malformed bodies, and bodies of 64 MiB (held in full, three of them would pass the bound), many times over.
    const junk: (string | Buffer)[] = ['{', '"x"', `{"action":"CreateSubmissionRequest","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, Buffer.from([0x7b, 0xff, 0x7d]), Buffer.alloc(64 << 20, 0x20)];
    for (let round = 0; round < 4; round++) {
      for (const body of junk) {
        const r = await fetch(`${base}/create`, { method: 'POST', body }).catch(() => undefined);
        if (r) {
          assert.ok(r.status === 400 || r.status === 413, `junk: ${r.status}`);
          await r.arrayBuffer();
        }
      }
    }
    n += junk.length;
    const grownMiB = (rssKiB(d.proc.pid!) - rssBefore) / 1024;
    t.diagnostic(`dispatcher RSS grew by ${grownMiB.toFixed(1)} MiB (bound ${MEMORY_BOUND_MIB} MiB)`);
    assert.ok(grownMiB < MEMORY_BOUND_MIB, `the dispatcher grew by ${grownMiB.toFixed(1)} MiB`);
    assert.equal(await status(before.submissionId), 'QUEUED', 'nothing lost: the earlier submission is still queued');
    const listed = (await (await fetch(`${d.uiUrl}/api/status`)).json()) as { queued: { submissionId: string }[] };
    assert.ok(listed.queued.some((q) => q.submissionId === before.submissionId), 'nothing lost: still listed');
    // The accepted drivers really ran (their command lines went through a shell); none ran an injected command.
    const deadline = Date.now() + 90_000;
    const ends: string[] = [];
    for (const id of accepted) {
      while (!['FINISHED', 'FAILED', 'ERROR', 'KILLED'].includes(await status(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      ends.push(await status(id));
      assert.ok(['FINISHED', 'FAILED', 'ERROR', 'KILLED'].includes(ends.at(-1)!), `${id} ran to the end`);
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('PWNED')), [], 'no injected command ran');
    t.diagnostic(`dispatcher REST cases: ${n} (${accepted.length} metacharacter submissions accepted, stored unchanged, ended ${ends.join(',')})`);
  } finally {
    await d.stop();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
