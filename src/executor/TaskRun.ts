/**
 * One task's run: the executor state it runs against, its shipped functions compiled, and the evaluation of its plan
 * (sources, cached blocks, shuffle reads, fused loops, whole-partition ops) pushing each element to a consumer.
 */
import { FUSABLE, type Op, type Plan, type TaskDescription } from '../core/plan.js';
import type { ShippedFunction } from '../core/closure.js';
import { compile, type ExecutorServices } from './functions.js';
import { fuse, fuseRange, type FusedOp, type Push } from './fusion.js';
import { textSplitBatches } from '../io/textInput.js';
import { wholeFileRecords } from '../io/wholeFileInput.js';
import { aggregate, cogroup, collectAll, readRecords, sortRecords, type BlockFetcher } from '../shuffle/ShuffleReader.js';
import { cogroupPartition, pushAll, pushReduced } from '../shuffle/spillingReduce.js';
import { blockStore } from './taskMemoryFor.js';
import { PEER_WAIT_MS } from '../memory/PeerBlocks.js';
import type { TaskMemory } from '../memory/TaskMemory.js';
import { countedRecords, meteredFetch, type RunMetrics } from './taskMetrics.js';
import { applyPartitionOp, joinRows } from './partitionOps.js';

export interface ExecutorState {
  executorId: string;
  /** Where this executor's block server (or its host's shuffle service) serves map outputs from. */
  address?: { host: string; port: number };
  external?: { appId: string };
  blocks: Map<string, unknown[]>;
  broadcasts: Map<number, unknown>;
  fetch: BlockFetcher;
}

type Fn = (...a: any[]) => any;

export class Run {
  readonly accumulators: Record<number, unknown[]> = {};
  readonly cachedBlocks: string[] = [];
  readonly svc: ExecutorServices;
  /** The executor's fetcher with this task's fetch timeout (`spark.network.timeout`). */
  readonly fetch: BlockFetcher;
  /** What the UI shows of the task (Spark's task metrics), counted as it runs. */
  readonly m: RunMetrics = { blockSizes: {} };
  /** The task's memory budget for reduce-side buffers (they spill past it); unset: in-memory only. */
  tm: TaskMemory | undefined;

  constructor(
    readonly task: TaskDescription,
    readonly ex: ExecutorState,
  ) {
    // Called through the state each time, as a method: a fetcher may rely on `this`.
    this.fetch = meteredFetch((s, p, t) => ex.fetch(s, p, t), ex.executorId, task.fetchTimeoutMs, this.m);
    this.svc = {
      appPath: task.appPath,
      broadcast: (id) => {
        if (!ex.broadcasts.has(id)) throw new Error(`broadcast ${id} is not available on executor ${ex.executorId}`);
        return ex.broadcasts.get(id);
      },
      accumulate: (id, v) => (this.accumulators[id] ??= []).push(v),
    };
  }

  fn<F extends Fn>(f: ShippedFunction): Promise<F> {
    return compile<F>(f, this.svc);
  }

  async fused(ops: Op[]): Promise<FusedOp[]> {
    return Promise.all(ops.map(async (o) => ({ k: o.k, fn: await this.fn((o as { f: ShippedFunction }).f) })));
  }

