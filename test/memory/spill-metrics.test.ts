/** Spill metrics reach the driver's Prometheus endpoint (`spark_tasks_{memory,disk}_bytes_spilled_total`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from '../../src/index.js';

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text);
  assert.ok(m, `${name} is exported`);
  return Number(m[1]);
}

test('a job that spills shows its spilled bytes in /metrics/prometheus; one that does not shows none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spill-metrics-'));
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('spill-metrics').set('spark.ui.port', '0')
    .set('spark.local.dir', dir).set('spark.memory.fraction', '0.0001').set('spark.shuffle.spill.initialMemoryThreshold', '1k'));
  try {
    await sc.ready();
    const scrape = async () => (await fetch(`${sc.uiWebUrl}/metrics/prometheus`)).text();
    await sc.parallelize([1, 2, 3], 1).count();
    assert.equal(metric(await scrape(), 'spark_tasks_disk_bytes_spilled_total'), 0);
    const sorted = await sc.parallelize(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 20_000), 4).map((x) => [x % 97, `v${x}`] as [number, string]).groupByKey(2).count();
    assert.equal(sorted, 97);
    const text = await scrape();
    assert.ok(metric(text, 'spark_tasks_disk_bytes_spilled_total') > 0, 'disk bytes spilled');
    assert.ok(metric(text, 'spark_tasks_memory_bytes_spilled_total') > 0, 'memory bytes spilled');
    // The reduce tasks' buffers show as their peak execution memory in Spark's task list, as Spark reports it.
    const api = `${sc.uiWebUrl}/api/v1/applications/${sc.applicationId}`;
    const stages = (await (await fetch(`${api}/stages`)).json()) as { stageId: number; attemptId: number }[];
    const last = stages.reduce((a, b) => (b.stageId > a.stageId ? b : a));
    const tasks = (await (await fetch(`${api}/stages/${last.stageId}/${last.attemptId}/taskList`)).json()) as { taskMetrics: { peakExecutionMemory: number } }[];
    assert.ok(tasks.length === 2 && tasks.every((t) => t.taskMetrics.peakExecutionMemory > 0), `peak execution memory per task: ${JSON.stringify(tasks.map((t) => t.taskMetrics.peakExecutionMemory))}`);
  } finally {
    await sc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
