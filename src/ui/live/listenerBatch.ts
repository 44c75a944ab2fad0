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
  private kinds: number[] = [];
  private nums = new Float64Array(8192);
  private len = 0;
  private others: SparkListenerEvent[] = [];
  private readonly codes = new Map<string, number>();
  private strings: string[] = [];
  private restart = false;

  get size(): number {
    return this.kinds.length;
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
      this.kinds.push(TASK_START);
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
      this.kinds.push(TASK_END);
      return;
    }
    this.kinds.push(OTHER);
    this.others.push(e);
  }

  take(): ListenerBatch {
    const batch: ListenerBatch = {
      kinds: Uint8Array.from(this.kinds), nums: this.nums.slice(0, this.len), restart: this.restart, strings: this.strings, others: this.others,
    };
    this.kinds = [];
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

  /**
   * The batch's events, in order, as they were added. An array rather than a generator: this runs for every event,
   * and a generator's steps cost more than the array. A string code never sent fails the whole batch, before any of it.
   */
  events(b: ListenerBatch): SparkListenerEvent[] {
    if (b.restart) this.strings = [];
    const strings = this.strings;
    for (const s of b.strings) strings.push(s);
    const str = (code: number): string | undefined => {
      if (Number.isNaN(code)) return undefined;
      // Out of step with the builder (a batch was lost): fail loudly rather than give tasks the wrong executor.
      if (code >= strings.length) throw new Error(`listener batch: string code ${code} was never sent`);
      return strings[code];
    };
    const n = b.nums;
    const out: SparkListenerEvent[] = new Array(b.kinds.length);
    let i = 0;
    let o = 0;
    for (let k = 0; k < b.kinds.length; k++) {
      const kind = b.kinds[k];
      if (kind === TASK_START) {
        out[k] = taskStartAt(n, i, str);
        i += START_WIDTH;
      } else if (kind === TASK_END) {
        out[k] = taskEndAt(n, i, str);
        i += END_WIDTH;
      } else out[k] = b.others[o++]!;
    }
    return out;
  }
}

function taskStartAt(n: Float64Array, i: number, str: (code: number) => string | undefined): TaskStart {
  const e: TaskStart = { type: 'taskStart', stageId: int(n[i]!), taskId: int(n[i + 1]!), partition: int(n[i + 2]!), attempt: int(n[i + 3]!), executorId: str(n[i + 6]!)!, time: n[i + 4]! };
  const stageAttempt = back(n[i + 5]!);
  if (stageAttempt !== undefined) e.stageAttempt = stageAttempt;
  const host = str(n[i + 7]!);
  if (host !== undefined) e.host = host;
  const locality = str(n[i + 8]!) as Locality;
  if (locality !== undefined) e.locality = locality;
  return e;
}

function taskEndAt(n: Float64Array, i: number, str: (code: number) => string | undefined): TaskEnd {
  const e: TaskEnd = {
    type: 'taskEnd', stageId: int(n[i]!), taskId: int(n[i + 1]!), partition: int(n[i + 2]!), attempt: int(n[i + 3]!), executorId: str(n[i + 5]!)!, time: n[i + 4]!,
    result: 'success', records: int(n[i + 6]!),
  };
  const stageAttempt = back(n[i + 7]!);
  if (stageAttempt !== undefined) e.stageAttempt = stageAttempt;
  if (!Number.isNaN(n[i + 8]!)) e.shuffleMap = n[i + 8] === 1;
  if (n[i + 9] === 1) e.metrics = metricsAt(n, i + 10);
  return e;
}

function metricsAt(n: Float64Array, i: number): TaskMetricsLite {
  const m: TaskMetricsLite = { runTimeMs: int(n[i]!) };
  const set = (k: Exclude<keyof TaskMetricsLite, 'runTimeMs' | 'blockSizes'>, v: number) => {
    if (!Number.isNaN(v)) m[k] = int(v);
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
