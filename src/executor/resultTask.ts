/**
 * The sinks of a result task: what the task computes from its partition for the driver (collect, count, sum, reduce,
 * take, countByKey, ...), or the output it writes and commits (save).
 */
import { keyString, compareKeys } from '../core/keys.js';
import { FUSABLE, type Op, type Plan, type Sink } from '../core/plan.js';
import { StatCounter } from '../core/StatCounter.js';
import { fuseRangeAggregate } from './fusion.js';
import { writeTaskOutput } from '../io/outputs.js';
import { recordText } from '../io/commitProtocol.js';
import { mulberry32 } from './partitionOps.js';
import type { Run } from './TaskRun.js';

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

/** Runs the task's plan into `sink`: the value for the driver and how many records the sink saw. */
export async function runSink(r: Run, sink: Sink): Promise<{ value: unknown; records: number }> {
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
