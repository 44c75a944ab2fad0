/**
 * Scheduler events on their way from the scheduling thread to the listener thread. Task starts and plain successful
 * task ends are nearly all of them, and copying them as objects (structured clone) costs more than scheduling the
 * task; so their values go into flat arrays (numbers into a Float64Array that is moved, not copied) and come out as
 * the same objects on the other side. Anything else travels whole. An absent optional number is NaN on the way.
 */
import type { SparkListenerEvent, TaskEnd, TaskMetricsLite, TaskStart } from '../../scheduler/events.js';

const OTHER = 0;
const TASK_START = 1;
const TASK_END = 2;

export interface ListenerBatch {
  /** Per event: OTHER (the next of `others`) or a compact kind. */
  kinds: Uint8Array;
  nums: Float64Array;
  strs: (string | undefined)[];
  others: SparkListenerEvent[];
}

type Locality = TaskStart['locality'];

const opt = (v: number | undefined): number => (v === undefined ? NaN : v);
const back = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/** Collects events into a batch (the builder starts afresh on `take`). */
export class ListenerBatchBuilder {
  private kinds: number[] = [];
  private nums = new Float64Array(8192);
  private len = 0;
  private strs: (string | undefined)[] = [];
  private others: SparkListenerEvent[] = [];

  get size(): number {
    return this.kinds.length;
  }

  add(e: SparkListenerEvent): void {
    if (e.type === 'taskStart') {
      this.reserve(6);
      const n = this.nums;
      let i = this.head(e);
      n[i++] = opt(e.stageAttempt);
      this.len = i;
      this.strs.push(e.executorId, e.host, e.locality);
      this.kinds.push(TASK_START);
      return;
    }
    if (e.type === 'taskEnd' && e.result === 'success' && e.error === undefined && e.stack === undefined && e.metrics?.blockSizes === undefined) {
      this.reserve(29);
      const n = this.nums;
      let i = this.head(e);
      n[i++] = e.records;
      n[i++] = opt(e.stageAttempt);
      n[i++] = e.shuffleMap === undefined ? NaN : e.shuffleMap ? 1 : 0;
      const m = e.metrics;
      if (m === undefined) {
        n[i++] = 0;
        n.fill(NaN, i, i + 20);
        i += 20;
      } else {
        n[i++] = 1;
        n[i++] = m.runTimeMs;
        n[i++] = opt(m.deserializeTimeMs);
        n[i++] = opt(m.resultSize);
        n[i++] = opt(m.inputBytes);
        n[i++] = opt(m.inputRecords);
        n[i++] = opt(m.outputBytes);
        n[i++] = opt(m.outputRecords);
        n[i++] = opt(m.shuffleWriteBytes);
        n[i++] = opt(m.shuffleWriteRecords);
        n[i++] = opt(m.shuffleWriteTimeNs);
        n[i++] = opt(m.shuffleLocalBytesRead);
        n[i++] = opt(m.shuffleRemoteBytesRead);
        n[i++] = opt(m.shuffleLocalBlocksFetched);
        n[i++] = opt(m.shuffleRemoteBlocksFetched);
        n[i++] = opt(m.shuffleRecordsRead);
        n[i++] = opt(m.shuffleFetchWaitMs);
        n[i++] = opt(m.diskBytesSpilled);
        n[i++] = opt(m.memoryBytesSpilled);
        n[i++] = opt(m.peakExecutionMemory);
        n[i++] = 0; // reserved, keeps the record's width fixed
      }
      this.len = i;
      this.strs.push(e.executorId);
      this.kinds.push(TASK_END);
      return;
    }
    this.kinds.push(OTHER);
    this.others.push(e);
  }

  take(): ListenerBatch {
    const batch: ListenerBatch = { kinds: Uint8Array.from(this.kinds), nums: this.nums.slice(0, this.len), strs: this.strs, others: this.others };
    this.kinds = [];
    this.len = 0;
    this.strs = [];
    this.others = [];
    return batch;
  }

  /** The fields task starts and ends share, in front; returns where the rest go. */
  private head(e: TaskStart | TaskEnd): number {
    const n = this.nums;
    const i = this.len;
    n[i] = e.stageId;
    n[i + 1] = e.taskId;
    n[i + 2] = e.partition;
    n[i + 3] = e.attempt;
    n[i + 4] = e.time;
    return i + 5;
  }

  private reserve(k: number): void {
    if (this.len + k <= this.nums.length) return;
    const grown = new Float64Array(Math.max(this.nums.length * 2, this.len + k));
    grown.set(this.nums.subarray(0, this.len));
    this.nums = grown;
  }
}

/** The batch's events, in order, as they were added. */
export function* batchEvents(b: ListenerBatch): Generator<SparkListenerEvent> {
  const n = b.nums;
  let i = 0;
  let s = 0;
  let o = 0;
  for (const kind of b.kinds) {
    if (kind === TASK_START) {
      const e: TaskStart = { type: 'taskStart', stageId: n[i]!, taskId: n[i + 1]!, partition: n[i + 2]!, attempt: n[i + 3]!, executorId: b.strs[s]!, time: n[i + 4]! };
      const stageAttempt = back(n[i + 5]!);
      if (stageAttempt !== undefined) e.stageAttempt = stageAttempt;
      const host = b.strs[s + 1];
      if (host !== undefined) e.host = host;
      const locality = b.strs[s + 2] as Locality;
      if (locality !== undefined) e.locality = locality;
      i += 6;
      s += 3;
      yield e;
    } else if (kind === TASK_END) {
      const e: TaskEnd = {
        type: 'taskEnd', stageId: n[i]!, taskId: n[i + 1]!, partition: n[i + 2]!, attempt: n[i + 3]!, executorId: b.strs[s]!, time: n[i + 4]!,
        result: 'success', records: n[i + 5]!,
      };
      const stageAttempt = back(n[i + 6]!);
      if (stageAttempt !== undefined) e.stageAttempt = stageAttempt;
      if (!Number.isNaN(n[i + 7]!)) e.shuffleMap = n[i + 7] === 1;
      if (n[i + 8] === 1) e.metrics = metricsAt(n, i + 9);
      i += 29;
      s += 1;
      yield e;
    } else yield b.others[o++]!;
  }
}

function metricsAt(n: Float64Array, i: number): TaskMetricsLite {
  const m: TaskMetricsLite = { runTimeMs: n[i]! };
  const set = (k: Exclude<keyof TaskMetricsLite, 'runTimeMs' | 'blockSizes'>, v: number) => {
    if (!Number.isNaN(v)) m[k] = v;
  };
  set('deserializeTimeMs', n[i + 1]!);
  set('resultSize', n[i + 2]!);
  set('inputBytes', n[i + 3]!);
  set('inputRecords', n[i + 4]!);
  set('outputBytes', n[i + 5]!);
  set('outputRecords', n[i + 6]!);
  set('shuffleWriteBytes', n[i + 7]!);
  set('shuffleWriteRecords', n[i + 8]!);
  set('shuffleWriteTimeNs', n[i + 9]!);
  set('shuffleLocalBytesRead', n[i + 10]!);
  set('shuffleRemoteBytesRead', n[i + 11]!);
  set('shuffleLocalBlocksFetched', n[i + 12]!);
  set('shuffleRemoteBlocksFetched', n[i + 13]!);
  set('shuffleRecordsRead', n[i + 14]!);
  set('shuffleFetchWaitMs', n[i + 15]!);
  set('diskBytesSpilled', n[i + 16]!);
  set('memoryBytesSpilled', n[i + 17]!);
  set('peakExecutionMemory', n[i + 18]!);
  return m;
}
