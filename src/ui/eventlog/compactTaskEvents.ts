/**
 * Task starts and plain successful task ends are nearly all of an event log, and `JSON.stringify` on each costs more
 * than scheduling the task. Their values are therefore copied into flat arrays and each line is written from the
 * same field list as flattened templates. Anything off the common shape (a failure, accumulables, updated blocks, an
 * absent field) is left to `JSON.stringify`. The fields are listed in the order the converter builds them, so a line
 * is byte for byte what `JSON.stringify` gives for the event (a test holds both to that).
 */
import type { PlainTaskEnd, SparkEvent, TaskInfoJson, TaskMetricsJson } from '../events/sparkEvents.js';
import { plainTaskEndEvent } from '../events/toSparkEvents.js';
import type { TaskMetrics } from '../status/records.js';

/** What the log takes: Spark's events, and plain task ends as values (written as the events they stand for). */
export type LogItem = SparkEvent | PlainTaskEnd;

type Leaf = 'n' | 's' | 'b' | 'empty';
export interface Field { key: string; kind: Leaf | Field[] }

const leaf = (key: string, kind: Leaf): Field => ({ key, kind });
const obj = (key: string, fields: Field[]): Field => ({ key, kind: fields });
const numbers = (...keys: string[]): Field[] => keys.map((k) => leaf(k, 'n'));

const TASK_INFO: Field[] = [
  ...numbers('Task ID', 'Index', 'Attempt', 'Partition ID', 'Launch Time'),
  leaf('Executor ID', 's'), leaf('Host', 's'), leaf('Locality', 's'), leaf('Speculative', 'b'),
  ...numbers('Getting Result Time', 'Finish Time'), leaf('Failed', 'b'), leaf('Killed', 'b'), leaf('Accumulables', 'empty'),
];

const TASK_METRICS: Field[] = [
  ...numbers('Executor Deserialize Time', 'Executor Deserialize CPU Time', 'Executor Run Time', 'Executor CPU Time', 'Peak Execution Memory',
    'Result Size', 'JVM GC Time', 'Result Serialization Time', 'Memory Bytes Spilled', 'Disk Bytes Spilled'),
  obj('Shuffle Read Metrics', numbers('Remote Blocks Fetched', 'Local Blocks Fetched', 'Fetch Wait Time', 'Remote Bytes Read',
    'Remote Bytes Read To Disk', 'Local Bytes Read', 'Total Records Read', 'Remote Requests Duration')),
  obj('Shuffle Write Metrics', numbers('Shuffle Bytes Written', 'Shuffle Write Time', 'Shuffle Records Written')),
  obj('Input Metrics', numbers('Bytes Read', 'Records Read')),
  obj('Output Metrics', numbers('Bytes Written', 'Records Written')),
  leaf('Updated Blocks', 'empty'),
];

/** The shapes written compactly, by kind number (0 is "not compact"). */
export const SHAPES: { event: string; head: Field[]; tail: Field[] }[] = [
  { event: '', head: [], tail: [] },
  { event: 'SparkListenerTaskStart', head: numbers('Stage ID', 'Stage Attempt ID'), tail: [obj('Task Info', TASK_INFO)] },
  // Between head and tail sits the end reason, which is always Success here.
  {
    event: 'SparkListenerTaskEnd', head: [...numbers('Stage ID', 'Stage Attempt ID'), leaf('Task Type', 's')],
    tail: [obj('Task Info', TASK_INFO), obj('Task Metrics', TASK_METRICS)],
  },
];
export const TASK_START = 1;
export const TASK_END_SUCCESS = 2;
export const SUCCESS = '{"Reason":"Success"}';

/** A batch of events on its way to the log's thread. */
export interface CompactBatch {
  /** Per event: 0 for one of `json`, else the compact kind. */
  kinds: Uint8Array;
  nums: Float64Array;
  strs: string[];
  /** The other events, whole, in order. */
  json: SparkEvent[];
}

/** Collects events into a batch: compact where the shape allows, whole otherwise. */
export class CompactBatchBuilder {
  private kinds: number[] = [];
  private nums = new Float64Array(4096);
  private len = 0;
  private strs: string[] = [];
  private json: SparkEvent[] = [];

  get size(): number {
    return this.kinds.length;
  }

  add(item: LogItem): void {
    if (!('Event' in item)) {
      this.addPlain(item);
      return;
    }
    const e = item;
    const kind = compactKind(e);
    if (kind !== 0) {
      const mark = { n: this.len, s: this.strs.length };
      if (this.encode(e, kind)) {
        this.kinds.push(kind);
        return;
      }
      this.len = mark.n;
      this.strs.length = mark.s;
    }
    this.kinds.push(0);
    this.json.push(e);
  }

  private addPlain(t: PlainTaskEnd): void {
    const mark = { n: this.len, s: this.strs.length };
    if (this.n2(t.stageId, t.stageAttempt) && this.s(t.taskType) && this.info(t.info) && this.restMetrics(t.metrics)) {
      this.kinds.push(TASK_END_SUCCESS);
      return;
    }
    this.len = mark.n;
    this.strs.length = mark.s;
    this.kinds.push(0);
    this.json.push(plainTaskEndEvent(t));
  }

