/** spark.ssl.ui: the driver's HTTP server speaks HTTPS with the configured PEM files, and links say https. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync, rmSync } from 'node:fs';
import { SparkConf, SparkContext } from '../../src/index.js';
import { makePki } from '../helpers/tls.js';

function get(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

test('the driver UI over TLS: trusted clients get pages, untrusted ones are refused, plain HTTP gets nothing', async () => {
  const pki = makePki();
  const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('tls-ui')
    .set('spark.ui.port', '0').set('spark.driver.host', '127.0.0.1')
    .set('spark.ssl.ui.enabled', 'true').set('spark.ssl.ui.privateKey', pki.serverKey).set('spark.ssl.ui.certChain', pki.serverCert));
  try {
    await sc.ready();
    const { port } = sc.uiAddress!;
    assert.equal(await get(`https://127.0.0.1:${port}/metrics/prometheus`, readFileSync(pki.caCert)), 200);
    await assert.rejects(get(`https://127.0.0.1:${port}/metrics/prometheus`), /self-signed|unable to verify|certificate/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics/prometheus`));
  } finally {
    await sc.stop();
    rmSync(pki.dir, { recursive: true, force: true });
  }
});

test('the history server over TLS (spark.ssl.historyServer)', async () => {
  const { HistoryServer } = await import('../../src/history/HistoryServer.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const pki = makePki();
  const logs = mkdtempSync(join(tmpdir(), 'history-tls-'));
  const server = new HistoryServer(new SparkConf({
    'spark.history.fs.logDirectory': logs, 'spark.ssl.historyServer.enabled': 'true',
    'spark.ssl.historyServer.privateKey': pki.serverKey, 'spark.ssl.historyServer.certChain': pki.serverCert,
  }));
  await server.start('127.0.0.1', 0);
  try {
    assert.equal(await get(`https://127.0.0.1:${server.address!.port}/api/v1/applications`, readFileSync(pki.caCert)), 200);
    await assert.rejects(fetch(`http://127.0.0.1:${server.address!.port}/api/v1/applications`));
  } finally {
    await server.stop();
    rmSync(pki.dir, { recursive: true, force: true });
    rmSync(logs, { recursive: true, force: true });
  }
});

test('bound to another address than its host (as 0.0.0.0 in containers), the driver UI advertises its host (what the Mesos UI links to)', async () => {
  const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('bind-any')
    .set('spark.ui.port', '0').set('spark.driver.host', '127.0.0.1').set('spark.driver.bindAddress', '127.0.0.2'));
  try {
    await sc.ready();
    // Tests bind loopback only: 127.0.0.2 stands in for a wildcard bind.
    assert.equal(sc.uiAddress!.host, '127.0.0.2');
    assert.equal(sc.uiWebUrl, `http://127.0.0.1:${sc.uiAddress!.port}`);
    assert.equal((await fetch(`http://127.0.0.2:${sc.uiAddress!.port}/metrics/prometheus`)).status, 200);
  } finally {
    await sc.stop();
  }
});
