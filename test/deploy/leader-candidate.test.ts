/**
 * What a dispatcher takes from the leader's election znode (only URLs of the expected shape: they go into REST
 * answers and UI links), what a standby says when they are not valid, and whenKnown waiters that time out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElection, parseCandidate } from '../../src/deploy/ha/LeaderElection.js';
import { standbyMessage } from '../../src/deploy/ha/standby.js';

const data = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const ui = 'http://10.0.0.5:8081';

test('parseCandidate: only mesos|http(s)://host:port REST URLs and http(s) UI URLs, else an error naming the field', () => {
  const good: [string, string][] = [
    ['mesos://10.0.0.5:7077', ui],
    ['http://dispatcher-1.example.com:7077', 'https://dispatcher-1.example.com'],
    ['https://[::1]:7077', 'http://[::1]:8081/proxy/dispatcher/'],
  ];
  for (const [rest, u] of good) assert.deepEqual(parseCandidate(data({ rest, ui: u })), { rest, ui: u }, rest);
  const bad: [unknown, RegExp][] = [
    ['not json', /does not hold JSON/],
    [{ rest: 'mesos://h:7077' }, /'ui' should be a URL .* but was undefined/],
    [{ rest: 7077, ui }, /'rest' should be a URL mesos\|http\|https:\/\/host:port, but was number/],
    [{ rest: 'javascript:alert(1)//:1', ui }, /'rest'/],
    [{ rest: 'mesos://h:7077/<script>', ui }, /'rest'/],
    [{ rest: 'mesos://h', ui }, /'rest'/],
    [{ rest: 'mesos://user@h:7077', ui }, /'rest'/],
    [{ rest: 'mesos://h:99999', ui }, /'rest'/],
    [{ rest: 'ftp://h:21', ui }, /'rest'/],
    [{ rest: 'mesos://h:7077', ui: 'javascript:alert(1)' }, /'ui'/],
    [{ rest: 'mesos://h:7077', ui: 'http://h:8081/"><script>' }, /'ui'/],
    [{ rest: 'mesos://h:7077 please', ui }, /'rest'/],
  ];
  for (const [v, re] of bad) {
    const r = parseCandidate(data(v));
    assert.ok(r instanceof Error, `${JSON.stringify(v)} rejected`);
    assert.match(r.message, re);
  }
});

test('standbyMessage: a leader whose URLs were rejected is an unknown leader', () => {
  assert.match(standbyMessage({ leader: undefined, unknown: true }), /standby; unknown leader/);
  assert.match(standbyMessage({ leader: undefined }), /no leading dispatcher is elected yet/);
  assert.match(standbyMessage({ leader: { rest: 'mesos://h:7077', ui } }), /takes submissions at mesos:\/\/h:7077/);
});

test('LeaderElection.whenKnown: a waiter that timed out is removed', async () => {
  const e = new LeaderElection('127.0.0.1:1', '/x', {}, { rest: 'mesos://127.0.0.1:7077', ui });
  const waits = Promise.all(Array.from({ length: 50 }, () => e.whenKnown(10)));
  // whenKnown's timer does not hold the process open: this one does.
  await new Promise((r) => setTimeout(r, 100));
  await waits;
  assert.equal(e.waiting, 0);
});
