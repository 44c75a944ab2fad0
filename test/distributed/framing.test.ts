import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, FrameDecoder } from '../../src/rpc/framing.js';
import { authMac } from '../../src/rpc/Connection.js';

test('frames survive any chunking, and values keep their types', () => {
  const msgs = [{ t: 'a', n: 1 }, { t: 'big', data: Buffer.alloc(200_000, 3), m: new Map([[1, 2n]]) }, { t: 'c' }];
  const wire = Buffer.concat(msgs.map(encode));
  for (const size of [1, 7, 4096, 65536, wire.length]) {
    const d = new FrameDecoder();
    const out: unknown[] = [];
    for (let i = 0; i < wire.length; i += size) out.push(...d.push(wire.subarray(i, i + size)));
    assert.equal(out.length, 3, `chunks of ${size}`);
    assert.deepEqual(out[0], msgs[0]);
    assert.ok(Buffer.from((out[1] as { data: Uint8Array }).data).equals(msgs[1]!.data as Buffer));
    assert.deepEqual((out[1] as { m: Map<number, bigint> }).m, new Map([[1, 2n]]));
  }
});

test('the handshake MAC depends on the secret, the challenge and who answers', () => {
  const base = authMac('s', 'nonce', 'exec-1');
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.notEqual(authMac('t', 'nonce', 'exec-1'), base);
  assert.notEqual(authMac('s', 'other', 'exec-1'), base);
  assert.notEqual(authMac('s', 'nonce', 'exec-2'), base);
});
