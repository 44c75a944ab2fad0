/**
 * Runs one task on an executor (a worker thread in local mode, a process in a cluster): compiles the shipped
 * functions, computes the partition from its plan as fused loops, and feeds the result sink or the shuffle writer.
 */
import { keyString, compareKeys } from '../core/keys.js';
import { FUSABLE, type Op, type Plan, type Sink, type TaskDescription, type TaskResult } from '../core/plan.js';
import { StatCounter } from '../core/StatCounter.js';
import { TaskContext } from '../core/TaskContext.js';
import type { ShippedFunction } from '../core/closure.js';
import { compile, type ExecutorServices } from './functions.js';
import { fuse, fuseRange, fuseRangeAggregate, type FusedOp, type Push } from './fusion.js';
import { textSplitBatches } from '../io/textInput.js';
import { wholeFileRecords } from '../io/wholeFileInput.js';
import { writeTaskOutput } from '../io/outputs.js';
import { recordText } from '../io/commitProtocol.js';
import { aggregate, cogroup, collectAll, readRecords, sortRecords, type BlockFetcher } from '../shuffle/ShuffleReader.js';
import { ShuffleWriter } from '../shuffle/ShuffleWriter.js';
import { mapSideSpillPolicy } from '../shuffle/mapSideMemory.js';
import { partitionFn } from '../shuffle/partitioning.js';
import type { TaskMetricsLite } from '../scheduler/events.js';
import { cogroupPartition, pushAll, pushReduced } from '../shuffle/spillingReduce.js';
import { blockStore, endTaskMemory, taskMemoryFor } from './taskMemoryFor.js';
import { PEER_WAIT_MS } from '../memory/PeerBlocks.js';
import type { TaskMemory } from '../memory/TaskMemory.js';

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

class Run {
  readonly accumulators: Record<number, unknown[]> = {};
  readonly cachedBlocks: string[] = [];
  readonly svc: ExecutorServices;
  /** The executor's fetcher with this task's fetch timeout (`spark.network.timeout`). */
  readonly fetch: BlockFetcher;
  /** What the UI shows of the task (Spark's task metrics), counted as it runs. */
  readonly m: Omit<TaskMetricsLite, 'runTimeMs'> & { blockSizes: Record<string, number> } = { blockSizes: {} };
  /** The task's memory budget for reduce-side buffers (they spill past it); unset: in-memory only. */
  tm: TaskMemory | undefined;

