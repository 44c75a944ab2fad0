/** The REST server's authentication: a token beyond loopback unless the operator opts out, and then a warning. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restAuth } from '../../src/deploy/rest/restAuth.js';
import { RestSubmissionServer } from '../../src/deploy/rest/RestSubmissionServer.js';

test('token required beyond loopback by default; spark.mesos.dispatcher.rest.allowUnauthenticated opts out, with a warning', () => {
  const table: [string, string | undefined, boolean, 'token' | 'open' | 'refused', boolean][] = [
    // host, token, allowUnauthenticated, outcome, warns
    ['127.0.0.1', undefined, false, 'open', false],
    ['localhost', undefined, false, 'open', false],
    ['::1', undefined, false, 'open', false],
    ['0.0.0.0', undefined, false, 'refused', false],
    ['10.0.0.5', undefined, false, 'refused', false],
    ['10.0.0.5', 't0ken', false, 'token', false],
    ['10.0.0.5', 't0ken', true, 'token', false],
    ['0.0.0.0', undefined, true, 'open', true],
    ['127.0.0.1', undefined, true, 'open', true],
  ];
  for (const [host, token, allowUnauthenticated, outcome, warns] of table) {
    const what = `${host} token=${token} allow=${allowUnauthenticated}`;
    if (outcome === 'refused') {
      assert.throws(() => restAuth({ host, token, allowUnauthenticated }), /without authentication: set spark\.mesos\.dispatcher\.rest\.token .*spark\.mesos\.dispatcher\.rest\.allowUnauthenticated=true/, what);
      continue;
    }
    const a = restAuth({ host, token, allowUnauthenticated });
    assert.equal(a.kind, outcome, what);
    const warning = a.kind === 'open' ? a.warning : undefined;
    assert.equal(warning !== undefined, warns, what);
    if (warning) assert.match(warning, /unauthenticated/);
    if (a.kind === 'token') assert.ok(!JSON.stringify(a).includes('warning'));
  }
  // The server itself: refused beyond loopback without consent, built with it (nothing binds in the constructor).
  const handler = { submit: () => ({ success: false }), kill: () => ({ success: false }), status: () => ({ success: false }) };
  assert.throws(() => new RestSubmissionServer({ host: '0.0.0.0', port: 0 }, handler), /without authentication/);
  assert.equal(new RestSubmissionServer({ host: '0.0.0.0', port: 0, allowUnauthenticated: true }, handler).auth.kind, 'open');
});
