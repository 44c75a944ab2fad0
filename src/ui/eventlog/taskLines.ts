/**
 * The log's two commonest lines, a task's start and its plain success, written straight into bytes: with
 * `JSON.stringify` each would cost more than scheduling the task. Keys go in the order the converter builds them
 * (toSparkEvents.ts), so a line is byte for byte what `JSON.stringify` gives for the event; tests hold both to that.
 * Constant stretches (the end reason, metrics parts that are all zero) are one literal each. A start whose fields
 * are not all of the usual types is left to `JSON.stringify`, and so is a plain end whose task info is not.
 */
import type { EventOf, PlainTaskEnd, TaskInfoJson } from '../events/sparkEvents.js';
import type { TaskMetrics } from '../status/records.js';
import type { Bytes } from './Bytes.js';

const lit = (s: string): Buffer => Buffer.from(s, 'utf8');

const START = lit('{"Event":"SparkListenerTaskStart","Stage ID":');
const END = lit('{"Event":"SparkListenerTaskEnd","Stage ID":');
const STAGE_ATTEMPT = lit(',"Stage Attempt ID":');
const START_INFO = lit(',"Task Info":{"Task ID":');
const END_INFO = {
  ShuffleMapTask: lit(',"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":'),
  ResultTask: lit(',"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":'),
};
// The first attempt of a stage and of a task, nearly every one, with their 0s in the literal.
const FIRST_STAGE_ATTEMPT_START_INFO = lit(',"Stage Attempt ID":0,"Task Info":{"Task ID":');
const FIRST_STAGE_ATTEMPT_END_INFO = {
  ShuffleMapTask: Buffer.concat([lit(',"Stage Attempt ID":0'), END_INFO.ShuffleMapTask]),
  ResultTask: Buffer.concat([lit(',"Stage Attempt ID":0'), END_INFO.ResultTask]),
};
const FIRST_ATTEMPT_PARTITION = lit(',"Attempt":0,"Partition ID":');

const INDEX = lit(',"Index":');
const ATTEMPT = lit(',"Attempt":');
const PARTITION = lit(',"Partition ID":');
const LAUNCH = lit(',"Launch Time":');
const EXECUTOR = lit(',"Executor ID":');
const HOST = lit(',"Host":');
const LOCALITY = lit(',"Locality":');
// Adjacent constant stretches go out as one literal each: fewer, longer copies.
const SPECULATIVE_GETTING_RESULT = [lit(',"Speculative":false,"Getting Result Time":'), lit(',"Speculative":true,"Getting Result Time":')];
const FINISH = lit(',"Finish Time":');
const NOT_SPECULATIVE_NO_RESULT_FETCH_FINISH = lit(',"Speculative":false,"Getting Result Time":0,"Finish Time":');
/** The info's end, by [Failed][Killed]. */
const INFO_END = [[lit(',"Failed":false,"Killed":false,"Accumulables":[]}'), lit(',"Failed":false,"Killed":true,"Accumulables":[]}')],
  [lit(',"Failed":true,"Killed":false,"Accumulables":[]}'), lit(',"Failed":true,"Killed":true,"Accumulables":[]}')]];
const START_END = lit('}\n');
/** The rest of a start's line when it is not speculative, not fetching its result and not finished: nearly every one. */
const RUNNING_START_END = lit(',"Speculative":false,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}}\n');

/** The literals before each value of an object's numbers, each also with a 0 after it, and the object when all are 0. */
interface Numbers { keys: Buffer[]; zeroKeys: Buffer[]; zeros: Buffer }
function numbers(open: string, keys: string[]): Numbers {
  const pieces = keys.map((k, i) => `${i === 0 ? open : ','}${JSON.stringify(k)}:`);
  return { keys: pieces.map(lit), zeroKeys: pieces.map((p) => lit(`${p}0`)), zeros: lit(`${pieces.map((p) => `${p}0`).join('')}}`) };
}

const METRICS = numbers(',"Task Metrics":{', ['Executor Deserialize Time', 'Executor Deserialize CPU Time', 'Executor Run Time', 'Executor CPU Time',
  'Peak Execution Memory', 'Result Size', 'JVM GC Time', 'Result Serialization Time', 'Memory Bytes Spilled', 'Disk Bytes Spilled']);
const READ = numbers(',"Shuffle Read Metrics":{', ['Remote Blocks Fetched', 'Local Blocks Fetched', 'Fetch Wait Time', 'Remote Bytes Read',
  'Remote Bytes Read To Disk', 'Local Bytes Read', 'Total Records Read', 'Remote Requests Duration']);
