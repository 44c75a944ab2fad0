/**
 * Checks that secrets stay out of mini-Mesos' state endpoints in every form they could travel in: plain, JSON-escaped,
 * and base64 (VALUE secrets travel base64-encoded, possibly inside a larger base64 blob such as a JSON document).
 */
import assert from 'node:assert/strict';
import type { MiniCluster } from '../../src/index.js';

/**
 * The base64 text that encodes `s` wherever it sits inside a larger encoded buffer: one fragment per alignment
 * (the secret starting 0, 1 or 2 bytes into a 3-byte group), keeping only the groups made of the secret's own bytes.
 */
export function base64Fragments(s: string): string[] {
  const bytes = Buffer.from(s);
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const first = Math.ceil(k / 3);
    const last = Math.floor((k + bytes.length) / 3);
    if (last > first) out.push(enc.slice(4 * first, 4 * last));
  }
  return out;
}

/** Every form of `secret` that must not appear: plain, JSON-escaped, and base64 of either. */
export function secretForms(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, escaped, ...base64Fragments(secret), ...base64Fragments(escaped), ...base64Fragments(JSON.stringify(secret))])];
}

/** The URLs of every state endpoint of the cluster's master and agents. */
export function stateUrls(c: MiniCluster): string[] {
  const m = c.master.endpoint;
  const urls = ['/state', '/master/state', '/state.json', '/master/state.json'].map((p) => `http://${m.host}:${m.port}${p}`);
  for (const a of c.agents) for (const p of ['/state', '/slave(1)/state']) urls.push(`http://${a.endpoint.host}:${a.endpoint.port}${p}`);
  return urls;
}

/** Fetches every state endpoint and fails if any shows any form of any of the secrets (never printing them). */
export async function assertSecretsOutOfState(c: MiniCluster, secrets: string[]): Promise<void> {
  for (const url of stateUrls(c)) {
    const res = await fetch(url);
    assert.equal(res.status, 200, `${url} answers`);
    const body = await res.text();
    secrets.forEach((secret, i) => {
      secretForms(secret).forEach((form, j) => {
        assert.ok(!body.includes(form), `secret #${i} (form #${j}) is shown by ${url}`);
      });
    });
  }
}