  constructor(
    readonly task: TaskDescription,
    readonly ex: ExecutorState,
  ) {
    const timeoutMs = task.fetchTimeoutMs;
    this.fetch = async (status, p) => {
      const buf = await ex.fetch(status, p, timeoutMs);
      const local = status.executorId === ex.executorId;
      const m = this.m;
      if (local) {
        m.shuffleLocalBytesRead = (m.shuffleLocalBytesRead ?? 0) + buf.length;
        m.shuffleLocalBlocksFetched = (m.shuffleLocalBlocksFetched ?? 0) + 1;
      } else {
        m.shuffleRemoteBytesRead = (m.shuffleRemoteBytesRead ?? 0) + buf.length;
        m.shuffleRemoteBlocksFetched = (m.shuffleRemoteBlocksFetched ?? 0) + 1;
      }
      return buf;
    };
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
        const batches = this.counted(readRecords(statuses, plan.partition, this.fetch, this.task.maxBytesInFlight));
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
        const inputs = plan.shuffleIds.map((id) => this.counted(readRecords(this.task.shuffleInputs[id] ?? [], plan.partition, this.fetch, this.task.maxBytesInFlight)));
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
        for (const x of await this.apply(op, input)) if (push(x)) return true;
        return false;
      }
    }
  }

  /** Counts the shuffle records read through `batches`. */
  async *counted(batches: AsyncIterable<unknown[]>): AsyncGenerator<unknown[]> {
    for await (const b of batches) {
      this.m.shuffleRecordsRead = (this.m.shuffleRecordsRead ?? 0) + b.length;
      yield b;
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

  /** Operations that see a whole partition. */
  async apply(op: Op, input: unknown[]): Promise<Iterable<unknown>> {
    switch (op.k) {
      case 'mapPartitions': {
        const f = await this.fn(op.f);
        const r = await f(input[Symbol.iterator](), ...(op.withIndex ? [this.task.partition] : []));
        if (r == null || typeof (r as Iterable<unknown>)[Symbol.iterator] !== 'function') {
          if (r && typeof (r as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
            const out: unknown[] = [];
            for await (const x of r as AsyncIterable<unknown>) out.push(x);
            return out;
          }
          throw new Error('the function passed to mapPartitions must return an iterable (an array or a generator)');
        }
        return r as Iterable<unknown>;
      }
      case 'sample': {
        const rand = mulberry32(op.seed * 7919 + this.task.partition);
        const out: unknown[] = [];
        for (const x of input) {
          if (op.withReplacement) {
            for (let n = poisson(op.fraction, rand); n > 0; n--) out.push(x);
          } else if (rand() < op.fraction) out.push(x);
        }
        return out;
      }
      case 'zipWithIndex':
        return input.map((x, i) => [x, op.offset + i]);
      case 'join':
        return joinRows(input as [unknown, [unknown[], unknown[]]][], op.mode);
      default:
        throw new Error(`unexpected op ${op.k}`);
    }
  }
}

function* joinRows(rows: [unknown, [unknown[], unknown[]]][], mode: 'inner' | 'left' | 'right' | 'full'): Generator<unknown> {
  for (const [k, [left, right]] of rows) {
    if (left.length > 0 && right.length > 0) {
      for (const a of left) for (const b of right) yield [k, [a, b]];
    } else if (left.length > 0 && (mode === 'left' || mode === 'full')) {
      for (const a of left) yield [k, [a, undefined]];
    } else if (right.length > 0 && (mode === 'right' || mode === 'full')) {
      for (const b of right) yield [k, [undefined, b]];
    }
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, rand: () => number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/** A fused sum or count straight over a range, when the plan allows it (the fastest path). */
async function rangeAggregate(r: Run, plan: Plan, kind: 'sum' | 'count'): Promise<number | undefined> {
  const ops: Op[] = [];
  let base = plan;
  while (base.t === 'op' && FUSABLE.has(base.op.k)) {
    ops.unshift(base.op);
    base = base.parent;
  }
  if (base.t !== 'range') return undefined;
  return fuseRangeAggregate(await r.fused(ops), kind)(base.start, base.end, base.step);
}

async function runSink(r: Run, sink: Sink): Promise<{ value: unknown; records: number }> {
  const plan = r.task.plan;
  let records = 0;
  const each = async (f: (v: unknown) => boolean | void) =>
    r.run(plan, (v) => {
      records++;
      return f(v) === true;
    });
  switch (sink.k) {
    case 'collect': {
      const out: unknown[] = [];
      await each((v) => void out.push(v));
      return { value: out, records };
    }
    case 'count': {
      const fast = await rangeAggregate(r, plan, 'count');
      if (fast !== undefined) return { value: fast, records: fast };
      await each(() => undefined);
      return { value: records, records };
    }
    case 'sum': {
      const fast = await rangeAggregate(r, plan, 'sum');
      if (fast !== undefined) return { value: fast, records };
      let s = 0;
      await each((v) => void (s += v as number));
      return { value: s, records };
    }
    case 'stats': {
      const st = new StatCounter();
      await each((v) => void st.merge(v as number));
      return { value: st.toJSON(), records };
    }
    case 'reduce': {
      const f = await r.fn(sink.f);
      let has = false;
      let acc: unknown;
      await each((v) => {
        acc = has ? f(acc, v) : v;
        has = true;
      });
      return { value: has ? { acc } : null, records };
    }
    case 'fold': {
      const f = await r.fn(sink.f);
      let acc = structuredClone(sink.zero);
      await each((v) => void (acc = f(acc, v)));
      return { value: acc, records };
    }
    case 'aggregate': {
      const f = await r.fn(sink.seqOp);
      let acc = structuredClone(sink.zero);
      await each((v) => void (acc = f(acc, v)));
      return { value: acc, records };
    }
    case 'take': {
      const out: unknown[] = [];
      if (sink.n > 0) await each((v) => out.push(v) >= sink.n);
      return { value: out, records };
    }
    case 'takeOrdered': {
      const keyFn = sink.keyFn ? await r.fn(sink.keyFn) : (x: unknown) => x;
      const cmp = (a: [unknown, unknown], b: [unknown, unknown]) => (sink.descending ? compareKeys(b[0], a[0]) : compareKeys(a[0], b[0]));
      let buf: [unknown, unknown][] = [];
      await each((v) => {
        buf.push([keyFn(v), v]);
        if (buf.length >= sink.n * 4 + 64) buf = buf.sort(cmp).slice(0, sink.n);
      });
      return { value: buf.sort(cmp).slice(0, sink.n).map(([, v]) => v), records };
    }
    case 'foreach': {
      const f = await r.fn(sink.f);
      const pending: Promise<unknown>[] = [];
      await each((v) => {
        const res = f(v);
        if (res && typeof (res as Promise<unknown>).then === 'function') pending.push(res as Promise<unknown>);
      });
      await Promise.all(pending);
      return { value: null, records };
    }
    case 'foreachPartition': {
      const f = await r.fn(sink.f);
      const items = await r.materialize(plan);
      await f(items[Symbol.iterator]());
      return { value: null, records: items.length };
    }
    case 'countByValue':
    case 'countByKey': {
      const m = new Map<string, [unknown, number]>();
      await each((v) => {
        const k = sink.k === 'countByKey' ? (v as [unknown])[0] : v;
        const ks = keyString(k);
        const cur = m.get(ks);
        if (cur) cur[1]++;
        else m.set(ks, [k, 1]);
      });
      return { value: [...m.values()], records };
    }
    case 'sampleKeys': {
      const keyFn = sink.keyFn ? await r.fn(sink.keyFn) : undefined;
      const rand = mulberry32(sink.seed + r.task.partition);
      const res: unknown[] = [];
      let seen = 0;
      await each((v) => {
        const k = (v as [unknown])[0];
        const key = keyFn ? keyFn(k) : k;
        seen++;
        if (res.length < sink.n) res.push(key);
        else {
          const j = Math.floor(rand() * seen);
          if (j < sink.n) res[j] = key;
        }
      });
      return { value: { count: seen, sample: res }, records };
    }
    case 'save': {
      // Streams records into this attempt's own output and commits it (src/io/outputs.ts).
      const t = r.task;
      const out = await writeTaskOutput(sink, { partition: t.partition, attempt: t.attempt, taskId: t.taskId, localDir: t.localDir }, (write) => each((v) => write(recordText(v))));
      r.m.outputBytes = out.bytes;
      r.m.outputRecords = out.lines;
      return { value: out.message, records };
    }
    case 'shuffleWrite':
      throw new Error('shuffleWrite is handled by runShuffleMap');
  }
}

async function runShuffleMap(r: Run, sink: Extract<Sink, { k: 'shuffleWrite' }>): Promise<TaskResult> {
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

export async function executeTask(task: TaskDescription, ex: ExecutorState): Promise<TaskResult> {
  for (const [id, v] of Object.entries(task.broadcasts)) ex.broadcasts.set(Number(id), v);
  const r = new Run(task, ex);
  r.tm = taskMemoryFor(task);
  const started = performance.now();
  const spill = r.tm?.metrics;
  // Reduce-side spills add to the map side's (src/memory/TaskMemory.ts).
  const spilled = () => (spill && (spill.diskBytesSpilled > 0 || spill.memoryBytesSpilled > 0)
    ? { memoryBytesSpilled: (r.m.memoryBytesSpilled ?? 0) + spill.memoryBytesSpilled, diskBytesSpilled: (r.m.diskBytesSpilled ?? 0) + spill.diskBytesSpilled }
    : {});
  const peak = () => (spill && spill.peakExecutionMemory > 0 ? { peakExecutionMemory: Math.round(spill.peakExecutionMemory) } : {});
  const metrics = (): TaskMetricsLite => ({ ...r.m, ...spilled(), ...peak(), runTimeMs: Math.round(performance.now() - started) });
  TaskContext.set({ stageId: task.stageId, partitionId: task.partition, attemptNumber: task.attempt, taskAttemptId: task.taskId, executorId: ex.executorId });
  try {
    if (task.sink.k === 'shuffleWrite') return { ...(await runShuffleMap(r, task.sink)), metrics: metrics() };
    const { value, records } = await runSink(r, task.sink);
    return { value, accumulators: r.accumulators, blocks: r.cachedBlocks, records, metrics: metrics() };
  } finally {
    TaskContext.set(undefined);
    endTaskMemory(r.tm);
  }
}