const WRITE = numbers(',"Shuffle Write Metrics":{', ['Shuffle Bytes Written', 'Shuffle Write Time', 'Shuffle Records Written']);
const INPUT = numbers(',"Input Metrics":{', ['Bytes Read', 'Records Read']);
const OUTPUT = numbers(',"Output Metrics":{', ['Bytes Written', 'Records Written']);
const CLOSE = lit('}');
const METRICS_END = lit(',"Updated Blocks":[]}}\n');
/** The metrics' end when the task read and wrote nothing (no shuffle, input or output): most tasks. */
const NO_IO_END = Buffer.concat([READ.zeros, WRITE.zeros, INPUT.zeros, OUTPUT.zeros, METRICS_END]);
/** A success's info end, then the metrics up to the first one's value. */
const SUCCESS_INFO_END = Buffer.concat([INFO_END[0]![0]!, METRICS.keys[0]!]);

/** Whether the info has every field, of the type the writer takes (an absent one JSON would leave out). */
function plainInfo(i: TaskInfoJson): boolean {
  return typeof i['Task ID'] === 'number' && typeof i.Index === 'number' && typeof i.Attempt === 'number' && typeof i['Partition ID'] === 'number'
    && typeof i['Launch Time'] === 'number' && typeof i['Executor ID'] === 'string' && typeof i.Host === 'string' && typeof i.Locality === 'string'
    && typeof i.Speculative === 'boolean' && typeof i['Getting Result Time'] === 'number' && typeof i['Finish Time'] === 'number'
    && typeof i.Failed === 'boolean' && typeof i.Killed === 'boolean' && Array.isArray(i.Accumulables) && i.Accumulables.length === 0;
}

/** Where a task ran, as its line has it: the few (executor, host, locality) a log repeats, each encoded once. */
interface Place { host: string; locality: string; bytes: Buffer }
const PLACES = new Map<string, Place>();
const PLACES_MAX = 4096;

function place(out: Bytes, executorId: string, host: string, locality: string): void {
  let p = PLACES.get(executorId);
  if (p === undefined || p.host !== host || p.locality !== locality) {
    const json = (v: string) => lit(JSON.stringify(v));
    p = { host, locality, bytes: Buffer.concat([EXECUTOR, json(executorId), HOST, json(host), LOCALITY, json(locality)]) };
    if (PLACES.size >= PLACES_MAX) PLACES.clear();
    PLACES.set(executorId, p);
  }
  out.put(p.bytes);
}

/** The task info's fields after its "Task ID" key, up to its locality's value. */
function infoHead(out: Bytes, i: TaskInfoJson): void {
  out.num(i['Task ID']);
  out.put(INDEX);
  out.num(i.Index);
  if (i.Attempt === 0) out.put(FIRST_ATTEMPT_PARTITION); // -0 too: JSON writes it as 0
  else {
    out.put(ATTEMPT);
    out.num(i.Attempt!);
    out.put(PARTITION);
  }
  out.num(i['Partition ID']!);
  out.put(LAUNCH);
  out.num(i['Launch Time']);
  place(out, i['Executor ID'], i.Host, i.Locality);
}

/** The info's fields after its locality, up to its "Failed" key. */
function infoTimes(out: Bytes, i: TaskInfoJson): void {
  if (!i.Speculative && i['Getting Result Time'] === 0) out.put(NOT_SPECULATIVE_NO_RESULT_FETCH_FINISH);
  else {
    out.put(SPECULATIVE_GETTING_RESULT[i.Speculative ? 1 : 0]!);
    out.num(i['Getting Result Time']);
    out.put(FINISH);
  }
  out.num(i['Finish Time']);
}

/** A number after its key; a 0 goes out with its key, as one literal (-0 too: JSON writes it as 0). */
function kv(out: Bytes, n: Numbers, k: number, v: number): void {
  if (v === 0) out.put(n.zeroKeys[k]!);
  else {
    out.put(n.keys[k]!);
    out.num(v);
  }
}