  /** Pushes every element of the plan's partition into `push`; true when `push` asked to stop. */
  async run(plan: Plan, push: Push): Promise<boolean> {
    switch (plan.t) {
      case 'empty':
        return false;
      case 'data':
        for (const x of plan.items) if (push(x)) return true;
        return false;
      case 'range':
        return fuseRange([], push)(plan.start, plan.end, plan.step);
      case 'text':
        this.m.inputBytes = (this.m.inputBytes ?? 0) + (plan.end - plan.start);
        // Any store, compressed or not, in batches of lines (src/io/textInput.ts).
        for await (const batch of textSplitBatches(plan)) {
          for (const x of batch) {
            this.m.inputRecords = (this.m.inputRecords ?? 0) + 1;
            if (push(x)) return true;
          }
        }
        return false;
      case 'wholeFiles':
        // One [path, content] record per file, read whole (src/io/wholeFileInput.ts).
        for await (const rec of wholeFileRecords(plan, plan.binary)) {
          this.m.inputBytes = (this.m.inputBytes ?? 0) + (typeof rec[1] === 'string' ? Buffer.byteLength(rec[1]) : rec[1].length);
          this.m.inputRecords = (this.m.inputRecords ?? 0) + 1;
          if (push(rec)) return true;
        }
        return false;
      case 'concat':
        for (const p of plan.parents) if (await this.run(p, push)) return true;
        return false;
      case 'cached': {
        // Within the storage pool, evicted LRU, read back from disk as the level says (src/memory/BlockStore.ts).
        const level = plan.level ?? 'MEMORY_ONLY';
        // Also from the executor thread that holds it in memory (src/memory/PeerBlocks.ts).
        const drops = blockStore.drops;
        let items = await blockStore.getShared(plan.block, level, PEER_WAIT_MS);
        if (!items) {
          items = await this.materialize(plan.parent);
          // Not cached when an unpersist went by meanwhile: it would outlive the drop.
          const size = blockStore.drops === drops ? blockStore.put(plan.block, items, level) : 0;
          if (size > 0) {
            this.cachedBlocks.push(plan.block);
            this.m.blockSizes[plan.block] = size;
          }
        }
        for (const x of items) if (push(x)) return true;
        return false;
      }
      case 'shuffle': {
        const statuses = this.task.shuffleInputs[plan.shuffleId] ?? [];
        const batches = countedRecords(readRecords(statuses, plan.partition, this.fetch, this.task.maxBytesInFlight), this.m);
        if (this.tm) {
          // Within the task's memory budget, spilling to disk past it (src/shuffle/spillingReduce.ts).
          const a = plan.agg;
          const agg = a && { createCombiner: await this.fn(a.createCombiner), mergeValue: await this.fn(a.mergeValue), mergeCombiners: await this.fn(a.mergeCombiners), mapSideCombine: a.mapSideCombine };
          const sort = plan.sort && { ascending: plan.sort.ascending, keyFn: plan.sort.keyFn ? await this.fn(plan.sort.keyFn) : undefined };
          return pushReduced(batches, this.tm, agg, sort, push);
        }
        let records: unknown[];
        if (plan.agg) {
          const [createCombiner, mergeValue, mergeCombiners] = await Promise.all([
            this.fn(plan.agg.createCombiner), this.fn(plan.agg.mergeValue), this.fn(plan.agg.mergeCombiners),
          ]);
          records = await aggregate(batches, { createCombiner, mergeValue, mergeCombiners, mapSideCombine: plan.agg.mapSideCombine });
        } else records = await collectAll(batches);
        if (plan.sort) records = sortRecords(records, plan.sort.ascending, plan.sort.keyFn ? await this.fn(plan.sort.keyFn) : undefined);
        for (const x of records) if (push(x)) return true;
        return false;
      }
      case 'cogroup': {
        const inputs = plan.shuffleIds.map((id) => countedRecords(readRecords(this.task.shuffleInputs[id] ?? [], plan.partition, this.fetch, this.task.maxBytesInFlight), this.m));
        if (this.tm) return pushAll(await cogroupPartition(inputs, this.tm), push);
        for (const x of await cogroup(inputs)) if (push(x)) return true;
        return false;
      }
      case 'op': {
        const ops: Op[] = [];
        let base: Plan = plan;
        while (base.t === 'op' && FUSABLE.has(base.op.k)) {
          ops.unshift(base.op);
          base = base.parent;
        }
        if (ops.length > 0) {
          const compiled = await this.fused(ops);
          if (base.t === 'range') return fuseRange(compiled, push)(base.start, base.end, base.step);
          return this.run(base, fuse(compiled, push));
        }
        const op = (base as Extract<Plan, { t: 'op' }>).op;
        // Joins stream their cogrouped rows rather than materializing the partition.
        if (op.k === 'join') return this.run((base as Extract<Plan, { t: 'op' }>).parent, (row) => pushAll(joinRows([row as [unknown, [unknown[], unknown[]]]], op.mode), push));
        const input = await this.materialize((base as Extract<Plan, { t: 'op' }>).parent);
        for (const x of await applyPartitionOp(op, input, this.task.partition, (f) => this.fn(f))) if (push(x)) return true;
        return false;
      }
    }
  }

  async materialize(plan: Plan): Promise<unknown[]> {
    const out: unknown[] = [];
    await this.run(plan, (v) => {
      out.push(v);
      return false;
    });
    return out;
  }
}
