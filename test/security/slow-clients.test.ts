/**
 * Slow clients: every HTTP server of the project (REST, dispatcher UI, driver UI, history server) is made by
 * `listenWithRetries`, which bounds how long a request's headers (20 s) and whole request (60 s) may take; Node's own
 * defaults (60 s and 300 s) would let a slow-loris client hold a connection five times longer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { listenWithRetries } from '../../src/util/listen.js';

test('HTTP servers drop requests whose headers take over 20 s or whole request over 60 s', async () => {
  const s = await listenWithRetries('127.0.0.1', 0, 0, (_req, res) => res.end());
  try {
    assert.equal(s.headersTimeout, 20_000);
    assert.equal(s.requestTimeout, 60_000);
  } finally {
    await new Promise((r) => s.close(r));
  }
  // Each of the project's HTTP servers listens through it (a server made another way would keep Node's defaults).
  for (const f of ['src/deploy/rest/RestSubmissionServer.ts', 'src/deploy/ui/DispatcherUI.ts', 'src/ui/DriverStatusServer.ts', 'src/history/HistoryServer.ts']) {
    assert.match(readFileSync(f, 'utf8'), /listenWithRetries\(/, f);
  }
});
