/**
 * wholeTextFiles and binaryFiles over s3a:// (s3rver on loopback, in its own process) and http:// (a local file
 * server with and without a Content-Length): the same records as reading the objects directly.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { SparkConf, SparkContext } from '../../src/index.js';
import { S3FileSystem } from '../../src/io/S3FileSystem.js';
import { startHttpFixture } from '../helpers/io.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

let s3: TestS3;
let sc: SparkContext;
let fs: S3FileSystem;
const servers: { stop(): Promise<void> }[] = [];
before(async () => {
  s3 = await startS3(['wf']);
  fs = S3FileSystem.forBucket('wf', s3.io);
  const conf = new SparkConf().setMaster('local[2]').setAppName('whole-files-remote').set('spark.ui.enabled', 'false');
  for (const [k, v] of Object.entries(s3.conf)) conf.set(k, v);
  sc = new SparkContext(conf);
  await sc.ready();
});
after(async () => {
  await sc?.stop();
  await s3?.stop();
  for (const s of servers) await s.stop();
});

const body = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag} ${i} ${'r'.repeat(i % 33)}`).join('\n') + '\n';

/** Bytes as an object through a one-part multipart upload (put() takes text). */
async function putBytes(key: string, data: Buffer): Promise<void> {
  const id = await fs.createUpload(key);
  await fs.completeUpload(key, id, [{ PartNumber: 1, ETag: await fs.uploadPart(key, id, 1, data) }]);
}

test('over s3a:// and s3://: a prefix (hidden keys skipped), a glob, gzip decompressed for text and raw for binary', async () => {
  const plain = body('one', 20_000);
  const gzText = body('two', 3000);
  const gz = zlib.gzipSync(gzText);
  await fs.put('in/one.txt', plain);
  await putBytes('in/two.txt.gz', gz);
  await fs.put('in/_SUCCESS', '');
  await fs.put('in/sub/deeper.txt', 'not a direct child\n');

  const text = sc.wholeTextFiles('s3a://wf/in', 2);
  assert.equal(text.getNumPartitions(), 2);
  assert.deepEqual(await text.collect(), [['s3a://wf/in/one.txt', plain], ['s3a://wf/in/two.txt.gz', gzText]]);
  assert.deepEqual(await sc.wholeTextFiles('s3://wf/in/*.gz').collect(), [['s3a://wf/in/two.txt.gz', gzText]]);
  const bin = await sc.binaryFiles('s3a://wf/in,s3a://wf/i*/sub').collect();
  assert.deepEqual(bin.map(([k]) => k), ['s3a://wf/in/one.txt', 's3a://wf/in/two.txt.gz', 's3a://wf/in/sub/deeper.txt']);
  assert.ok(Buffer.from(bin[1]![1]).equals(gz), 'the gzip bytes as stored');
  assert.equal(Buffer.from(bin[0]![1]).toString(), plain);
  assert.throws(() => sc.binaryFiles('s3a://wf/nothing'), /Input path does not exist: s3a:\/\/wf\/nothing/);
});

/** A file server over a fresh directory (in a child process: the driver blocks its loop while listing). */
async function serve(mode: string, files: Record<string, Buffer>): Promise<string> {
  const base = mkdtempSync(join(tmpdir(), `wf-http-${mode}-`));
  mkdirSync(join(base, 'files'));
  for (const [n, b] of Object.entries(files)) writeFileSync(join(base, 'files', n), b);
  writeFileSync(join(base, 'requests.log'), '');
  const { port, stop } = await startHttpFixture(join(base, 'files'), mode);
  servers.push({ stop });
  return `http://127.0.0.1:${port}`;
}

test('over http://, with or without a Content-Length: each URL one file, a comma-separated list of URLs', async () => {
  const plain = body('web', 10_000);
  const gzText = body('webgz', 2000);
  const gz = zlib.gzipSync(gzText);
  for (const mode of ['ranges', 'nolength']) {
    const url = await serve(mode, { 'a.txt': Buffer.from(plain), 'b.txt.gz': gz });
    const text = sc.wholeTextFiles(`${url}/a.txt,${url}/b.txt.gz`, 2);
    assert.deepEqual(await text.collect(), [[`${url}/a.txt`, plain], [`${url}/b.txt.gz`, gzText]], mode);
    const bin = await sc.binaryFiles(`${url}/b.txt.gz`).collect();
    assert.deepEqual(bin.map(([k, v]) => [k, Buffer.from(v).equals(gz)]), [[`${url}/b.txt.gz`, true]], mode);
  }
});
