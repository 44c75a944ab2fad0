/**
 * Scheduler events on their way from the scheduling thread to the listener thread. Task starts and plain successful
 * task ends are nearly all of them, and copying them as objects (structured clone) costs more than scheduling the
 * task; so their values go into a Float64Array that is moved, not copied, and come out as the same objects on the
 * other side. Their strings (executor ids, hosts, localities: a few distinct ones, repeated by every task) travel
 * as codes: each string crosses once, and the other side keeps one copy of it, shared by every record that holds it.
 * Anything else travels whole. An absent optional value is NaN on the way.
 */
import type { SparkListenerEvent, TaskEnd, TaskMetricsLite, TaskStart } from '../../scheduler/events.js';
import { isPlainTaskEnd } from '../events/toSparkEvents.js';
import { smallInt } from '../../util/smallInt.js';

const OTHER = 0;
const TASK_START = 1;
const TASK_END = 2;
/** Numbers per packed event. */
const START_WIDTH = 9;
const END_WIDTH = 30;

/** Distinct strings both sides keep before they start afresh (executor ids grow with dynamic allocation). */
export const MAX_STRINGS = 4096;

export interface ListenerBatch {
  /** Per event: OTHER (the next of `others`) or a compact kind. */
  kinds: Uint8Array;
  nums: Float64Array;
  /** The reader forgets the strings it holds before this batch's. */
  restart: boolean;
  /** Strings first used in this batch: they take the next codes, in order. */
  strings: string[];
  others: SparkListenerEvent[];
}

type Locality = TaskStart['locality'];

const opt = (v: number | undefined): number => (v === undefined ? NaN : v);
const back = (v: number): number | undefined => (Number.isNaN(v) ? undefined : int(v));
/** Whole numbers leave the Float64Array as small integers, so the records that keep them need no boxes. */
const int = smallInt;

/** Collects events into a batch (the builder starts afresh on `take`). */
export class ListenerBatchBuilder {
  private kinds = new Uint8Array(1024);
  private count = 0;
  private nums = new Float64Array(8192);
  private len = 0;
  private others: SparkListenerEvent[] = [];
  private readonly codes = new Map<string, number>();
  private strings: string[] = [];
  private restart = false;

  get size(): number {
    return this.count;
  }

  add(e: SparkListenerEvent): void {
    if (e.type === 'taskStart') {
      this.reserve(START_WIDTH);
      const n = this.nums;
      let i = this.head(e);
      n[i++] = opt(e.stageAttempt);
      n[i++] = this.code(e.executorId);
      n[i++] = this.code(e.host);
      n[i++] = this.code(e.locality);
      this.len = i;
      this.kind(TASK_START);
      return;
    }
    // A plain end, as the listener thread takes it, with nothing packing cannot carry.
    if (e.type === 'taskEnd' && isPlainTaskEnd(e) && e.error === undefined && e.stack === undefined) {
      this.reserve(END_WIDTH);
      const n = this.nums;
      let i = this.head(e);
      n[i++] = this.code(e.executorId);
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
      this.kind(TASK_END);
      return;
    }
    this.kind(OTHER);
    this.others.push(e);
  }

  take(): ListenerBatch {
    const batch: ListenerBatch = {
      kinds: this.kinds.slice(0, this.count), nums: this.nums.slice(0, this.len), restart: this.restart, strings: this.strings, others: this.others,
    };
    this.count = 0;
    this.len = 0;
    this.strings = [];
    this.others = [];
    // Between batches only, so that every code in a batch means what it meant when it was written.
    this.restart = this.codes.size >= MAX_STRINGS;
    if (this.restart) this.codes.clear();
    return batch;
  }

  /** A batch taken was never delivered: the next one makes the reader start afresh, as its strings may be missing. */
  restartStrings(): void {
    this.codes.clear();
    this.restart = true;
  }

  private kind(k: number): void {
    if (this.count === this.kinds.length) {
      const grown = new Uint8Array(this.kinds.length * 2);
      grown.set(this.kinds);
      this.kinds = grown;
    }
    this.kinds[this.count++] = k;
  }

  private code(s: string | undefined): number {
    if (s === undefined) return NaN;
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.codes.size;
      this.codes.set(s, c);
      this.strings.push(s);
    }
    return c;
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

/** Reads batches in the order they were taken, keeping the strings earlier batches brought. */
export class ListenerBatchReader {
  private strings: string[] = [];
  // The packed events come out in these, filled anew for each (see `each`).
  private readonly start: TaskStart = {
    type: 'taskStart', stageId: 0, taskId: 0, partition: 0, attempt: 0, executorId: '', time: 0, stageAttempt: undefined, host: undefined, locality: undefined,
  };
  private readonly metrics: TaskMetricsLite = emptyMetrics();
  private readonly end: TaskEnd = {
    type: 'taskEnd', stageId: 0, taskId: 0, partition: 0, attempt: 0, executorId: '', time: 0, result: 'success', records: 0,
    stageAttempt: undefined, shuffleMap: undefined, metrics: undefined,
  };