// Field by field rather than through arrays of values: this runs for every task, and arrays would be allocated.
/** The metrics from the first one's value (its key went out with the info's end) to the line's end. */
function metrics(out: Bytes, m: TaskMetrics): void {
  out.num(m.executorDeserializeTime);
  kv(out, METRICS, 1, m.executorDeserializeCpuTime);
  kv(out, METRICS, 2, m.executorRunTime);
  kv(out, METRICS, 3, m.executorCpuTime);
  kv(out, METRICS, 4, m.peakExecutionMemory);
  kv(out, METRICS, 5, m.resultSize);
  kv(out, METRICS, 6, m.jvmGcTime);
  kv(out, METRICS, 7, m.resultSerializationTime);
  kv(out, METRICS, 8, m.memoryBytesSpilled);
  kv(out, METRICS, 9, m.diskBytesSpilled);
  const r = m.shuffleReadMetrics;
  const w = m.shuffleWriteMetrics;
  const i = m.inputMetrics;
  const o = m.outputMetrics;
  const noRead = r.remoteBlocksFetched === 0 && r.localBlocksFetched === 0 && r.fetchWaitTime === 0 && r.remoteBytesRead === 0
    && r.remoteBytesReadToDisk === 0 && r.localBytesRead === 0 && r.recordsRead === 0 && r.remoteReqsDuration === 0;
  const noWrite = w.bytesWritten === 0 && w.writeTime === 0 && w.recordsWritten === 0;
  const noInput = i.bytesRead === 0 && i.recordsRead === 0;
  const noOutput = o.bytesWritten === 0 && o.recordsWritten === 0;
  if (noRead && noWrite && noInput && noOutput) {
    out.put(NO_IO_END);
    return;
  }
  if (noRead) out.put(READ.zeros);
  else {
    kv(out, READ, 0, r.remoteBlocksFetched);
    kv(out, READ, 1, r.localBlocksFetched);
    kv(out, READ, 2, r.fetchWaitTime);
    kv(out, READ, 3, r.remoteBytesRead);
    kv(out, READ, 4, r.remoteBytesReadToDisk);
    kv(out, READ, 5, r.localBytesRead);
    kv(out, READ, 6, r.recordsRead);
    kv(out, READ, 7, r.remoteReqsDuration);
    out.put(CLOSE);
  }
  if (noWrite) out.put(WRITE.zeros);
  else {
    kv(out, WRITE, 0, w.bytesWritten);
    kv(out, WRITE, 1, w.writeTime);
    kv(out, WRITE, 2, w.recordsWritten);
    out.put(CLOSE);
  }
  if (noInput) out.put(INPUT.zeros);
  else {
    kv(out, INPUT, 0, i.bytesRead);
    kv(out, INPUT, 1, i.recordsRead);
    out.put(CLOSE);
  }
  if (noOutput) out.put(OUTPUT.zeros);
  else {
    kv(out, OUTPUT, 0, o.bytesWritten);
    kv(out, OUTPUT, 1, o.recordsWritten);
    out.put(CLOSE);
  }
  out.put(METRICS_END);
}

/** Writes a task start's line; false (nothing written) when it is not of the usual shape. */
export function writeTaskStart(out: Bytes, e: EventOf<'SparkListenerTaskStart'>): boolean {
  const attempt = e['Stage Attempt ID'];
  const i = e['Task Info'];
  if (typeof e['Stage ID'] !== 'number' || typeof attempt !== 'number' || !plainInfo(i)) return false;
  out.put(START);
  out.num(e['Stage ID']);
  if (attempt === 0) out.put(FIRST_STAGE_ATTEMPT_START_INFO);
  else {
    out.put(STAGE_ATTEMPT);
    out.num(attempt);
    out.put(START_INFO);
  }
  infoHead(out, i);
  if (!i.Speculative && i['Getting Result Time'] === 0 && i['Finish Time'] === 0 && !i.Failed && !i.Killed) out.put(RUNNING_START_END);
  else {
    infoTimes(out, i);
    out.put(INFO_END[i.Failed ? 1 : 0]![i.Killed ? 1 : 0]!);
    out.put(START_END);
  }
  return true;
}

/** Writes a plain task end's line; false (nothing written) when its task info is not of the usual shape. */
export function writePlainTaskEnd(out: Bytes, t: PlainTaskEnd): boolean {
  const i = t.info;
  if (!plainInfo(i)) return false;
  out.put(END);
  out.num(t.stageId);
  if (t.stageAttempt === 0) out.put(FIRST_STAGE_ATTEMPT_END_INFO[t.taskType]);
  else {
    out.put(STAGE_ATTEMPT);
    out.num(t.stageAttempt);
    out.put(END_INFO[t.taskType]);
  }
  infoHead(out, i);
  infoTimes(out, i);
  if (!i.Failed && !i.Killed) out.put(SUCCESS_INFO_END);
  else {
    out.put(INFO_END[i.Failed ? 1 : 0]![i.Killed ? 1 : 0]!);
    out.put(METRICS.keys[0]!);
  }
  metrics(out, t.metrics);
  return true;
}
