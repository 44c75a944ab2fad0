import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentBuffers } from '../../src/executor/segmentBuffers.js';

test('segment buffers are reused once given back, within the bytes kept, and small ones are not pooled', () => {
  const pool = new SegmentBuffers(3 * 1024 * 1024, 64 * 1024);
  const a = pool.take(1_000_000);
  assert.equal(a.length, 1_000_000);
  assert.equal(a.buffer.byteLength, 1024 * 1024, 'rounded up to a power of two');
  pool.give(a);
  const b = pool.take(600_000);
  assert.equal(b.buffer, a.buffer, 'the same memory again');
  assert.equal(b.length, 600_000);
  assert.notEqual(pool.take(600_000).buffer, a.buffer, 'not handed out twice');
  // Only 3 MiB wait for reuse.
  const big = [pool.take(2 * 1024 * 1024), pool.take(2 * 1024 * 1024)];
  big.forEach((x) => pool.give(x));
  assert.equal(pool.take(2 * 1024 * 1024).buffer, big[0]!.buffer);
  assert.notEqual(pool.take(2 * 1024 * 1024).buffer, big[1]!.buffer, 'the second was over the limit and dropped');
  const small = pool.take(100);
  pool.give(small);
  assert.equal(pool.take(100).length, 100);
  pool.give(Buffer.alloc(100_000));
  assert.equal(pool.take(100_000).length, 100_000, 'foreign buffers are ignored');
});
