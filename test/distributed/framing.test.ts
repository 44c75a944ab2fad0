import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, FrameDecoder } from '../../src/rpc/framing.js';

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

test('a header announcing more than the current cap throws before the body is buffered', () => {
  const d = new FrameDecoder();
  d.maxFrame = 4096;
  const head = Buffer.alloc(4);
  head.writeUInt32BE(256 * 1024 * 1024, 0);
  assert.throws(() => d.pushFrames(head), /exceeds the limit of 4096/);
  const ok = new FrameDecoder();
  ok.maxFrame = 4096;
  assert.equal(ok.push(encode({ t: 'small' })).length, 1);
});
