/**
 * wholeTextFiles and binaryFiles over local files on local[2]: a file, a directory (hidden names skipped), a glob, a
 * comma-separated list; text decompressed by extension, binary content the raw bytes; files packed into at most
 * minPartitions partitions, never split.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { SparkConf, SparkContext } from '../../src/index.js';

let sc: SparkContext;
let dir: string;
const text: Record<string, string> = {
  'a.txt': Array.from({ length: 5000 }, (_, i) => `a ${i} ünïcödé ${'w'.repeat(i % 40)}`).join('\n') + '\n',
  'b.txt': 'no trailing newline\r\nsecond line',
  'c.txt.gz': Array.from({ length: 3000 }, (_, i) => `gz ${i}`).join('\n') + '\n',
  'd.txt': '',
};
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'whole-'));
  for (const [name, body] of Object.entries(text)) writeFileSync(join(dir, name), name.endsWith('.gz') ? zlib.gzipSync(body) : body);
  writeFileSync(join(dir, '_SUCCESS'), '');
  writeFileSync(join(dir, '.hidden'), 'not data');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'x.bin'), Buffer.from([0, 255, 1, 254, 10, 13]));
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('whole-files').set('spark.ui.enabled', 'false'));
  await sc.ready();
});
after(() => sc?.stop());

const key = (name: string) => `file:${join(dir, name)}`;

test('wholeTextFiles: [file:/path, whole content] per file, gzip decompressed, in path order', async () => {
  const rdd = sc.wholeTextFiles(dir, 3);
  assert.ok(rdd.getNumPartitions() >= 2 && rdd.getNumPartitions() <= 3, `${rdd.getNumPartitions()} partitions`);
  assert.deepEqual(await rdd.collect(), Object.entries(text).map(([n, body]) => [key(n), body]));
  assert.deepEqual(await sc.wholeTextFiles(join(dir, 'c.txt.gz')).collect(), [[key('c.txt.gz'), text['c.txt.gz']]]);
  assert.deepEqual(await sc.wholeTextFiles(join(dir, '*.txt'), 1).keys().collect(), ['a.txt', 'b.txt', 'd.txt'].map(key));
  assert.deepEqual(await sc.wholeTextFiles(`file://${join(dir, 'b.txt')},${join(dir, 'sub')}`).collect(), [
    [key('b.txt'), text['b.txt']],
    [key('sub/x.bin'), Buffer.from([0, 255, 1, 254, 10, 13]).toString('utf8')],
  ]);
  assert.equal(sc.wholeTextFiles(dir, 100).getNumPartitions(), 3, 'one file a partition at most (the empty d.txt, last, joins the one before)');
  assert.deepEqual(await sc.wholeTextFiles(dir, 100).mapValues((v) => v.length).collect(), Object.entries(text).map(([n, b]) => [key(n), b.length]));
  assert.throws(() => sc.wholeTextFiles(join(dir, 'nothing')), /Input path does not exist: file:.*nothing/);
});

test('binaryFiles: [file:/path, raw bytes] per file, compressed files not decompressed', async () => {
  const got = await sc.binaryFiles(`${dir},${join(dir, 'sub/*.bin')}`, 2).collect();
  const names = [...Object.keys(text), 'sub/x.bin'];
  assert.deepEqual(got.map(([k]) => k), names.map(key));
  for (const [i, [, bytes]] of got.entries()) assert.ok(Buffer.from(bytes).equals(readFileSync(join(dir, names[i]!))), names[i]);
  // Executors get a Buffer: its methods work inside shipped functions.
  assert.deepEqual(await sc.binaryFiles(join(dir, 'sub')).map(([, b]) => b.readUInt8(1) + b.length).collect(), [255 + 6]);
  writeFileSync(join(dir, 'sub', 'y.snappy'), 'raw');
  assert.deepEqual(await sc.binaryFiles(join(dir, 'sub/y.snappy')).mapValues((b) => b.toString()).collect(), [[key('sub/y.snappy'), 'raw']], 'any extension: bytes are not decoded');
  assert.throws(() => sc.wholeTextFiles(join(dir, 'sub/y.snappy')), /\.snappy/);
});

test('local globs list as on S3: hidden matches skipped, a matched directory gives its visible files', async () => {
  const base = mkdtempSync(join(tmpdir(), 'glob-'));
  const put = (rel: string, body: string) => {
    mkdirSync(join(base, rel, '..'), { recursive: true });
    writeFileSync(join(base, rel), body);
  };
  put('out/part-00000', 'p0 a\np0 b\n');
  put('out/part-00001', 'p1 a\n');
  put('out/_SUCCESS', '{"committer":"x"}\n');
  put('out/.part-00000.crc', 'crc\n');
  put('2024-01/a.txt', 'jan\n');
  put('2024-01/_tmp', 'hidden\n');
  put('2024-01/deeper/x.txt', 'not a direct child\n');
  put('2024-02/b.txt', 'feb\n');
  put('_2024-03/c.txt', 'in a hidden directory\n');
  const f = (rel: string) => `file:${join(base, rel)}`;
  assert.deepEqual(await sc.textFile(join(base, 'out/*')).collect(), ['p0 a', 'p0 b', 'p1 a'], 'textFile: _SUCCESS and .crc skipped');
  assert.deepEqual(await sc.wholeTextFiles(join(base, 'out/*')).keys().collect(), [f('out/part-00000'), f('out/part-00001')]);
  assert.deepEqual(await sc.textFile(join(base, '2024-*')).collect(), ['jan', 'feb'], 'textFile: directories matched by a glob');
  assert.deepEqual(await sc.wholeTextFiles(join(base, '*2024-0?')).collect(), [[f('2024-01/a.txt'), 'jan\n'], [f('2024-02/b.txt'), 'feb\n']], 'a hidden directory matched is skipped');
  assert.deepEqual(await sc.wholeTextFiles(join(base, '{out/part-00001,2024-02}')).keys().collect(), [f('2024-02/b.txt'), f('out/part-00001')], 'files and directories in one glob');
});
