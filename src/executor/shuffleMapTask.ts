/**
 * The sink of a shuffle map task: partitions (and map-side combines) the task's records into one shuffle file and
 * reports its map status.
 */
import type { Sink, TaskResult } from '../core/plan.js';
import { ShuffleWriter } from '../shuffle/ShuffleWriter.js';
import { mapSideSpillPolicy } from '../shuffle/mapSideMemory.js';
import { partitionFn } from '../shuffle/partitioning.js';
import type { Run } from './TaskRun.js';

/** Runs the task's plan into this map's shuffle file; the result carries its map status and write metrics. */
export async function runShuffleMap(r: Run, sink: Extract<Sink, { k: 'shuffleWrite' }>): Promise<TaskResult> {
  const keyFn = sink.partitioner.kind === 'range' && sink.partitioner.keyFn ? await r.fn(sink.partitioner.keyFn) : undefined;
  const combiner = sink.agg?.mapSideCombine ? { createCombiner: await r.fn(sink.agg.createCombiner), mergeValue: await r.fn(sink.agg.mergeValue) } : undefined;
  const w = new ShuffleWriter(
    sink.dir,
    `shuffle_${sink.shuffleId}_${sink.mapId}_${r.task.attempt}_${r.task.taskId}`,
    sink.partitioner.numPartitions,
    partitionFn(sink.partitioner, keyFn),
    combiner,
    r.task.spillThreshold,
    r.tm ? mapSideSpillPolicy(r.tm) : undefined,
  );
  await r.run(r.task.plan, (v) => {
    w.write(v);
    return false;
  });
  const t0 = process.hrtime.bigint();
  const { path, offsets } = w.commit();
  Object.assign(r.m, {
    shuffleWriteTimeNs: Number(process.hrtime.bigint() - t0), shuffleWriteBytes: offsets[offsets.length - 1] ?? 0, shuffleWriteRecords: w.records,
    diskBytesSpilled: w.spilledBytes,
  });
  return {
    value: { spills: w.spillCount },
    accumulators: r.accumulators,
    blocks: r.cachedBlocks,
    records: w.records,
    mapStatus: {
      shuffleId: sink.shuffleId, mapId: sink.mapId, executorId: r.ex.executorId, path, offsets,
      ...(r.ex.address ? { address: r.ex.address } : {}), ...(r.ex.external ? { external: r.ex.external } : {}),
    },
  };
}
