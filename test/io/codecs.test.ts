/**
 * Codecs by extension: our chunked output (concatenated members/frames) reads back with our readers and with the
 * real command-line tools, and files those tools write read with ours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { codecByName, codecForPath, type Codec } from '../../src/io/codecs.js';
import { LineChunker } from '../../src/io/LineChunker.js';
import { takeFrames } from '../../src/io/lz4Frames.js';

const CLI: Record<string, string> = { gzip: 'gzip', bzip2: 'bzip2', zstd: 'zstd', lz4: 'lz4' };
const text = Array.from({ length: 20_000 }, (_, i) => `row ${i} ${'abc'.repeat(i % 17)} ${(i * 7919) % 10007}`);
const plain = Buffer.from(text.join('\n') + '\n');

async function decompress(codec: Codec, data: Buffer, piece = 777): Promise<Buffer> {
  await codec.ready();
  const chunks: Buffer[] = [];
  for (let o = 0; o < data.length; o += piece) chunks.push(data.subarray(o, o + piece));
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(codec.decompressor())) out.push(c as Buffer);
  return Buffer.concat(out);
}

function hasCli(name: string): boolean {
  return spawnSync(name, ['--version']).error === undefined;
}

for (const name of ['gzip', 'bzip2', 'zstd', 'lz4']) {
  test(`${name}: chunked output is several members, reads back with ours and with the ${CLI[name]} command, and reads theirs`, async (t) => {
    const codec = codecByName(name);
    await codec.ready();
    const parts: Buffer[] = [];
    const w = new LineChunker((c) => parts.push(c), codec, 100_000);
    for (const l of text) w.write(l);
    w.flush();
    assert.ok(parts.length > 3, 'several chunks, each compressed on its own');
    const file = Buffer.concat(parts);
    assert.equal(w.bytesOut, file.length);
    assert.equal(w.bytesIn, plain.length);
    assert.ok(file.length < plain.length, 'compressed');
    assert.ok((await decompress(codec, file)).equals(plain));
    if (!hasCli(CLI[name]!)) {
      t.diagnostic(`${CLI[name]} not installed: interop not checked`);
      return;
    }
    const theirsReadOurs = spawnSync(CLI[name]!, ['-dc'], { input: file, maxBuffer: 1 << 28 });
    assert.equal(theirsReadOurs.status, 0, String(theirsReadOurs.stderr));
    assert.ok(theirsReadOurs.stdout.equals(plain), `${CLI[name]} -dc reads our file`);
    const theirs = spawnSync(CLI[name]!, ['-c'], { input: plain, maxBuffer: 1 << 28 }).stdout;
    assert.ok((await decompress(codec, theirs)).equals(plain), `we read a file of ${CLI[name]} -c`);
  });
}

test('codecs by extension and by name; unsupported ones named in the error', () => {
  assert.equal(codecForPath('/d/x.txt'), undefined);
  assert.equal(codecForPath('/d/.hidden'), undefined);
  assert.equal(codecForPath('s3a://b/k/part-00000.gz')?.name, 'gzip');
  assert.equal(codecForPath('/x.BZ2')?.name, 'bzip2');
  assert.equal(codecForPath('/x.zst')?.name, 'zstd');
  assert.equal(codecForPath('/x.lz4')?.name, 'lz4');
  assert.throws(() => codecForPath('/x.snappy'), /cannot read '\/x.snappy': files ending in \.snappy are Snappy/);
  assert.throws(() => codecForPath('/x.lzo'), /\.lzo are LZO, which is not supported/);
  assert.equal(codecByName('org.apache.hadoop.io.compress.GzipCodec').extension, '.gz');
  assert.equal(codecByName('ZSTD').extension, '.zst');
  assert.throws(() => codecByName('snappy'), /codec should be one of gzip, bzip2, zstd, lz4 .* but was 'snappy'/);
});

test('lz4: frames are cut where they end; a partial frame waits; foreign formats are refused', async () => {
  const codec = codecByName('lz4');
  const a = codec.compressChunk(Buffer.from('first\n'));
  const b = codec.compressChunk(Buffer.from('second\n'));
  const both = Buffer.concat([a, b]);
  assert.deepEqual(takeFrames(both).frames.length, 2);
  const partial = takeFrames(both.subarray(0, a.length + 3));
  assert.equal(partial.frames.length, 1);
  assert.equal(partial.rest.length, 3);
  assert.throws(() => takeFrames(Buffer.from('not lz4 at all')), /Hadoop's Lz4Codec block format is not supported/);
  await assert.rejects(decompress(codec, both.subarray(0, both.length - 2)), /truncated \.lz4 data/);
  await assert.rejects(decompress(codecByName('gzip'), Buffer.from('plain text, not gzip')), /incorrect header check|unknown compression method|header/);
});

test('uncompressed chunks: every line and its newline, in chunks of at most the size, a longer line alone; the chunk buffer reused', () => {
  const lines = ['', 'plain', 'é and ü', '😀 astral', 'x'.repeat(25), '', 'a\u2028b', 'z'.repeat(200), 'tail', 'ab', '中'.repeat(5), '中'.repeat(10)];
  for (const size of [16, 19, 32, 64, 1 << 20]) {
    const seen: Buffer[] = [];
    const handed = new Set<ArrayBufferLike>();
    const w = new LineChunker((c) => {
      seen.push(Buffer.from(c)); // copied: the chunker may write over it after we return
      handed.add(c.buffer);
    }, undefined, size);
    for (const l of lines) w.write(l);
    w.flush();
    const expected = Buffer.from(lines.join('\n') + '\n');
    assert.ok(Buffer.concat(seen).equals(expected), `chunk size ${size}`);
    assert.equal(w.bytesIn, expected.length);
    assert.equal(w.bytesOut, expected.length);
    const alone = seen.filter((c) => c.length > size);
    for (const c of alone) assert.ok(lines.includes(c.toString().slice(0, -1)), `a chunk over ${size} bytes is one line alone`);
    if (size === 16) assert.equal(alone.length, 3, 'the 25- and 200-character lines and the ten CJK characters went alone');
    // Chunks come from the one reused buffer; only a line that might not fit (3 bytes a code unit) has one of its own.
    const ownBuffers = lines.filter((l) => l.length * 3 + 1 > size).length;
    assert.ok(handed.size <= 1 + ownBuffers, `chunk size ${size}: ${handed.size} buffers handed out`);
    assert.ok(seen.length > handed.size || size > 1000, `chunk size ${size}: several chunks from one buffer`);
  }
});
