/** http:// inputs: byte-range splits when the server supports ranges, one split when it does not. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { SparkConf, SparkContext } from '../../src/index.js';
import { startHttpFixture } from '../helpers/io.js';

let sc: SparkContext;
const servers: { stop(): Promise<void> }[] = [];
before(async () => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('http-io').set('spark.ui.enabled', 'false'));
  await sc.ready();
});
after(async () => {
  await sc.stop();
  for (const s of servers) await s.stop();
});

/** A file server over `dir/files` in a child process (the driver blocks its loop while listing). */
async function serve(mode: string): Promise<{ url: string; requests(): string[] }> {
  const base = mkdtempSync(join(tmpdir(), `http-${mode}-`));
  const files = join(base, 'files');
  mkdirSync(files);
  writeFileSync(join(files, 'data.txt'), lines.join('\n') + '\n');
  writeFileSync(join(files, 'long.txt'), longLines.join('\n') + '\n');
  writeFileSync(join(files, 'data.txt.gz'), zlib.gzipSync(lines.join('\n') + '\n'));
  writeFileSync(join(base, 'requests.log'), '');
  const { port, stop } = await startHttpFixture(files, mode);
  servers.push({ stop });
  return { url: `http://127.0.0.1:${port}`, requests: () => readFileSync(join(base, 'requests.log'), 'utf8').split('\n').filter(Boolean) };
}

const lines = Array.from({ length: 40_000 }, (_, i) => `http line ${i} ${'h'.repeat(i % 70)}`);
// A line of 300 kB, longer than a split and the margin read past it (LINE_MARGIN), among short ones.
const longLines = [...Array.from({ length: 20 }, (_, i) => `s ${i}`), 'L'.repeat(300_000), ...Array.from({ length: 2000 }, (_, i) => `t ${i}`)];

test('a server with range requests: the file is read in byte-range splits, each a ranged GET', async () => {
  const s = await serve('ranges');
  const rdd = sc.textFile(`${s.url}/data.txt`, 6);
  assert.ok(rdd.getNumPartitions() >= 6);
  assert.deepEqual(await rdd.collect(), lines);
  const gets = s.requests().filter((r) => r.startsWith('/data.txt '));
  assert.equal(gets.length, rdd.getNumPartitions());
  assert.ok(gets.filter((r) => /bytes=\d+-\d+$/.test(r)).length >= 5, `bounded ranged requests: ${gets.join('; ')}`);
  assert.deepEqual(await sc.textFile(`${s.url}/data.txt.gz`, 6).collect(), lines, 'compressed: one split, decompressed');
  assert.equal(sc.textFile(`${s.url}/data.txt.gz`, 6).getNumPartitions(), 1);
  assert.throws(() => sc.textFile(`${s.url}/missing.txt`), /Input path does not exist: http:\/\/127\.0\.0\.1:\d+\/missing\.txt/);
});

test('a line running past a split\'s bounded range is finished with a further open-ended range', async () => {
  const s = await serve('ranges');
  const rdd = sc.textFile(`${s.url}/long.txt`, 4);
  assert.deepEqual(await rdd.collect(), longLines);
  const gets = s.requests().filter((r) => r.startsWith('/long.txt '));
  const bounded = gets.filter((r) => /bytes=\d+-\d+$/.test(r)).length;
  assert.ok(bounded >= rdd.getNumPartitions() - 1, `all splits but the last bounded: ${gets.join('; ')}`);
  assert.ok(gets.length > rdd.getNumPartitions(), `continued past the margin: ${gets.join('; ')}`);
});

test('a server without range support (or without a length): one split reads the whole file', async () => {
  for (const mode of ['noranges', 'nolength']) {
    const s = await serve(mode);
    const rdd = sc.textFile(`${s.url}/data.txt`, 6);
    assert.equal(rdd.getNumPartitions(), 1, mode);
    assert.deepEqual(await rdd.collect(), lines, mode);
    assert.deepEqual(s.requests(), ['/data.txt -'], `${mode}: one plain GET`);
  }
});

test('output to http:// is refused with a clear error', async () => {
  await assert.rejects(sc.parallelize([1]).saveAsTextFile('http://127.0.0.1:1/out'), /cannot write to 'http:\/\/127\.0\.0\.1:1\/out': http:\/\/ output is not supported/);
});
