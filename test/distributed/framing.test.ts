import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, frame, FrameDecoder } from '../../src/rpc/framing.js';

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

test('a large frame can be read in place: the decoder hands out the rest of its body and counts what was read there', () => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = i % 253;
  const wire = Buffer.concat([frame(Buffer.from('a')), frame(big), frame(Buffer.from('bc'))]);
  for (const step of [1, 1000, 65536, wire.length]) {
    const d = new FrameDecoder();
    const out: Buffer[] = [];
    let off = 0;
    while (off < wire.length) {
      // As the socket does: read into the frame when the decoder offers it, else into a small buffer of its own.
      const target = d.directTarget(16);
      const n = Math.min(step, wire.length - off, target ? target.length : 4096);
      if (target) {
        wire.copy(target, 0, off, off + n);
        out.push(...d.advance(n));
      } else {
        out.push(...d.pushFrames(Buffer.from(wire.subarray(off, off + n))));
      }
      off += n;
    }
    assert.deepEqual(out.map((b) => b.length), [1, big.length, 2], `reads of ${step}`);
    assert.ok(out[1]!.equals(big));
    assert.equal(out[2]!.toString(), 'bc');
  }
  const d = new FrameDecoder();
  assert.equal(d.directTarget(1), undefined, 'nothing to read into before a header');
  d.pushFrames(Buffer.from([0, 0, 0, 10, 1]));
  assert.equal(d.directTarget(1)!.length, 9);
  assert.throws(() => d.advance(10), /beyond the frame being received/);
});

test('chunks are not kept: a caller may reuse its read buffer', () => {
  const d = new FrameDecoder();
  const wire = Buffer.concat([encode({ t: 'x', s: 'hello' }), encode({ t: 'y' })]);
  const reused = Buffer.alloc(5);
  const out: unknown[] = [];
  for (let i = 0; i < wire.length; i += 5) {
    const n = wire.copy(reused, 0, i, i + 5);
    out.push(...d.push(reused.subarray(0, n)));
    reused.fill(0xee);
  }
  assert.deepEqual(out, [{ t: 'x', s: 'hello' }, { t: 'y' }]);
});
