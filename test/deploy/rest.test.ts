/**
 * The REST submission server, driven with literal JSON as Spark's client sends it (from the reference) and with our
 * client; the scheduler behind it is a small in-memory queue here (dispatcher-e2e drives the real one).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RestSubmissionServer, type SubmissionHandler } from '../../src/deploy/rest/RestSubmissionServer.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import type { CreateSubmissionRequest } from '../../src/deploy/rest/messages.js';

const drivers = new Map<string, { req: CreateSubmissionRequest; state: string }>();
let counter = 0;
const handler: SubmissionHandler = {
  submit(req) {
    const id = `driver-20240131120000-${String(++counter).padStart(4, '0')}`;
    drivers.set(id, { req, state: 'QUEUED' });
    return { success: true, submissionId: id };
  },
  kill(id) {
    const d = drivers.get(id);
    if (!d) return { success: false, message: 'Cannot find driver' };
    drivers.delete(id);
    return { success: true, message: "Removed driver while it's still pending" };
  },
  status(id) {
    const d = drivers.get(id);
    return d ? { success: true, driverState: d.state } : { success: false, driverState: 'NOT_FOUND' };
  },
};

let server: RestSubmissionServer;
let base: string;
before(async () => {
  server = new RestSubmissionServer({ host: '127.0.0.1', port: 0 }, handler);
  await server.start();
  base = `http://127.0.0.1:${server.address!.port}`;
});
after(async () => {
  await server.stop();
});

const SPARK_CLIENT_REQUEST = `{
  "action" : "CreateSubmissionRequest",
  "appArgs" : [ "1000" ],
  "appResource" : "http://path/to/examples.jar",
  "clientSparkVersion" : "3.5.1",
  "environmentVariables" : { "SPARK_USER" : "alice" },
  "mainClass" : "org.apache.spark.examples.SparkPi",
  "sparkProperties" : {
    "spark.app.name" : "org.apache.spark.examples.SparkPi",
    "spark.driver.supervise" : "true",
    "spark.master" : "mesos://127.0.0.1:7077",
    "spark.submit.deployMode" : "cluster"
  },
  "tomato" : 1,
  "potato" : null
}`;

async function post(path: string, body: string) {
  const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', charset: 'utf-8' }, body });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

test('create, status and kill as Spark\'s client sends them', async () => {
  const created = await post('/v1/submissions/create', SPARK_CLIENT_REQUEST);
  assert.equal(created.status, 200);
  assert.equal(created.json.action, 'CreateSubmissionResponse');
  assert.equal(created.json.success, true);
  assert.equal(created.json.serverSparkVersion, '3.5.1');
  assert.match(String(created.json.submissionId), /^driver-\d{14}-\d{4}$/);
  assert.deepEqual(created.json.unknownFields, ['tomato', 'potato']);
  const id = String(created.json.submissionId);
  assert.equal(drivers.get(id)!.req.sparkProperties['spark.driver.supervise'], 'true');
  const st = await (await fetch(`${base}/v1/submissions/status/${id}`)).json();
  assert.deepEqual(st, { action: 'SubmissionStatusResponse', driverState: 'QUEUED', serverSparkVersion: '3.5.1', submissionId: id, success: true });
  const none = await (await fetch(`${base}/v1/submissions/status/driver-does-not-exist`)).json();
  assert.deepEqual(none, { action: 'SubmissionStatusResponse', driverState: 'NOT_FOUND', serverSparkVersion: '3.5.1', submissionId: 'driver-does-not-exist', success: false });
  const killed = await post(`/v1/submissions/kill/${id}/ignored/tail`, '');
  assert.deepEqual(killed.json, { action: 'KillSubmissionResponse', message: "Removed driver while it's still pending", serverSparkVersion: '3.5.1', submissionId: id, success: true });
});

test('each kind of bad request gets its status and ErrorResponse', async () => {
  const cases: [string, string, string, number, RegExp][] = [
    ['POST', '/v1/submissions/create', 'not json', 400, /^Malformed request/],
    ['POST', '/v1/submissions/create', '"hello, world"', 400, /^Malformed request: Action field not found/],
    ['POST', '/v1/submissions/create', '{"action":"ErrorResponse","message":"x","serverSparkVersion":"1"}', 400, /^Received message of unexpected type ErrorResponse\.$/],
    ['POST', '/v1/submissions/create', SPARK_CLIENT_REQUEST.replace('"appResource" : "http://path/to/examples.jar",', ''), 400, /^Malformed request: Application jar 'appResource' is missing\.$/],
    ['POST', '/v1/submissions/create', SPARK_CLIENT_REQUEST.replace('"clientSparkVersion" : "3.5.1",', ''), 400, /clientSparkVersion/],
    // Property values that fail validation, or ask for impossible resources: 400 naming the key (and the bound).
    ['POST', '/v1/submissions/create', SPARK_CLIENT_REQUEST.replace('"spark.driver.supervise" : "true"', '"spark.driver.memory" : "lots"'), 400, /^Malformed request: spark\.driver\.memory should be .*but was 'lots'/],
    ['POST', '/v1/submissions/create', SPARK_CLIENT_REQUEST.replace('"spark.driver.supervise" : "true"', '"spark.driver.supervise" : "yes"'), 400, /^Malformed request: spark\.driver\.supervise should be true or false/],
    ['POST', '/v1/submissions/create', SPARK_CLIENT_REQUEST.replace('"spark.driver.supervise" : "true"', '"spark.driver.memory" : "10000000000000000"'), 400, /^Malformed request: spark\.driver\.memory should be more than 0 and at most 1073741824 MiB \(1 PiB\)/],
    ['POST', '/v1/submissions/create', SPARK_CLIENT_REQUEST.replace('"spark.driver.supervise" : "true"', '"spark.driver.cores" : "Infinity"'), 400, /^Malformed request: spark\.driver\.cores should be more than 0 and at most 4096 cpus, but was 'Infinity'$/],
    ['POST', '/v1/submissions/create', SPARK_CLIENT_REQUEST.replace('"spark.driver.supervise" : "true"', '"spark.driver.cores" : "0"'), 400, /^Malformed request: spark\.driver\.cores should be more than 0/],
    ['POST', '/v2/submissions/create', SPARK_CLIENT_REQUEST, 468, /^Unknown protocol version 'v2'\. Please submit requests through/],
    ['GET', '/', '', 400, /^Missing protocol version\./],
    ['GET', '/v1', '', 400, /^Missing the \/submissions prefix\./],
    ['GET', '/v1/submissions/foo', '', 400, /^Missing an action: please specify one of \/create, \/kill, or \/status\./],
    ['POST', '/v1/submissions/kill', '', 400, /^Submission ID is missing in kill request\.$/],
    ['GET', '/v1/submissions/status/', '', 400, /^Submission ID is missing in status request\.$/],
  ];
  for (const [method, path, body, status, re] of cases) {
    const r = await fetch(`${base}${path}`, { method, ...(method === 'POST' ? { body } : {}) });
    assert.equal(r.status, status, `${method} ${path}`);
    const json = (await r.json()) as { action: string; message: string; highestProtocolVersion?: string; serverSparkVersion: string };
    assert.equal(json.action, 'ErrorResponse');
    assert.equal(json.serverSparkVersion, '3.5.1');
    assert.match(json.message, re, `${method} ${path}`);
    if (status === 468) assert.equal(json.highestProtocolVersion, 'v1');
  }
  assert.equal((await fetch(`${base}/v1/submissions/create`)).status, 405);
});

test('our client reads the responses; a server beyond loopback needs a token, and checks it', async () => {
  const client = new RestSubmissionClient(`mesos://127.0.0.1:${server.address!.port}`);
  const c = await client.createSubmission({ appResource: 'examples/pi.ts', mainClass: '', appArgs: ['10'], sparkProperties: { 'spark.app.name': 'pi' }, environmentVariables: {} });
  assert.ok(c.action === 'CreateSubmissionResponse' && c.success);
  const s = await client.requestSubmissionStatus(c.submissionId!);
  assert.ok(s.action === 'SubmissionStatusResponse' && s.driverState === 'QUEUED');
  const k = await client.killSubmission('driver-nope');
  assert.ok(k.action === 'KillSubmissionResponse' && k.success === false && k.message === 'Cannot find driver');
  assert.throws(() => new RestSubmissionServer({ host: '0.0.0.0', port: 0 }, handler), /without authentication: set spark\.mesos\.dispatcher\.rest\.token/);
  const guarded = new RestSubmissionServer({ host: '127.0.0.1', port: 0, token: 't0ken' }, handler);
  await guarded.start();
  try {
    const url = `mesos://127.0.0.1:${guarded.address!.port}`;
    const refused = await new RestSubmissionClient(url).requestSubmissionStatus('x');
    assert.ok(refused.action === 'ErrorResponse' && /HTTP 401/.test(refused.message ?? ''));
    const wrong = await new RestSubmissionClient(url, 'nope').requestSubmissionStatus('x');
    assert.ok(wrong.action === 'ErrorResponse');
    const ok = await new RestSubmissionClient(url, 't0ken').requestSubmissionStatus('x');
    assert.ok(ok.action === 'SubmissionStatusResponse' && ok.driverState === 'NOT_FOUND');
  } finally {
    await guarded.stop();
  }
});
