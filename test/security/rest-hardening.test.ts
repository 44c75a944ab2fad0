/**
 * The REST submission server and the dispatcher UI under hostile or careless clients: credentials before the body,
 * bounded bodies, strict UTF-8, the token from a file, the UI behind the same credential, and TLS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestSubmissionServer, type SubmissionHandler } from '../../src/deploy/rest/RestSubmissionServer.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { credentialMatches } from '../../src/deploy/rest/restAuth.js';
import { restToken } from '../../src/deploy/rest/restToken.js';
import { SparkConf } from '../../src/conf/SparkConf.js';
import { sslServerOptions, sslClientOptions } from '../../src/conf/sslOptions.js';
import { makePki } from '../helpers/tls.js';

let submitted = 0;
const handler: SubmissionHandler = {
  submit: () => ({ success: true, submissionId: `driver-${++submitted}` }),
  kill: () => ({ success: true }),
  status: () => ({ success: true, driverState: 'QUEUED' }),
};

const REQUEST = JSON.stringify({
  action: 'CreateSubmissionRequest', appArgs: [], appResource: 'app.ts', clientSparkVersion: '3.5.1', environmentVariables: {},
  mainClass: 'Main', sparkProperties: { 'spark.app.name': 'x' },
});

async function withServer(opts: Partial<ConstructorParameters<typeof RestSubmissionServer>[0]>, body: (port: number) => Promise<void>) {
  const server = new RestSubmissionServer({ host: '127.0.0.1', port: 0, ...opts }, handler);
  await server.start();
  try {
    await body(server.address!.port);
  } finally {
    await server.stop();
  }
}

/** Streams `total` bytes of body after the headers; resolves with the status line seen and the bytes written before the close. */
function streamPost(port: number, headers: string[], total: number): Promise<{ status: string; written: number }> {
  return new Promise((resolve) => {
    let written = 0;
    let reply = '';
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.write(`POST /v1/submissions/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const pump = () => {
        while (written < total && !s.destroyed) {
          const c = headers.some((h) => /chunked/.test(h)) ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
          written += chunk.length;
          if (!s.write(c)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    s.on('data', (d) => (reply += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => resolve({ status: reply.split('\r\n')[0] ?? '', written }));
  });
}

test('without credentials, a huge body is refused with 401 before it is read, and nothing is submitted', async () => {
  await withServer({ token: 's3cret-token' }, async (port) => {
    const before = submitted;
    const r = await streamPost(port, ['Content-Length: 268435456'], 256 * 1024 * 1024);
    assert.match(r.status, / 401 /);
    assert.ok(r.written < 64 * 1024 * 1024, `the server took ${r.written} bytes before closing`);
    const chunked = await streamPost(port, ['Transfer-Encoding: chunked'], 256 * 1024 * 1024);
    assert.match(chunked.status, / 401 /);
    assert.ok(chunked.written < 64 * 1024 * 1024, `the server took ${chunked.written} bytes of a chunked body`);
    assert.equal(submitted, before);
  });
});

test('with credentials, bodies above the cap get 413, declared or streamed; below it, the submission goes through', async () => {
  await withServer({ token: 't', maxBodyBytes: 64 * 1024 }, async (port) => {
    const declared = await streamPost(port, ['Authorization: Bearer t', 'Content-Length: 1048576'], 1024 * 1024);
    assert.match(declared.status, / 413 /);
    const streamed = await streamPost(port, ['Authorization: Bearer t', 'Transfer-Encoding: chunked'], 32 * 1024 * 1024);
    assert.match(streamed.status, / 413 /);
    assert.ok(streamed.written < 16 * 1024 * 1024, `took ${streamed.written} bytes`);
    const ok = await fetch(`http://127.0.0.1:${port}/v1/submissions/create`, { method: 'POST', headers: { Authorization: 'Bearer t' }, body: REQUEST });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { success: boolean }).success, true);
  });
});

test('a body that is not valid UTF-8 is a 400 that says so', async () => {
  await withServer({}, async (port) => {
    const body = Buffer.concat([Buffer.from(REQUEST.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(REQUEST.slice(20))]);
    const r = await fetch(`http://127.0.0.1:${port}/v1/submissions/create`, { method: 'POST', body });
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { message: string }).message, /not valid UTF-8/);
  });
});

test('credentials: Bearer, or Basic with the token as password; nothing else', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  const cases: [string | undefined, boolean][] = [
    ['Bearer tok', true], [basic('anyone:tok'), true], [basic(':tok'), true], [basic('tok'), false], [basic('a:tok2'), false],
    ['Bearer tok2', false], ['Bearer', false], ['tok', false], [undefined, false], ['Basic !!!', false],
  ];
  for (const [header, ok] of cases) assert.equal(credentialMatches(header, 'tok'), ok, String(header));
});

