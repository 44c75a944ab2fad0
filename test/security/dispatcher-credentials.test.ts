/**
 * A dispatcher with a REST token given by file: the token is on no command line, the UI and metrics require it like
 * the REST server does, and REST requests without it are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiniCluster } from '../../src/index.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { startDispatcher } from '../helpers/dispatcher.js';

test('the dispatcher reads its token from a file; UI, metrics and REST all require it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dispatcher-token-'));
  const token = 'tok-4f9a-not-on-any-command-line';
  writeFileSync(join(dir, 'token'), `${token}\n`, { mode: 0o600 });
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:2;mem:4096' }).start();
  const d = await startDispatcher(c.masterUrl, ['--conf', `spark.deploy.recoveryDirectory=${join(dir, 'state')}`], 30_000, { SPARK_MESOS_DISPATCHER_TOKEN_FILE: join(dir, 'token') });
  try {
    const cmdline = readFileSync(`/proc/${d.proc.pid}/cmdline`, 'utf8');
    assert.ok(!cmdline.includes(token), 'the token is not on the command line');
    for (const path of ['/', '/metrics/prometheus', '/api/status', '/driver?id=x']) {
      const anon = await fetch(`${d.uiUrl}${path}`);
      assert.equal(anon.status, 401, `${path} without credentials`);
      assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic /, 'a browser is asked to log in');
      await anon.arrayBuffer();
    }
    const basic = `Basic ${Buffer.from(`ops:${token}`).toString('base64')}`;
    const page = await fetch(`${d.uiUrl}/`, { headers: { Authorization: basic } });
    assert.equal(page.status, 200);
    assert.ok(!(await page.text()).includes(token), 'the page does not show the token');
    assert.equal((await fetch(`${d.uiUrl}/metrics/prometheus`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    const refused = await new RestSubmissionClient(d.restUrl).requestSubmissionStatus('driver-x');
    assert.match(String(refused.message), /HTTP 401/);
    const ok = await new RestSubmissionClient(d.restUrl, token).requestSubmissionStatus('driver-x');
    assert.equal(ok.action, 'SubmissionStatusResponse');
    assert.ok(!d.stderr().includes(token), 'the log does not show the token');
  } finally {
    await d.stop();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
