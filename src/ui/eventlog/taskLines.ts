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

const INDEX = lit(',"Index":');
const ATTEMPT = lit(',"Attempt":');
const PARTITION = lit(',"Partition ID":');
const LAUNCH = lit(',"Launch Time":');
const EXECUTOR = lit(',"Executor ID":');
const HOST = lit(',"Host":');
const LOCALITY = lit(',"Locality":');
const SPECULATIVE = [lit(',"Speculative":false'), lit(',"Speculative":true')];
const GETTING_RESULT = lit(',"Getting Result Time":');
const FINISH = lit(',"Finish Time":');
const FAILED = [lit(',"Failed":false'), lit(',"Failed":true')];
const KILLED = [lit(',"Killed":false'), lit(',"Killed":true')];
const INFO_END = lit(',"Accumulables":[]}');
const START_END = lit('}\n');

/** The literals before each value of an object's numbers, and the whole object when every value is 0. */
interface Numbers { keys: Buffer[]; zeros: Buffer }
function numbers(open: string, keys: string[]): Numbers {
  const pieces = keys.map((k, i) => `${i === 0 ? open : ','}${JSON.stringify(k)}:`);
  return { keys: pieces.map(lit), zeros: lit(`${pieces.map((p) => `${p}0`).join('')}}`) };
}

const METRICS = numbers(',"Task Metrics":{', ['Executor Deserialize Time', 'Executor Deserialize CPU Time', 'Executor Run Time', 'Executor CPU Time',
  'Peak Execution Memory', 'Result Size', 'JVM GC Time', 'Result Serialization Time', 'Memory Bytes Spilled', 'Disk Bytes Spilled']).keys;
const READ = numbers(',"Shuffle Read Metrics":{', ['Remote Blocks Fetched', 'Local Blocks Fetched', 'Fetch Wait Time', 'Remote Bytes Read',
  'Remote Bytes Read To Disk', 'Local Bytes Read', 'Total Records Read', 'Remote Requests Duration']);
const WRITE = numbers(',"Shuffle Write Metrics":{', ['Shuffle Bytes Written', 'Shuffle Write Time', 'Shuffle Records Written']);
const INPUT = numbers(',"Input Metrics":{', ['Bytes Read', 'Records Read']);
const OUTPUT = numbers(',"Output Metrics":{', ['Bytes Written', 'Records Written']);
const CLOSE = lit('}');
const METRICS_END = lit(',"Updated Blocks":[]}}\n');

/** Whether the info has every field, of the type the writer takes (an absent one JSON would leave out). */
function plainInfo(i: TaskInfoJson): boolean {
  return typeof i['Task ID'] === 'number' && typeof i.Index === 'number' && typeof i.Attempt === 'number' && typeof i['Partition ID'] === 'number'
    && typeof i['Launch Time'] === 'number' && typeof i['Executor ID'] === 'string' && typeof i.Host === 'string' && typeof i.Locality === 'string'
    && typeof i.Speculative === 'boolean' && typeof i['Getting Result Time'] === 'number' && typeof i['Finish Time'] === 'number'
    && typeof i.Failed === 'boolean' && typeof i.Killed === 'boolean' && Array.isArray(i.Accumulables) && i.Accumulables.length === 0;
}

/** The task info's fields after its "Task ID" key, and its closing brace. */
function info(out: Bytes, i: TaskInfoJson): void {
  out.num(i['Task ID']);
  out.put(INDEX);
  out.num(i.Index);
  out.put(ATTEMPT);
  out.num(i.Attempt!);
  out.put(PARTITION);
  out.num(i['Partition ID']!);
  out.put(LAUNCH);
  out.num(i['Launch Time']);
  out.put(EXECUTOR);
  out.str(i['Executor ID']);
  out.put(HOST);
  out.str(i.Host);
  out.put(LOCALITY);
  out.str(i.Locality);
  out.put(SPECULATIVE[i.Speculative ? 1 : 0]!);
  out.put(GETTING_RESULT);
  out.num(i['Getting Result Time']);
  out.put(FINISH);
  out.num(i['Finish Time']);
  out.put(FAILED[i.Failed ? 1 : 0]!);
  out.put(KILLED[i.Killed ? 1 : 0]!);
  out.put(INFO_END);
}