test('the token comes from the setting, a file (never the command line) or the environment; a bad file names the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'token-'));
  try {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\n', { mode: 0o600 });
    assert.equal(restToken(new SparkConf({ 'spark.mesos.dispatcher.rest.token': 'direct' }), {}), 'direct');
    assert.equal(restToken(new SparkConf({ 'spark.mesos.dispatcher.rest.token.file': file }), {}), 'from-file');
    assert.equal(restToken(new SparkConf({}), { SPARK_MESOS_DISPATCHER_TOKEN_FILE: file }), 'from-file');
    assert.equal(restToken(new SparkConf({}), { SPARK_MESOS_DISPATCHER_TOKEN: 'from-env' }), 'from-env');
    assert.equal(restToken(new SparkConf({}), {}), undefined);
    assert.throws(() => restToken(new SparkConf({ 'spark.mesos.dispatcher.rest.token.file': join(dir, 'missing') }), {}), /spark\.mesos\.dispatcher\.rest\.token\.file: cannot read .*ENOENT/);
    writeFileSync(file, '');
    assert.throws(() => restToken(new SparkConf({ 'spark.mesos.dispatcher.rest.token.file': file }), {}), /is empty/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TLS (spark.ssl.standalone.*): the REST server speaks HTTPS, our client trusts the configured authority, mutual TLS refuses clients without a certificate', async () => {
  const pki = makePki();
  try {
    const conf = new SparkConf({
      'spark.ssl.enabled': 'true', 'spark.ssl.standalone.privateKey': pki.serverKey, 'spark.ssl.standalone.certChain': pki.serverCert,
      'spark.ssl.standalone.trustStore': pki.caCert,
    });
    await withServer({ tls: sslServerOptions(conf, 'standalone')! }, async (port) => {
      const client = new RestSubmissionClient(`mesos://127.0.0.1:${port}`, undefined, 5000, sslClientOptions(conf, 'standalone'));
      assert.match(client.baseUrl, /^https:/);
      assert.equal((await client.requestSubmissionStatus('driver-1')).action, 'SubmissionStatusResponse');
      // Plain HTTP to a TLS port gets nowhere; an untrusting client refuses the certificate.
      await assert.rejects(new RestSubmissionClient(`mesos://127.0.0.1:${port}`).requestSubmissionStatus('x'), /Unable to connect/);
      await assert.rejects(new RestSubmissionClient(`mesos://127.0.0.1:${port}`, undefined, 5000, {}).requestSubmissionStatus('x'), /Unable to connect/);
    });
    const mutual = new SparkConf({
      'spark.ssl.standalone.enabled': 'true', 'spark.ssl.standalone.privateKey': pki.serverKey, 'spark.ssl.standalone.certChain': pki.serverCert,
      'spark.ssl.standalone.trustStore': pki.caCert, 'spark.ssl.standalone.needClientAuth': 'true',
    });
    await withServer({ tls: sslServerOptions(mutual, 'standalone')! }, async (port) => {
      await assert.rejects(new RestSubmissionClient(`mesos://127.0.0.1:${port}`, undefined, 5000, { ca: sslClientOptions(mutual, 'standalone')!.ca! }).requestSubmissionStatus('x'), /Unable to connect/);
      const withCert = new RestSubmissionClient(`mesos://127.0.0.1:${port}`, undefined, 5000, sslClientOptions(mutual, 'standalone'));
      assert.equal((await withCert.requestSubmissionStatus('driver-1')).action, 'SubmissionStatusResponse');
    });
    assert.throws(() => sslServerOptions(new SparkConf({ 'spark.ssl.standalone.enabled': 'true' }), 'standalone'), /spark\.ssl\.standalone\.privateKey must name a PEM private key/);
    assert.throws(() => sslServerOptions(new SparkConf({ 'spark.ssl.ui.enabled': 'true', 'spark.ssl.privateKey': '/nonexistent/k.pem', 'spark.ssl.certChain': pki.serverCert }), 'ui'), /spark\.ssl\.ui\.privateKey: cannot read the PEM file '\/nonexistent\/k\.pem' \(ENOENT\)/);
    assert.equal(sslServerOptions(new SparkConf({ 'spark.ssl.enabled': 'true', 'spark.ssl.ui.enabled': 'false' }), 'ui'), undefined, 'a namespace can opt out');
  } finally {
    rmSync(pki.dir, { recursive: true, force: true });
  }
});

test('filesystem recovery: state folders 0700 and documents 0600, whatever the umask', async () => {
  const { FileSystemPersistenceEngine } = await import('../../src/deploy/persistence/FileSystemPersistenceEngine.js');
  const { statSync, readdirSync } = await import('node:fs');
  const dir = join(mkdtempSync(join(tmpdir(), 'fs-recovery-')), 'state');
  const old = process.umask(0o000);
  try {
    const store = new FileSystemPersistenceEngine(dir);
    await store.persist('launchedDrivers', 'driver-1', { secret: 'x' });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const sub of readdirSync(dir)) assert.equal(statSync(join(dir, sub)).mode & 0o777, 0o700, sub);
    assert.equal(statSync(join(dir, 'launchedDrivers', 'driver-1.json')).mode & 0o777, 0o600);
  } finally {
    process.umask(old);
    rmSync(dir, { recursive: true, force: true });
  }
});
