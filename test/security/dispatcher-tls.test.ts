/**
 * spark.ssl.standalone: the cluster dispatcher's REST submission server and web UI both speak HTTPS with the
 * configured PEM key and certificate (made here with openssl), refuse clients that do not trust it, and answer
 * nothing in plain HTTP; what it advertises to Mesos says https.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync, rmSync } from 'node:fs';
import { MiniCluster, SparkConf } from '../../src/index.js';
import { MesosClusterDispatcher } from '../../src/deploy/MesosClusterDispatcher.js';
import { makePki } from '../helpers/tls.js';

function get(url: string, ca?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ...(ca ? { ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('the dispatcher over TLS: REST and UI serve HTTPS to clients that trust it; untrusted and plain-HTTP clients get nothing', async () => {
  const pki = makePki();
  const ca = readFileSync(pki.caCert);
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:1024', master: { allocationIntervalMs: 50 } }).start();
  const dispatcher = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: c.masterUrl }, new SparkConf({
    'spark.app.name': 'Spark Cluster', 'spark.deploy.recoveryMode': 'NONE',
    'spark.ssl.standalone.enabled': 'true', 'spark.ssl.standalone.privateKey': pki.serverKey, 'spark.ssl.standalone.certChain': pki.serverCert,
  }));
  try {
    await dispatcher.start();
    const rest = `127.0.0.1:${dispatcher.rest!.address!.port}`;
    const ui = `127.0.0.1:${dispatcher.ui!.address!.port}`;
    const status = await get(`https://${rest}/v1/submissions/status/driver-20260101000000-0001`, ca);
    assert.equal(status.status, 200);
    assert.deepEqual(JSON.parse(status.body).driverState, 'NOT_FOUND');
    const page = await get(`https://${ui}/api/status`, ca);
    assert.equal(page.status, 200);
    assert.equal((JSON.parse(page.body) as { ready: boolean }).ready, true);
    assert.equal(dispatcher.scheduler!.webuiUrl, `https://${ui}`);
    for (const where of [rest, ui]) {
      // Not trusted: the handshake fails; plain HTTP: the connection is closed with no answer.
      await assert.rejects(get(`https://${where}/`), /self-signed|unable to verify|certificate/, where);
      await assert.rejects(fetch(`http://${where}/`), TypeError, where);
    }
  } finally {
    await dispatcher.stop();
    await c.stop();
    rmSync(pki.dir, { recursive: true, force: true });
  }
});
