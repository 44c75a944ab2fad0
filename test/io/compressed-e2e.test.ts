/** Compressed input and output through the engine on local[2]: chosen by extension, one split per compressed file. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { SparkConf, SparkContext } from '../../src/index.js';
import { codecByName } from '../../src/io/codecs.js';

let sc: SparkContext;
before(async () => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('compressed-io').set('spark.ui.enabled', 'false'));
  await sc.ready();
});
after(() => sc.stop());

const lines = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag} ${i} ${'q'.repeat(i % 50)}`);

test('textFile reads .gz, .bz2, .zst and .lz4 files next to plain ones, each compressed file one split', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cin-'));
  const data: Record<string, string[]> = { 'a.txt': lines('a', 30_000), 'b.gz': lines('b', 20_000), 'c.bz2': lines('c', 5_000), 'd.zst': lines('d', 20_000), 'e.lz4': lines('e', 20_000) };
  writeFileSync(join(dir, 'a.txt'), data['a.txt']!.join('\n') + '\n');
  // Written by other tools than ours: zlib in one member, and the bzip2/zstd/lz4 commands.
  writeFileSync(join(dir, 'b.gz'), zlib.gzipSync(data['b.gz']!.join('\n') + '\n'));
  for (const [name, cmd] of [['c.bz2', 'bzip2'], ['d.zst', 'zstd'], ['e.lz4', 'lz4']] as const) {
    const r = spawnSync(cmd, ['-c'], { input: data[name]!.join('\n') + '\n' });
    if (r.error) {
      const codec = codecByName(cmd);
      await codec.ready();
      writeFileSync(join(dir, name), codec.compressChunk(Buffer.from(data[name]!.join('\n') + '\n')));
    } else writeFileSync(join(dir, name), r.stdout);
  }
  writeFileSync(join(dir, '_SUCCESS'), '');
  const rdd = sc.textFile(dir, 8);
  const plainSplits = rdd.getNumPartitions() - 4;
  assert.ok(plainSplits >= 2, `the plain file is split (${plainSplits} splits), the compressed ones are not`);
  assert.deepEqual(await rdd.collect(), Object.values(data).flat());
  assert.equal(await sc.textFile(join(dir, '*.{gz,zst}')).count(), 40_000);
});

test('saveAsTextFile(path, codec) writes part files with the extension, readable by textFile and the tools', async () => {
  const base = mkdtempSync(join(tmpdir(), 'cout-'));
  const data = lines('row', 50_000);
  for (const codec of ['gzip', 'bzip2', 'org.apache.hadoop.io.compress.ZStandardCodec', 'lz4']) {
    const out = join(base, codec);
    await sc.parallelize(data, 3).saveAsTextFile(out, codec);
    const ext = codecByName(codec).extension;
    assert.deepEqual(readdirSync(out).sort(), ['_SUCCESS', `part-00000${ext}`, `part-00001${ext}`, `part-00002${ext}`]);
    assert.deepEqual(await sc.textFile(out).collect(), data, codec);
  }
  const gz = readFileSync(join(base, 'gzip', 'part-00001.gz'));
  assert.equal(zlib.gunzipSync(gz).toString(), data.slice(16_666, 33_333).join('\n') + '\n');
});

test('an unsupported compressed input fails on the driver naming the extension; a bad codec name too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbad-'));
  writeFileSync(join(dir, 'x.snappy'), 'whatever');
  assert.throws(() => sc.textFile(dir), /files ending in \.snappy are Snappy .*not supported/);
  await assert.rejects(sc.parallelize([1]).saveAsTextFile(join(dir, 'out'), 'snappy'), /codec should be one of gzip, bzip2, zstd, lz4/);
});