  /**
   * Calls `f` with the batch's events, in order, as they were added. Task starts and plain ends come in two objects
   * this reader fills anew for each, so `f` must copy what it keeps of them: an object per event, nearly all of them
   * a task's, cost more than what the listener thread does with it. A string code never sent fails the whole batch,
   * before any of it.
   */
  each(b: ListenerBatch, f: (e: SparkListenerEvent) => void): void {
    if (b.restart) this.strings = [];
    const strings = this.strings;
    for (const s of b.strings) strings.push(s);
    checkCodes(b, strings.length);
    const n = b.nums;
    let i = 0;
    let o = 0;
    for (let k = 0; k < b.kinds.length; k++) {
      const kind = b.kinds[k];
      if (kind === TASK_START) {
        f(this.taskStartAt(n, i));
        i += START_WIDTH;
      } else if (kind === TASK_END) {
        f(this.taskEndAt(n, i));
        i += END_WIDTH;
      } else f(b.others[o++]!);
    }
  }

  /** The batch's events as objects of their own, the packed ones without their absent values (for those that keep them, such as tests). */
  events(b: ListenerBatch): SparkListenerEvent[] {
    const out: SparkListenerEvent[] = [];
    this.each(b, (e) => {
      if (e !== this.start && e !== this.end) out.push(e);
      else out.push(e.type === 'taskEnd' && e.metrics !== undefined ? { ...defined(e), metrics: defined(e.metrics) } : defined(e));
    });
    return out;
  }

  private str(code: number): string | undefined {
    return Number.isNaN(code) ? undefined : this.strings[code];
  }

  private taskStartAt(n: Float64Array, i: number): TaskStart {
    const e = this.start;
    e.stageId = int(n[i]!);
    e.taskId = int(n[i + 1]!);
    e.partition = int(n[i + 2]!);
    e.attempt = int(n[i + 3]!);
    e.time = n[i + 4]!;
    e.stageAttempt = back(n[i + 5]!);
    e.executorId = this.str(n[i + 6]!)!;
    e.host = this.str(n[i + 7]!);
    e.locality = this.str(n[i + 8]!) as Locality;
    return e;
  }

  private taskEndAt(n: Float64Array, i: number): TaskEnd {
    const e = this.end;
    e.stageId = int(n[i]!);
    e.taskId = int(n[i + 1]!);
    e.partition = int(n[i + 2]!);
    e.attempt = int(n[i + 3]!);
    e.time = n[i + 4]!;
    e.executorId = this.str(n[i + 5]!)!;
    e.records = int(n[i + 6]!);
    e.stageAttempt = back(n[i + 7]!);
    e.shuffleMap = Number.isNaN(n[i + 8]!) ? undefined : n[i + 8] === 1;
    e.metrics = n[i + 9] === 1 ? metricsAt(n, i + 10, this.metrics) : undefined;
    return e;
  }
}

/** Throws if a string code in the batch was never sent (out of step with the builder: a batch was lost), rather than give tasks the wrong executor. */
function checkCodes(b: ListenerBatch, known: number): void {
  const n = b.nums;
  let i = 0;
  const check = (code: number) => {
    if (code >= known) throw new Error(`listener batch: string code ${code} was never sent`);
  };
  for (let k = 0; k < b.kinds.length; k++) {
    const kind = b.kinds[k];
    if (kind === TASK_START) {
      check(n[i + 6]!);
      check(n[i + 7]!);
      check(n[i + 8]!);
      i += START_WIDTH;
    } else if (kind === TASK_END) {
      check(n[i + 5]!);
      i += END_WIDTH;
    }
  }
}

/** `o` without its undefined fields. */
function defined<T extends object>(o: T): T {
  const c = { ...o };
  for (const k of Object.keys(c) as (keyof T)[]) if (c[k] === undefined) delete c[k];
  return c;
}

function emptyMetrics(): TaskMetricsLite {
  return {
    runTimeMs: 0, deserializeTimeMs: undefined, resultSize: undefined, inputBytes: undefined, inputRecords: undefined, outputBytes: undefined,
    outputRecords: undefined, shuffleWriteBytes: undefined, shuffleWriteRecords: undefined, shuffleWriteTimeNs: undefined, shuffleLocalBytesRead: undefined,
    shuffleRemoteBytesRead: undefined, shuffleLocalBlocksFetched: undefined, shuffleRemoteBlocksFetched: undefined, shuffleRecordsRead: undefined,
    shuffleFetchWaitMs: undefined, diskBytesSpilled: undefined, memoryBytesSpilled: undefined, peakExecutionMemory: undefined,
  };
}

function metricsAt(n: Float64Array, i: number, m: TaskMetricsLite): TaskMetricsLite {
  m.runTimeMs = int(n[i]!);
  m.deserializeTimeMs = back(n[i + 1]!);
  m.resultSize = back(n[i + 2]!);
  m.inputBytes = back(n[i + 3]!);
  m.inputRecords = back(n[i + 4]!);
  m.outputBytes = back(n[i + 5]!);
  m.outputRecords = back(n[i + 6]!);
  m.shuffleWriteBytes = back(n[i + 7]!);
  m.shuffleWriteRecords = back(n[i + 8]!);
  m.shuffleWriteTimeNs = back(n[i + 9]!);
  m.shuffleLocalBytesRead = back(n[i + 10]!);
  m.shuffleRemoteBytesRead = back(n[i + 11]!);
  m.shuffleLocalBlocksFetched = back(n[i + 12]!);
  m.shuffleRemoteBlocksFetched = back(n[i + 13]!);
  m.shuffleRecordsRead = back(n[i + 14]!);
  m.shuffleFetchWaitMs = back(n[i + 15]!);
  m.diskBytesSpilled = back(n[i + 16]!);
  m.memoryBytesSpilled = back(n[i + 17]!);
  m.peakExecutionMemory = back(n[i + 18]!);
  return m;
}
