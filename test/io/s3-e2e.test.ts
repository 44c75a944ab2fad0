/**
 * s3a:// input and output against a real S3-protocol server (s3rver on loopback): listing, byte-range splits,
 * compressed objects, and the committer's multipart uploads (completed for the accepted attempt, aborted for others).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import zlib from 'node:zlib';
import { SparkConf, SparkContext } from '../../src/index.js';
import { S3FileSystem } from '../../src/io/S3FileSystem.js';
import { S3JobCommitter } from '../../src/io/S3JobCommitter.js';
import { S3TaskOutput } from '../../src/io/S3TaskOutput.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

let s3: TestS3;
let sc: SparkContext;
let fs: S3FileSystem;
let io: Record<string, string>;
before(async () => {
  s3 = await startS3(['bkt']);
  io = s3.io;
  fs = S3FileSystem.forBucket('bkt', io);
  const conf = new SparkConf().setMaster('local[2]').setAppName('s3-io').set('spark.ui.enabled', 'false')
    .set('spark.hadoop.fs.s3a.block.size', '1m').set('spark.hadoop.fs.s3a.multipart.size', '5m');
  for (const [k, v] of Object.entries(s3.conf)) conf.set(k, v);
  sc = new SparkContext(conf);
  await sc.ready();
});
after(async () => {
  await sc?.stop();
  await s3?.stop();
});

const rows = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag} ${i} ${'s'.repeat(i % 61)}`);

test('textFile over s3a://: a directory (hidden keys skipped), byte-range splits on line boundaries, globs, s3://, gzip', async () => {
  const big = rows('big', 60_000);
  await fs.put('in/big.txt', big.join('\n') + '\n');
  await fs.put('in/_SUCCESS', '');
  await fs.put('in/.hidden', 'not data\n');
  await fs.put('in/sub/deeper.txt', 'not a direct child\n');
  const small = rows('gz', 1000);
  const gz = zlib.gzipSync(small.join('\n') + '\n');
  // put() takes text; write the gzip bytes through a multipart upload of one part.
  const id = await fs.createUpload('in/small.gz');
  await fs.completeUpload('in/small.gz', id, [{ PartNumber: 1, ETag: await fs.uploadPart('in/small.gz', id, 1, gz) }]);

  const rdd = sc.textFile('s3a://bkt/in');
  assert.ok(rdd.getNumPartitions() >= 3, `a ${big.join('\n').length}-byte object cut by fs.s3a.block.size=1m (${rdd.getNumPartitions()} splits)`);
  assert.deepEqual(await rdd.collect(), [...big, ...small]);
  assert.deepEqual(await sc.textFile('s3://bkt/in/*.gz').collect(), small);
  assert.equal(await sc.textFile('s3a://bkt/in/big.txt', 5).count(), 60_000);
  assert.equal(await sc.textFile('s3a://bkt/i*/sub').count(), 1, 'a glob matching a directory takes its files');
  assert.throws(() => sc.textFile('s3a://bkt/nothing-here'), /Input path does not exist: s3a:\/\/bkt\/nothing-here/);
});

test('saveAsTextFile to s3a://: part objects and _SUCCESS, multipart parts, compressed, no upload left pending', async () => {
  const data = rows('out', 400_000);
  await sc.parallelize(data, 2).saveAsTextFile('s3a://bkt/out/');
  const keys = (await fs.listKeys('out/')).map((o) => o.key);
  assert.deepEqual(keys, ['out/_SUCCESS', 'out/part-00000', 'out/part-00001']);
  assert.ok((await fs.head('out/part-00000'))!.size > 5 * 1024 * 1024, 'bigger than one 5m part');
  assert.deepEqual(await sc.textFile('s3a://bkt/out').collect(), data);
  assert.deepEqual(s3.pendingUploads('bkt'), []);

  await sc.parallelize(data, 3).saveAsTextFile('s3a://bkt/outgz', 'gzip');
  assert.deepEqual((await fs.listKeys('outgz/')).map((o) => o.key), ['outgz/_SUCCESS', 'outgz/part-00000.gz', 'outgz/part-00001.gz', 'outgz/part-00002.gz']);
  assert.deepEqual(await sc.textFile('s3a://bkt/outgz').collect(), data);
  await sc.parallelize([], 1).saveAsTextFile('s3a://bkt/empty');
  assert.equal(await fs.getText('empty/part-00000'), '', 'an empty partition is an empty object');

  await assert.rejects(sc.parallelize([1]).saveAsTextFile('s3a://bkt/out'), /Output directory s3a:\/\/bkt\/out already exists/);
  assert.deepEqual(s3.pendingUploads('bkt'), []);
});

test('S3 commit: the accepted attempt is completed, a losing and a killed attempt are aborted, nothing else visible', async () => {
  const localDir = mkdtempSync(`${tmpdir()}/s3spool-`);
  const job = new S3JobCommitter(fs, 'race', 's3a://bkt/race');
  const jobId = await job.setupJob();
  const attempt = (a: number) => S3TaskOutput.open(fs, 'race', jobId, { partition: 0, attempt: a, taskId: a, localDir }, undefined);
  const killed = await attempt(0);
  for (const l of rows('killed', 100_000)) killed.write(l);
  // (its process dies: it never commits; its parts were uploaded while it ran)
  const first = await attempt(1);
  const second = await attempt(2);
  for (const l of rows('first', 1000)) first.write(l);
  for (const l of rows('second', 1000)) second.write(l);
  const accepted = await first.commit();
  await second.commit();
  assert.equal(s3.pendingUploads('bkt').length, 3, 'three uploads, none visible yet');
  assert.deepEqual((await fs.listKeys('race/')).map((o) => o.key).filter((k) => !k.includes('/_temporary/')), [], 'no object under a final name before job commit');
  await job.commitJob([accepted]);
  assert.deepEqual((await fs.listKeys('race/')).map((o) => o.key), ['race/_SUCCESS', 'race/part-00000']);
  assert.equal(await fs.getText('race/part-00000'), rows('first', 1000).join('\n') + '\n');
  assert.deepEqual(s3.pendingUploads('bkt'), [], 'the losing and the killed attempts were aborted');

  const aborted = new S3JobCommitter(fs, 'gone', 's3a://bkt/gone');
  const abortedId = await aborted.setupJob();
  const a = await S3TaskOutput.open(fs, 'gone', abortedId, { partition: 0, attempt: 0, taskId: 9, localDir }, undefined);
  a.write('x');
  await a.commit();
  await aborted.abortJob();
  assert.deepEqual(await fs.listKeys('gone/'), []);
  assert.deepEqual(s3.pendingUploads('bkt'), []);
});

test('refused credentials fail with S3\'s error, naming the path and never the secret', async () => {
  // (s3rver checks access key ids, not signatures)
  const bad = S3FileSystem.forBucket('bkt', { ...io, 'fs.s3a.access.key': 'UNKNOWNKEY', 'fs.s3a.secret.key': 'secret-do-not-print' });
  await assert.rejects(bad.list('s3a://bkt/in/*'), (e: Error) => /S3 list s3a:\/\/bkt\/in\/ failed: InvalidAccessKeyId \(HTTP 403\)/.test(e.message) && !e.message.includes('secret-do-not-print'));
});

test('a glob matching a hidden "directory" skips it, as Hadoop and local listing do', async () => {
  await fs.put('g/v/y.txt', 'visible\n');
  await fs.put('g/_h/x.txt', 'hidden directory\n');
  assert.deepEqual((await fs.list('s3a://bkt/g/*')).map((f) => f.path), ['s3a://bkt/g/v/y.txt']);
});
