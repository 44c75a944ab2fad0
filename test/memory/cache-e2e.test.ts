// persist levels within a tiny storage pool: MEMORY_ONLY blocks that do not fit are recomputed, MEMORY_AND_DISK and
// DISK_ONLY blocks are read back from disk (by any task thread of the executor), and unpersist removes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from '../../src/index.js';

const base = mkdtempSync(join(tmpdir(), 'cache-e2e-'));
let sc: SparkContext;
before(async () => {
  // About 35 KB of pool per thread: a 2,000-string partition (~100 KB) never fits in memory.
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('cache').set('spark.local.dir', base).set('spark.ui.enabled', 'false')
    .set('spark.memory.fraction', '0.0001'));
  await sc.ready();
});
after(async () => {
  await sc.stop();
  rmSync(base, { recursive: true, force: true });
});

const diskBlocks = () => readdirSync(base, { recursive: true, encoding: 'utf8' }).filter((f) => /blocks\/rdd_\d+_\d+$/.test(f));
const want = Array.from({ length: 8000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);

for (const level of ['MEMORY_AND_DISK', 'DISK_ONLY', 'MEMORY_ONLY']) {
  test(`${level}: same results; blocks too big for memory are ${level === 'MEMORY_ONLY' ? 'recomputed' : 'read back from disk'}`, async () => {
    const computed = sc.longAccumulator(level);
    const rdd = sc.range(0, 8000, 1, 4).map((i) => {
      computed.add(1);
      return `line ${i} ${'x'.repeat(20)}`;
    }, { computed }).persist(level);
    assert.deepEqual(await rdd.collect(), want);
    assert.equal(computed.value, 8000);
    assert.deepEqual(await rdd.collect(), want);
    assert.deepEqual(await rdd.filter((s) => s.endsWith('x')).count(), 8000);
    if (level === 'MEMORY_ONLY') {
      assert.equal(computed.value, 3 * 8000, 'never cached (too big): recomputed every time');
      assert.equal(diskBlocks().length, 0);
    } else {
      assert.equal(computed.value, 8000, 'read back, whichever thread runs the task');
      assert.equal(diskBlocks().length, 4);
    }
    rdd.unpersist();
    await new Promise((r) => setTimeout(r, 200)); // dropBlocks is a message to the threads
    assert.equal(diskBlocks().length, 0);
    assert.ok(existsSync(base));
  });
}
