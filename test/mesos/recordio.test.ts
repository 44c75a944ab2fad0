import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordIODecoder, RecordIOError, encodeRecord } from '../../src/mesos/recordio.js';

const records = ['{"type":"HEARTBEAT"}', '{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"ä-0000"}}}', '{"name":"タスク-💡"}', 'x'];
const wire = Buffer.concat(records.map((r) => encodeRecord(r)));

test('encodeRecord counts bytes, not characters', () => {
  assert.equal(encodeRecord('{"type":"HEARTBEAT"}').toString(), '20\n{"type":"HEARTBEAT"}');
  assert.equal(encodeRecord('é').toString('latin1').split('\n')[0], '2');
});

test('records split at every possible byte boundary decode the same', () => {
  for (let cut = 0; cut <= wire.length; cut++) {
    const d = new RecordIODecoder();
    const out = [...d.push(wire.subarray(0, cut)), ...d.push(wire.subarray(cut))].map((b) => b.toString('utf8'));
    assert.deepEqual(out, records, `cut at ${cut}`);
    assert.equal(d.pendingBytes, 0);
  }
});

test('one byte at a time, and everything in one chunk', () => {
  const d = new RecordIODecoder();
  const out: string[] = [];
  for (const b of wire) out.push(...d.push(Buffer.from([b])).map((x) => x.toString('utf8')));
  assert.deepEqual(out, records);
  assert.deepEqual(new RecordIODecoder().push(wire).map((x) => x.toString('utf8')), records);
});

test('random chunkings', () => {
  for (let trial = 0; trial < 200; trial++) {
    const d = new RecordIODecoder();
    const out: string[] = [];
    let i = 0;
    while (i < wire.length) {
      const n = 1 + Math.floor(Math.random() * 40);
      out.push(...d.push(wire.subarray(i, i + n)).map((x) => x.toString('utf8')));
      i += n;
    }
    assert.deepEqual(out, records);
  }
});

test('empty records are skipped; bad headers and oversized records are errors', () => {
  assert.deepEqual(new RecordIODecoder().push(Buffer.from('0\n2\nhi')).map(String), ['hi']);
  assert.throws(() => new RecordIODecoder().push(Buffer.from('abc\n')), (e: Error) => e instanceof RecordIOError && /bad RecordIO length header 'abc'/.test(e.message));
  assert.throws(() => new RecordIODecoder().push(Buffer.from('1'.repeat(25))), RecordIOError);
  assert.throws(() => new RecordIODecoder(10).push(Buffer.from('11\n')), /exceeds the limit/);
  const partial = new RecordIODecoder();
  assert.deepEqual(partial.push(Buffer.from('5\nab')), []);
  assert.equal(partial.pendingBytes, 2);
});