function kv(out: Bytes, key: Buffer, v: number): void {
  out.put(key);
  out.num(v);
}

// Field by field rather than through arrays of values: this runs for every task, and arrays would be allocated.
function metrics(out: Bytes, m: TaskMetrics): void {
  kv(out, METRICS[0]!, m.executorDeserializeTime);
  kv(out, METRICS[1]!, m.executorDeserializeCpuTime);
  kv(out, METRICS[2]!, m.executorRunTime);
  kv(out, METRICS[3]!, m.executorCpuTime);
  kv(out, METRICS[4]!, m.peakExecutionMemory);
  kv(out, METRICS[5]!, m.resultSize);
  kv(out, METRICS[6]!, m.jvmGcTime);
  kv(out, METRICS[7]!, m.resultSerializationTime);
  kv(out, METRICS[8]!, m.memoryBytesSpilled);
  kv(out, METRICS[9]!, m.diskBytesSpilled);
  const r = m.shuffleReadMetrics;
  if (r.remoteBlocksFetched === 0 && r.localBlocksFetched === 0 && r.fetchWaitTime === 0 && r.remoteBytesRead === 0 && r.remoteBytesReadToDisk === 0
    && r.localBytesRead === 0 && r.recordsRead === 0 && r.remoteReqsDuration === 0) out.put(READ.zeros);
  else {
    kv(out, READ.keys[0]!, r.remoteBlocksFetched);
    kv(out, READ.keys[1]!, r.localBlocksFetched);
    kv(out, READ.keys[2]!, r.fetchWaitTime);
    kv(out, READ.keys[3]!, r.remoteBytesRead);
    kv(out, READ.keys[4]!, r.remoteBytesReadToDisk);
    kv(out, READ.keys[5]!, r.localBytesRead);
    kv(out, READ.keys[6]!, r.recordsRead);
    kv(out, READ.keys[7]!, r.remoteReqsDuration);
    out.put(CLOSE);
  }
  const w = m.shuffleWriteMetrics;
  if (w.bytesWritten === 0 && w.writeTime === 0 && w.recordsWritten === 0) out.put(WRITE.zeros);
  else {
    kv(out, WRITE.keys[0]!, w.bytesWritten);
    kv(out, WRITE.keys[1]!, w.writeTime);
    kv(out, WRITE.keys[2]!, w.recordsWritten);
    out.put(CLOSE);
  }
  const i = m.inputMetrics;
  if (i.bytesRead === 0 && i.recordsRead === 0) out.put(INPUT.zeros);
  else {
    kv(out, INPUT.keys[0]!, i.bytesRead);
    kv(out, INPUT.keys[1]!, i.recordsRead);
    out.put(CLOSE);
  }
  const o = m.outputMetrics;
  if (o.bytesWritten === 0 && o.recordsWritten === 0) out.put(OUTPUT.zeros);
  else {
    kv(out, OUTPUT.keys[0]!, o.bytesWritten);
    kv(out, OUTPUT.keys[1]!, o.recordsWritten);
    out.put(CLOSE);
  }
  out.put(METRICS_END);
}

/** Writes a task start's line; false (nothing written) when it is not of the usual shape. */
export function writeTaskStart(out: Bytes, e: EventOf<'SparkListenerTaskStart'>): boolean {
  const attempt = e['Stage Attempt ID'];
  if (typeof e['Stage ID'] !== 'number' || typeof attempt !== 'number' || !plainInfo(e['Task Info'])) return false;
  out.put(START);
  out.num(e['Stage ID']);
  out.put(STAGE_ATTEMPT);
  out.num(attempt);
  out.put(START_INFO);
  info(out, e['Task Info']);
  out.put(START_END);
  return true;
}

/** Writes a plain task end's line; false (nothing written) when its task info is not of the usual shape. */
export function writePlainTaskEnd(out: Bytes, t: PlainTaskEnd): boolean {
  if (!plainInfo(t.info)) return false;
  out.put(END);
  out.num(t.stageId);
  out.put(STAGE_ATTEMPT);
  out.num(t.stageAttempt);
  out.put(END_INFO[t.taskType]);
  info(out, t.info);
  metrics(out, t.metrics);
  return true;
}
