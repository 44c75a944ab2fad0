/**
 * Raw payload frames (Connection.sendWithPayload): shuffle blocks travel after their reply as bytes of their own,
 * not inside a v8 message, in the clear, authenticated and encrypted; a peer lying about a payload is cut off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, listen, type Message, type RpcAuthLike } from '../../src/rpc/Connection.js';
import { encode, frame } from '../../src/rpc/framing.js';
import { startBlockServer } from '../../src/executor/BlockServer.js';
import { BlockClient } from '../../src/rpc/BlockClient.js';

const SIZES = [0, 10, 70_000, 3 * 1024 * 1024 + 5];
/** `n` bytes of a pattern that differs with `seed`, so misplaced or swapped payloads show. */
const pattern = (n: number, seed: number) => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed) % 251;
  return b;
};

const auths: [string, RpcAuthLike][] = [
  ['no authentication', undefined],
  ['spark.authenticate', { secret: 's3cret', encrypt: false }],
  ['spark.network.crypto.enabled', { secret: 's3cret', encrypt: true }],
];

test('payloads arrive whole and in order after their message, in the clear, authenticated and encrypted', async () => {
  for (const [name, auth] of auths) {
    const server = await listen('127.0.0.1', 0, auth, (conn) => {
      conn.on('message', (m: Message) => {
        if (m.t !== 'get') return;
        SIZES.forEach((n, i) => conn.sendWithPayload({ t: 'blk', i }, pattern(n, i)));
        conn.send({ t: 'done' });
      });
    });
    const conn = await Connection.connect('127.0.0.1', (server.address() as net.AddressInfo).port, auth, 'reducer');
    try {
      assert.equal(conn.encrypted, name === 'spark.network.crypto.enabled');
      const got: Message[] = [];
      const done = new Promise<void>((resolve) => conn.on('message', (m: Message) => (m.t === 'done' ? resolve() : got.push(m))));
      conn.send({ t: 'get' });
      await done;
      assert.deepEqual(got.map((m) => m.i), SIZES.map((_, i) => i), name);
      got.forEach((m, i) => {
        assert.ok(Buffer.isBuffer(m.payload), `${name}: payload ${i} is a Buffer`);
        assert.equal(m.payloadBytes, SIZES[i]);
        assert.ok((m.payload as Buffer).equals(pattern(SIZES[i]!, i)), `${name}: payload ${i} intact`);
      });
    } finally {
      conn.close();
      server.close();
    }
  }
});

test('a peer announcing a payload it does not send, or a nonsense size, loses its connection', async () => {
  const lies: [string, Buffer, RegExp][] = [
    ['a shorter payload', Buffer.concat([encode({ t: 'blk', payloadBytes: 5 }), frame(Buffer.from('abc'))]), /announced a payload of 5 bytes but 3 came/],
    ['a negative size', encode({ t: 'blk', payloadBytes: -1 }), /announced a payload of -1 bytes/],
    ['a fractional size', encode({ t: 'blk', payloadBytes: 1.5 }), /announced a payload of 1.5 bytes/],
    ['a string size', encode({ t: 'blk', payloadBytes: 'lots' }), /announced a payload of lots bytes/],
  ];
  for (const [what, wire, re] of lies) {
    const errors: string[] = [];
    const messages: Message[] = [];
    const closed = new Promise<void>((resolve, reject) => {
      void listen('127.0.0.1', 0, undefined, (conn) => {
        conn.on('protocolError', (why: string) => errors.push(why));
        conn.on('message', (m: Message) => messages.push(m));
        conn.on('close', () => resolve());
      }).then((server) => {
        const s = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1', () => s.write(wire));
        s.on('error', () => undefined);
        s.resume();
        s.on('close', () => server.close());
        setTimeout(() => reject(new Error(`${what}: not closed`)), 10_000).unref();
      });
    });
    await closed;
    assert.equal(messages.length, 0, what);
    assert.match(errors.join('; '), re, what);
  }
});

test('the block server answers a raw fetch with a payload frame, and older clients with data in the message', async () => {
  const root = mkdtempSync(join(tmpdir(), 'raw-blocks-'));
  const path = join(root, 'shuffle_0_0.data');
  const content = pattern(2 * 1024 * 1024, 3);
  writeFileSync(path, content);
  const auth = { secret: 'k', encrypt: true };
  const server = await startBlockServer('127.0.0.1', 0, root, auth);
  const port = (server.address() as net.AddressInfo).port;
  const conn = await Connection.connect('127.0.0.1', port, auth, 'reducer');
  const client = new BlockClient(auth, 'reducer');
  try {
    const answers = new Map<number, Message>();
    const both = new Promise<void>((resolve) => conn.on('message', (m: Message) => answers.set(m.reqId as number, m).size === 2 && resolve()));
    conn.send({ t: 'fetchBlock', reqId: 1, path, start: 100, length: 1_000_000, raw: true });
    conn.send({ t: 'fetchBlock', reqId: 2, path, start: 5, length: 10 });
    await both;
    assert.ok(Buffer.isBuffer(answers.get(1)!.payload), 'a raw payload');
    assert.equal(answers.get(1)!.data, undefined, 'not copied into the message');
    assert.ok((answers.get(1)!.payload as Buffer).equals(content.subarray(100, 1_000_100)));
    assert.ok(Buffer.from(answers.get(2)!.data as Uint8Array).equals(content.subarray(5, 15)), 'the old form still served');
    const got = await client.fetch({ shuffleId: 0, mapId: 0, executorId: 'e', path, offsets: [0, 7, content.length], address: { host: '127.0.0.1', port } }, 1);
    assert.ok(got.equals(content.subarray(7)));
  } finally {
    client.close();
    conn.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