  /** The batch so far (the builder starts afresh). */
  take(): CompactBatch {
    const batch: CompactBatch = { kinds: Uint8Array.from(this.kinds), nums: this.nums.slice(0, this.len), strs: this.strs, json: this.json };
    this.kinds = [];
    this.len = 0;
    this.strs = [];
    this.json = [];
    return batch;
  }

  // Written out field by field, in the lists' order, so each read is a plain property access the engine can
  // make fast (a loop over key names is several times slower); the tests hold it to the lists.
  private encode(e: SparkEvent, kind: number): boolean {
    if (e.Event === 'SparkListenerTaskStart') return this.n2(e['Stage ID'], e['Stage Attempt ID']) && this.info(e['Task Info']);
    if (e.Event !== 'SparkListenerTaskEnd' || kind !== TASK_END_SUCCESS) return false;
    return this.n2(e['Stage ID'], e['Stage Attempt ID']) && this.s(e['Task Type']) && this.info(e['Task Info']) && this.metrics(e['Task Metrics']);
  }

  private info(i: TaskInfoJson): boolean {
    return this.empty(i.Accumulables) && this.n2(i['Task ID'], i.Index) && this.n2(i.Attempt, i['Partition ID']) && this.n(i['Launch Time'])
      && this.s(i['Executor ID']) && this.s(i.Host) && this.s(i.Locality) && this.b(i.Speculative) && this.n2(i['Getting Result Time'], i['Finish Time'])
      && this.b(i.Failed) && this.b(i.Killed);
  }

  private metrics(m: TaskMetricsJson | undefined): boolean {
    if (m === undefined || !this.empty(m['Updated Blocks'])) return false;
    const r = m['Shuffle Read Metrics'];
    const w = m['Shuffle Write Metrics'];
    const i = m['Input Metrics'];
    const o = m['Output Metrics'];
    if (r === undefined || w === undefined || i === undefined || o === undefined) return false;
    return this.n2(m['Executor Deserialize Time'], m['Executor Deserialize CPU Time']) && this.n2(m['Executor Run Time'], m['Executor CPU Time'])
      && this.n2(m['Peak Execution Memory'], m['Result Size']) && this.n2(m['JVM GC Time'], m['Result Serialization Time'])
      && this.n2(m['Memory Bytes Spilled'], m['Disk Bytes Spilled'])
      && this.n2(r['Remote Blocks Fetched'], r['Local Blocks Fetched']) && this.n2(r['Fetch Wait Time'], r['Remote Bytes Read'])
      && this.n2(r['Remote Bytes Read To Disk'], r['Local Bytes Read']) && this.n2(r['Total Records Read'], r['Remote Requests Duration'])
      && this.n2(w['Shuffle Bytes Written'], w['Shuffle Write Time']) && this.n(w['Shuffle Records Written'])
      && this.n2(i['Bytes Read'], i['Records Read']) && this.n2(o['Bytes Written'], o['Records Written']);
  }

  /** The REST form's values in TASK_METRICS' order (the JSON form leaves out the push-based shuffle's, as this does). */
  private restMetrics(m: TaskMetrics): boolean {
    const r = m.shuffleReadMetrics;
    const w = m.shuffleWriteMetrics;
    return this.n2(m.executorDeserializeTime, m.executorDeserializeCpuTime) && this.n2(m.executorRunTime, m.executorCpuTime)
      && this.n2(m.peakExecutionMemory, m.resultSize) && this.n2(m.jvmGcTime, m.resultSerializationTime)
      && this.n2(m.memoryBytesSpilled, m.diskBytesSpilled)
      && this.n2(r.remoteBlocksFetched, r.localBlocksFetched) && this.n2(r.fetchWaitTime, r.remoteBytesRead)
      && this.n2(r.remoteBytesReadToDisk, r.localBytesRead) && this.n2(r.recordsRead, r.remoteReqsDuration)
      && this.n2(w.bytesWritten, w.writeTime) && this.n(w.recordsWritten)
      && this.n2(m.inputMetrics.bytesRead, m.inputMetrics.recordsRead) && this.n2(m.outputMetrics.bytesWritten, m.outputMetrics.recordsWritten);
  }

  private empty(a: unknown[] | undefined): boolean {
    return a !== undefined && a.length === 0;
  }

  private n(v: number | undefined): boolean {
    if (typeof v !== 'number') return false;
    this.push(v);
    return true;
  }

  private n2(a: number | undefined, b: number | undefined): boolean {
    return this.n(a) && this.n(b);
  }

  private b(v: boolean | undefined): boolean {
    if (typeof v !== 'boolean') return false;
    this.push(v ? 1 : 0);
    return true;
  }

  private s(v: string | undefined): boolean {
    if (typeof v !== 'string') return false;
    this.strs.push(v);
    return true;
  }

  private push(v: number): void {
    if (this.len === this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    this.nums[this.len++] = v;
  }
}

/** The compact kind an event may take (its values are checked when it is encoded). */
function compactKind(e: SparkEvent): number {
  if (e.Event === 'SparkListenerTaskStart') return TASK_START;
  if (e.Event === 'SparkListenerTaskEnd' && e['Task End Reason'].Reason === 'Success' && Object.keys(e['Task End Reason']).length === 1
    && e['Task Executor Metrics'] === undefined) return TASK_END_SUCCESS;
  return 0;
}
