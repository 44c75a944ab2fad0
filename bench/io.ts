/**
 * I/O throughput on local[2], each next to a plain copy of the same bytes with the same client in the same run:
 *  - local disk: textFile(...).count() against reading the file with fs streams; textFile(...).saveAsTextFile(...)
 *    against a stream copy file to file;
 *  - S3 (s3rver on loopback, in its own process): the same two against a GetObject read and a multipart upload
 *    with the S3 client the engine uses (same part size and parallelism).
 * Run: npm run bench:io -- [--mb 400]   (size of the generated text file; 400 MB by default)
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { SparkConf, SparkContext } from './package.js';
import { S3FileSystem } from '../src/io/S3FileSystem.js';
import { startS3 } from '../test/helpers/s3.js';

process.env.SPARK_MESOS_LOG_LEVEL ??= 'warn';
const mbArg = process.argv.indexOf('--mb');
const MB = mbArg >= 0 ? Number(process.argv[mbArg + 1]) : 400;
if (!(MB > 0)) throw new Error(`--mb should be a positive number of megabytes, but was '${process.argv[mbArg + 1]}'`);

const dir = mkdtempSync(join(tmpdir(), 'bench-io-'));
const input = join(dir, 'input.txt');
{
  // Lines of 40-90 bytes, as log-like text.
  const fd = openSync(input, 'w');
  let written = 0;
  let i = 0;
  while (written < MB * 1e6) {
    let chunk = '';
    for (let k = 0; k < 10_000; k++, i++) chunk += `${i} user${i % 997} GET /item/${(i * 7919) % 100_003} ${'x'.repeat(i % 50)}\n`;
    written += writeSync(fd, chunk);
  }
  closeSync(fd);
}
const bytes = statSync(input).size;
const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const s3 = await startS3(['bench']);
const io = s3.io;
const fs = S3FileSystem.forBucket('bench', io);
const conf = new SparkConf().setMaster('local[2]').setAppName('bench-io').set('spark.ui.enabled', 'false');
for (const [k, v] of Object.entries(s3.conf)) conf.set(k, v);
const sc = new SparkContext(conf);
const rows: [string, number, number][] = [];
try {
  await sc.ready();
  await sc.parallelize([1, 2], 2).count();

  // Plain copies with the same clients.
  const localRead = await time(async () => {
    for await (const _ of createReadStream(input, { highWaterMark: 1 << 20 })) void _;
  });
  const localCopy = await time(() => pipeline(createReadStream(input, { highWaterMark: 1 << 20 }), createWriteStream(join(dir, 'copy.txt'))));
  const s3Upload = await time(async () => {
    const key = 'input.txt';
    const id = await fs.createUpload(key);
    const part = fs.settings.partSize;
    const parts: { PartNumber: number; ETag: string }[] = [];
    const starts = Array.from({ length: Math.ceil(bytes / part) }, (_, n) => n * part);
    let next = 0;
    await Promise.all(Array.from({ length: fs.settings.activeBlocks }, async () => {
      while (next < starts.length) {
        const n = next++;
        const chunks: Buffer[] = [];
        for await (const c of createReadStream(input, { start: starts[n]!, end: Math.min(bytes, starts[n]! + part) - 1 })) chunks.push(c as Buffer);
        parts.push({ PartNumber: n + 1, ETag: await fs.uploadPart(key, id, n + 1, Buffer.concat(chunks)) });
      }
    }));
    await fs.completeUpload(key, id, parts.sort((a, b) => a.PartNumber - b.PartNumber));
  });
  const s3Read = await time(async () => {
    for await (const _ of await fs.open('s3a://bench/input.txt', 0)) void _;
  });

  // The engine.
  let lines = 0;
  const engLocalRead = await time(async () => void (lines = await sc.textFile(input).count()));
  const engLocalWrite = await time(() => sc.textFile(input).saveAsTextFile(join(dir, 'out')));
  const engS3Read = await time(async () => {
    const n = await sc.textFile('s3a://bench/input.txt').count();
    if (n !== lines) throw new Error(`S3 read ${n} lines, local ${lines}`);
  });
  const engS3Write = await time(() => sc.textFile('s3a://bench/input.txt').saveAsTextFile('s3a://bench/out'));
  rows.push(
    ['local: textFile().count() vs stream read', engLocalRead, localRead],
    ['local: textFile().saveAsTextFile() vs stream copy', engLocalWrite, localCopy],
    ['S3: textFile().count() vs GetObject read', engS3Read, s3Read],
    ['S3: textFile().saveAsTextFile() vs multipart upload', engS3Write, s3Upload],
  );
} finally {
  await sc.stop();
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${(bytes / 1e6).toFixed(0)} MB of text, local[2]`);
console.log('operation'.padEnd(54) + 'engine MB/s'.padStart(12) + 'plain MB/s'.padStart(12) + 'engine/plain'.padStart(14));
for (const [what, eng, plain] of rows) {
  console.log(what.padEnd(54) + mbps(eng).toFixed(1).padStart(12) + mbps(plain).toFixed(1).padStart(12) + (plain / eng).toFixed(2).padStart(14));
}
