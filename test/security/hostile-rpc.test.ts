/**
 * The hostile-input suite's RPC part: junk frames before and after authentication at both framed listeners that
 * take connections from the network, an executor's block server and the driver's endpoint (spark.authenticate on).
 * Each junk connection is closed; the listener still serves an honest client afterwards. `docs/security.md` reports
 * the counts printed here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBlockServer } from '../../src/executor/BlockServer.js';
import { Connection, type Message } from '../../src/rpc/Connection.js';
import { encode } from '../../src/rpc/framing.js';
import { PRE_AUTH_MAX_FRAME } from '../../src/rpc/handshake.js';
import { DriverEndpoint } from '../../src/scheduler/cluster/DriverEndpoint.js';
import type { BackendEvents } from '../../src/scheduler/SchedulerBackend.js';

const SECRET = 's3';
/** Long enough that a junk connection closed well before it was closed for its junk, not by the handshake timeout. */
const HANDSHAKE_MS = 4_000;
const x25519 = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12);

const header = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n, 0); return b; };

/** Junk that must be refused at once: the connection closes long before the handshake timeout. */
const IMMEDIATE: [string, Buffer][] = [
  ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ['a frame of garbage', Buffer.concat([header(8), Buffer.alloc(8, 0xff)])],
  ['a frame holding a number', encode(42 as unknown as object)],
  ['a 2 GiB header', Buffer.from([0x7f, 0xff, 0xff, 0xff])],
  ['a frame one byte over the pre-auth cap, header only', header(PRE_AUTH_MAX_FRAME + 1)],
  ['a 1 MiB frame before authentication', Buffer.concat([header(1 << 20), Buffer.alloc(1 << 20, 0x41)])],
  ['an auth with a huge name', encode({ t: 'auth', who: 'x'.repeat(3000), nonce: Buffer.alloc(16), crypto: false, pub: Buffer.alloc(32), mac: Buffer.alloc(32) })],
  ['a forged auth (well formed, wrong MAC)', encode({ t: 'auth', who: '1', nonce: Buffer.alloc(16, 1), crypto: false, pub: x25519, mac: Buffer.alloc(32) })],
  ['an auth with a bad public key', encode({ t: 'auth', who: '1', nonce: Buffer.alloc(16, 1), crypto: false, pub: Buffer.alloc(7), mac: Buffer.alloc(32) })],
  ['a message before the handshake', encode({ t: 'register', executorId: '1', host: 'h', cores: 1, port: 1, pid: 1 })],
];
/** Junk that stalls: a truncated frame or header left hanging; the handshake timeout closes it. */
const STALLED: [string, Buffer][] = [
  ['a truncated frame', Buffer.concat([header(100), Buffer.from('{"t":"au')])],
  ['a truncated header', Buffer.from([0, 0])],
  ['nothing at all', Buffer.alloc(0)],
];

/** Writes `bytes` on a fresh connection and resolves with how long the server took to close it. */
async function closedAfter(port: number, what: string, bytes: Buffer, withinMs: number): Promise<number> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => undefined);
  s.resume();
  const started = Date.now();
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  if (bytes.length > 0) s.write(bytes);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([closed, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: not closed within ${withinMs} ms`)), withinMs)))]);
  } finally {
    clearTimeout(timer);
    s.destroy();
  }
  return Date.now() - started;
}

/** Throws every case at `port`; returns how many were run. */
async function throwJunk(port: number): Promise<number> {
  for (const [what, bytes] of IMMEDIATE) {
    const ms = await closedAfter(port, what, bytes, HANDSHAKE_MS / 2);
    assert.ok(ms < HANDSHAKE_MS / 2, `${what}: closed after ${ms} ms`);
  }
  for (const [what, bytes] of STALLED) await closedAfter(port, what, bytes, HANDSHAKE_MS + 3_000);
  // After authentication: a garbage frame closes that connection only.
  const c = await Connection.connect('127.0.0.1', port, SECRET, 'junk');
  const closed = new Promise<void>((r) => c.once('close', () => r()));
  c.socket.write(Buffer.concat([header(4), Buffer.from([0xff, 0xff, 0xff, 0xff])]));
  await closed;
  return IMMEDIATE.length + STALLED.length + 1;
}

const events = { executorAdded: () => undefined, executorRemoved: () => undefined, statusUpdate: () => undefined, resourceOffers: () => [], pendingTasks: () => 0 } as unknown as BackendEvents;

async function startEndpoint(): Promise<DriverEndpoint> {
  const e = new DriverEndpoint({ host: '127.0.0.1', port: 0, secret: SECRET, handshakeTimeoutMs: HANDSHAKE_MS, heartbeatIntervalMs: 1_000, timeoutMs: 60_000 });
  await e.start(events);
  return e;
}

/** Authenticates as `who`, registers as `executorId`, and resolves with the driver's answer. */
async function register(port: number, who: string, executorId: string): Promise<{ conn: Connection; answer: Message }> {
  const conn = await Connection.connect('127.0.0.1', port, SECRET, who);
  const answer = new Promise<Message>((resolve, reject) => {
    conn.once('message', resolve);
    setTimeout(() => reject(new Error('no answer to register')), 10_000).unref();
  });
  conn.send({ t: 'register', executorId, host: '127.0.0.1', cores: 1, port: 1, pid: process.pid });
  return { conn, answer: await answer };
}

test('RPC frames at a block server: junk before and after authentication closes only that connection', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'blocks-'));
  const server = await startBlockServer('127.0.0.1', 0, root, SECRET, { handshakeTimeoutMs: HANDSHAKE_MS });
  const port = (server.address() as net.AddressInfo).port;
  try {
    const n = await throwJunk(port);
    const again = await Connection.connect('127.0.0.1', port, SECRET, 'peer');
    assert.ok(again.isAuthenticated, 'still serving');
    again.close();
    t.diagnostic(`block server rpc cases: ${n}`);
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test("RPC frames at the driver's endpoint (spark.authenticate=true): junk closes that connection; executors still register", async (t) => {
  const endpoint = await startEndpoint();
  const port = endpoint.address!.port;
  try {
    const n = await throwJunk(port);
    assert.equal(endpoint.executors.size, 0, 'no junk connection registered');
    const { conn, answer } = await register(port, '7', '7');
    assert.equal(answer.t, 'registered', 'still serving');
    assert.ok(endpoint.executors.has('7'));
    conn.close();
    t.diagnostic(`driver endpoint rpc cases: ${n}`);
  } finally {
    await endpoint.stop();
  }
});

test('an executor registering under an id other than the one it authenticated with is refused', async () => {
  const endpoint = await startEndpoint();
  const port = endpoint.address!.port;
  try {
    const { conn, answer } = await register(port, '1', '2');
    assert.equal(answer.t, 'refused');
    assert.match(String(answer.reason), /executor id 2 is not the one authenticated/);
    await new Promise<void>((r) => (conn.isOpen ? conn.once('close', () => r()) : r()));
    assert.equal(endpoint.executors.size, 0);
    assert.equal(endpoint.refused, 1);
    // The honest executor 2 still registers: the impostor did not take its id.
    const honest = await register(port, '2', '2');
    assert.equal(honest.answer.t, 'registered');
    honest.conn.close();
  } finally {
    await endpoint.stop();
  }
});
