import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { readSpill, spillCodecReady, SpillWriter, SPILL_BATCH, ZSTD_MAX_BATCH } from '../../src/collection/spillFile.js';

test('spill batches of common shapes are packed (recordCodec), others go as v8, and all read back in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spill-enc-'));
  try {
    const pairs = Array.from({ length: SPILL_BATCH }, (_, i) => [`k${i}\uD800`, i === 3 ? -0 : i / 3]);
    const grouped = [['a', [1, 2]], ['b', []]];
    for (const compress of [false, true]) {
      const path = join(dir, `s-${compress}`);
      const w = new SpillWriter(path, compress);
      for (const r of [...pairs, ...grouped]) w.write(r);
      w.close();
      const file = readFileSync(path);
      const first = file.subarray(5, 5 + file.readUInt32LE(0));
      assert.equal(file[4], compress ? 1 : 0);
      assert.equal((compress ? inflateRawSync(first) : first)[0], 0x02, 'the first batch is packed pairs');
      assert.deepStrictEqual([...readSpill(path)], [...pairs, ...grouped]);
    }
    // Once zstd has loaded, compressed spills use it (a zstd frame), and files written before still read back.
    await spillCodecReady();
    const path = join(dir, 'zstd');
    const w = new SpillWriter(path, true);
    for (const r of [...pairs, ...grouped]) w.write(r);
    w.close();
    const file = readFileSync(path);
    assert.equal(file[4], 2, 'codec byte: zstd');
    assert.equal(file.readUInt32LE(5), 0xfd2fb528, 'a zstd frame');
    assert.deepStrictEqual([...readSpill(path)], [...pairs, ...grouped]);
    assert.deepStrictEqual([...readSpill(join(dir, 's-true'))], [...pairs, ...grouped], 'a deflate spill');
    // A batch past zstd's bound goes through deflate (zstd's WebAssembly memory would grow to twice it, for good).
    const big = join(dir, 'big');
    const wb = new SpillWriter(big, true);
    wb.write(['k', 'x'.repeat(ZSTD_MAX_BATCH + 1)]);
    wb.close();
    assert.equal(readFileSync(big)[4], 1, 'codec byte: deflate');
    assert.equal(([...readSpill(big)] as [string, string][])[0]![1].length, ZSTD_MAX_BATCH + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
