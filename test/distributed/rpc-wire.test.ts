/** The framed connection on real sockets: bounded input before authentication, fake servers, encryption on the wire. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { Connection, listen, type Message } from '../../src/rpc/Connection.js';
import { encode } from '../../src/rpc/framing.js';

async function echoServer(auth: Parameters<typeof listen>[2], opts: Parameters<typeof listen>[4] = {}) {
  const events: string[] = [];
  const server = await listen('127.0.0.1', 0, auth, (c) => {
    c.on('authFailed', (why: string) => events.push(`authFailed: ${why}`));
    c.on('protocolError', (why: string) => events.push(`protocolError: ${why}`));
    c.on('message', (m: Message) => c.send({ t: 'echo', m }));
  }, opts);
  const port = (server.address() as net.AddressInfo).port;
  return { server, port, events, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Resolves when the socket closes (events.once would reject on the reset that comes first). */
function closed(s: net.Socket): Promise<void> {
  return new Promise((r) => s.once('close', () => r()));
}

function rawConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.off('error', reject);
      s.on('error', () => undefined); // the server resets connections it refuses
      s.resume(); // read what the server sends, so its close is seen
      resolve(s);
    });
    s.on('error', reject);
  });
}

test('before authentication, a frame above a few KiB closes the connection at once', async () => {
  const srv = await echoServer('s3cret');
  const s = await rawConnect(srv.port);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(256 * 1024 * 1024, 0);
  s.write(head);
  s.write(Buffer.alloc(1024 * 1024, 0x41));
  await closed(s);
  assert.ok(srv.events.some((e) => /exceeds the limit of 4096/.test(e)), srv.events.join('; '));
  await srv.stop();
});

test('a message other than the handshake before authentication is refused', async () => {
  const srv = await echoServer('s3cret');
  const s = await rawConnect(srv.port);
  s.write(encode({ t: 'fetchBlock', path: '/etc/passwd' }));
  await closed(s);
  assert.ok(srv.events.some((e) => /'fetchBlock' before authentication/.test(e)), srv.events.join('; '));
  await srv.stop();
});

test('a silent connection is closed after the handshake timeout', async () => {
  const srv = await echoServer('s3cret', { handshakeTimeoutMs: 200 });
  const s = await rawConnect(srv.port);
  const t0 = Date.now();
  await closed(s);
  assert.ok(Date.now() - t0 < 5000);
  assert.ok(srv.events.some((e) => /no authentication within 200 ms/.test(e)), srv.events.join('; '));
  await srv.stop();
});

test('connections still authenticating are bounded in number; authenticated ones are not counted', async () => {
  const srv = await echoServer('s3cret', { maxPendingHandshakes: 3, handshakeTimeoutMs: 30_000 });
  const idle = await Promise.all([1, 2, 3].map(() => rawConnect(srv.port)));
  const fourth = await rawConnect(srv.port);
  await closed(fourth);
  for (const s of idle) s.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const good = await Connection.connect('127.0.0.1', srv.port, 's3cret', 'exec-1');
  const good2 = await Connection.connect('127.0.0.1', srv.port, 's3cret', 'exec-2');
  good.send({ t: 'ping' });
  const [reply] = (await once(good, 'message')) as [Message];
  assert.equal(reply.t, 'echo');
  good.close();
  good2.close();
  await srv.stop();
});

test('a server that skips the challenge, or cannot prove the secret, is not obeyed', async () => {
  // Speaks application messages straight away.
  const rude = net.createServer((s) => s.write(encode({ t: 'launchTask', task: 'rm -rf /' })));
  await new Promise<void>((r) => rude.listen(0, '127.0.0.1', () => r()));
  await assert.rejects(Connection.connect('127.0.0.1', (rude.address() as net.AddressInfo).port, 's3cret', 'exec-1', 3000), /'launchTask' before authentication/);
  rude.close();
  // Challenges properly but does not know the secret, so it accepts anything.
  const liar = net.createServer((s) => {
    s.write(encode({ t: 'challenge', nonce: Buffer.alloc(16, 7), crypto: false }));
    s.once('data', () => s.write(encode({ t: 'authOk', pub: Buffer.alloc(32, 9), crypto: false, mac: Buffer.alloc(32) })));
  });
  await new Promise<void>((r) => liar.listen(0, '127.0.0.1', () => r()));
  await assert.rejects(Connection.connect('127.0.0.1', (liar.address() as net.AddressInfo).port, 's3cret', 'exec-1', 3000), /did not prove knowledge of the shared secret/);
  liar.close();
  // Knows another secret.
  const other = await echoServer('another');
  await assert.rejects(Connection.connect('127.0.0.1', other.port, 's3cret', 'exec-1', 3000), /refused: authentication failed/);
  await other.stop();
});

/** A TCP relay that records what passes from client to server and may corrupt one byte past `corruptAfter`. */
async function relay(target: number, corruptAfter?: number) {
  const seen: Buffer[] = [];
  const server = net.createServer((client) => {
    const up = net.connect({ host: '127.0.0.1', port: target });
    let total = 0;
    client.on('data', (d: Buffer) => {
      let out = d;
      if (corruptAfter !== undefined && total + d.length > corruptAfter && total <= corruptAfter) {
        out = Buffer.from(d);
        out[Math.max(0, corruptAfter - total)]! ^= 0xff;
      }
      total += d.length;
      seen.push(Buffer.from(d));
      up.write(out);
    });
    up.on('data', (d) => client.write(d));
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, seen: () => Buffer.concat(seen), close: () => server.close() };
}

test('with encryption asked by the server, frames on the wire carry no plaintext; without, they do', async () => {
  for (const encrypt of [true, false]) {
    const srv = await echoServer({ secret: 's3cret', encrypt });
    const r = await relay(srv.port);
    const c = await Connection.connect('127.0.0.1', r.port, 's3cret', 'exec-1');
    assert.equal(c.encrypted, encrypt);
    c.send({ t: 'status', note: 'visible-marker-1234' });
    const [reply] = (await once(c, 'message')) as [Message];
    assert.equal((reply.m as Message).note, 'visible-marker-1234');
    assert.equal(r.seen().includes(Buffer.from('visible-marker-1234')), !encrypt);
    c.close();
    r.close();
    await srv.stop();
  }
});

test('an altered encrypted frame closes the connection', async () => {
  const srv = await echoServer({ secret: 's3cret', encrypt: true });
  // The client's handshake answer is a few hundred bytes; corrupt the first byte after 1,000.
  const r = await relay(srv.port, 1000);
  const c = await Connection.connect('127.0.0.1', r.port, { secret: 's3cret', encrypt: true }, 'exec-1');
  c.send({ t: 'status', pad: 'x'.repeat(2000) });
  await once(c, 'close');
  assert.ok(srv.events.some((e) => /failed authentication/.test(e)), srv.events.join('; '));
  r.close();
  await srv.stop();
});
