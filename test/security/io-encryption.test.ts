/**
 * spark.io.encryption.enabled: shuffle files, spill files and blocks cached on disk hold no plaintext, read back
 * correctly under the application's key, and fail loudly when altered or read under another key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from '../../src/index.js';
import { newIoEncryptionKey, openIo, sealIo, useIoEncryptionKey } from '../../src/util/ioEncryption.js';
import { frame, unframe } from '../../src/shuffle/frames.js';
import { SpillWriter, readSpill, spillCodecReady } from '../../src/collection/spillFile.js';

const MARKER = 'PLAINTEXT-MARKER';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f))).filter((p) => statSync(p).isFile());
}

test('sealed blocks: round trip under the key, refused when altered or under another key; key sizes', () => {
  for (const bits of [128, 192, 256]) {
    useIoEncryptionKey(newIoEncryptionKey(bits));
    const sealed = sealIo(Buffer.from(`${MARKER} hello`));
    assert.ok(!sealed.includes(MARKER));
    assert.equal(openIo(sealed).toString(), `${MARKER} hello`);
    const altered = Buffer.from(sealed);
    altered[20]! ^= 1;
    assert.throws(() => openIo(altered), /failed authentication/);
    useIoEncryptionKey(newIoEncryptionKey(bits));
    assert.throws(() => openIo(sealed), /failed authentication: altered, or written under another key/);
  }
  assert.throws(() => newIoEncryptionKey(100), /spark\.io\.encryption\.keySizeBits should be 128, 192 or 256/);
  useIoEncryptionKey(undefined);
  assert.equal(sealIo(Buffer.from('x')).toString(), 'x', 'off: blocks are written as they are');
});

test('shuffle frames and spill files (plain and compressed) are sealed when a key is set, and read back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'io-enc-'));
  try {
    for (const on of [false, true]) {
      useIoEncryptionKey(on ? newIoEncryptionKey(256) : undefined);
      const records = Array.from({ length: 500 }, (_, i) => [`${MARKER}-${i}`, i]);
      const f = frame(records);
      assert.equal(f.includes(MARKER), !on, `frame, encryption ${on}`);
      assert.deepEqual([...unframe(f)].flat(), records);
      for (const compress of [false, true]) {
        // Compressed (zstd once loaded) then sealed.
        if (compress) await spillCodecReady();
        const path = join(dir, `spill-${on}-${compress}`);
        const w = new SpillWriter(path, compress);
        for (const r of records) w.write(r);
        w.close();
        const file = readFileSync(path);
        if (compress) assert.equal(file[4], 2, 'zstd');
        if (!compress) assert.equal(file.includes(MARKER), !on, `spill file, encryption ${on}`);
        if (on) assert.notEqual(file.readUInt32LE(5), 0xfd2fb528, 'sealed: no zstd frame in the clear');
        assert.deepEqual([...readSpill(path)], records);
      }
    }
  } finally {
    useIoEncryptionKey(undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const on of [true, false]) {
  test(`local-cluster with spark.io.encryption.enabled=${on}: shuffle files and DISK_ONLY blocks ${on ? 'hold no' : 'hold'} plaintext; results are right`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'io-enc-e2e-'));
    const sc = new SparkContext(new SparkConf().setMaster('local-cluster[2,1,512]').setAppName('io-enc').set('spark.ui.enabled', 'false')
      .set('spark.local.dir', dir).set('spark.io.encryption.enabled', String(on)));
    try {
      await sc.ready();
      const data = sc.parallelize(Array.from({ length: 2000 }, (_, i) => `${MARKER}-${i % 50}`), 4);
      const cached = data.map((s) => `${s}-cached`).persist('DISK_ONLY');
      assert.equal(await cached.count(), 2000);
      const counts = new Map(await data.map((s) => [s, 1] as [string, number]).reduceByKey((a, b) => a + b, 3).collect());
      assert.equal(counts.size, 50);
      assert.equal(counts.get(`${MARKER}-7`), 40);
      assert.equal((await cached.filter((s) => s.endsWith('-cached')).count()), 2000, 'cached blocks read back');
      const files = filesUnder(dir);
      assert.ok(files.length > 0, 'executors wrote files');
      const leaking = files.filter((p) => readFileSync(p).includes(MARKER));
      if (on) assert.deepEqual(leaking, [], 'no file holds the plaintext');
      else assert.ok(leaking.length > 0, 'without encryption the shuffle files hold the plaintext (the check can fail)');
    } finally {
      await sc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the key is never shown with the configuration', () => {
  const sc = new SparkConf().set('spark.io.encryption.key', 'c2VjcmV0LWtleS1ieXRlcw==');
  assert.ok(!sc.toDebugString().includes('c2VjcmV0LWtleS1ieXRlcw=='));
});
