/**
 * The log's two commonest lines, a task's start and its plain success, written straight into bytes: with
 * `JSON.stringify` each would cost more than scheduling the task. Keys go in the order the converter builds them
 * (toSparkEvents.ts), so a line is byte for byte what `JSON.stringify` gives for the event; tests hold both to that.
 * Constant stretches are one literal each, and so are the stretches the few values a log repeats make constant: a
 * stage's line head, where a task ran, a run of zero metrics (each line is about a dozen copies, most of them one
 * `set()`). A start whose fields are not all of the usual types is left to `JSON.stringify`, and so is a plain end
 * whose task info is not.
 */
import type { EventOf, PlainTaskEnd, TaskInfoJson } from '../events/sparkEvents.js';
import type { TaskMetrics } from '../status/records.js';
import type { Bytes } from './Bytes.js';

const lit = (s: string): Buffer => Buffer.from(s, 'utf8');

// The first attempt of a task, nearly every one, with its 0 in the literal.
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

/** The metrics' top level (written by plans, below). */
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

/** Whether the info has every field, of the type the writer takes (an absent one JSON would leave out). */
function plainInfo(i: TaskInfoJson): boolean {
  return typeof i['Task ID'] === 'number' && typeof i.Index === 'number' && typeof i.Attempt === 'number' && typeof i['Partition ID'] === 'number'
    && typeof i['Launch Time'] === 'number' && typeof i['Executor ID'] === 'string' && typeof i.Host === 'string' && typeof i.Locality === 'string'
    && typeof i.Speculative === 'boolean' && typeof i['Getting Result Time'] === 'number' && typeof i['Finish Time'] === 'number'
    && typeof i.Failed === 'boolean' && typeof i.Killed === 'boolean' && Array.isArray(i.Accumulables) && i.Accumulables.length === 0;
}

/**
 * Where a task ran, as its line has it: the few (executor, host, locality) a log repeats, each encoded once, alone
 * and with what follows it in nearly every start (a running task's unset times) and end (no result fetched).
 */
interface Place { host: string; locality: string; bytes: Buffer; running: Buffer; finish: Buffer }
const PLACES = new Map<string, Place>();
const PLACES_MAX = 4096;

function place(executorId: string, host: string, locality: string): Place {
  let p = PLACES.get(executorId);
  if (p === undefined || p.host !== host || p.locality !== locality) {
    const json = (v: string) => lit(JSON.stringify(v));
    const bytes = Buffer.concat([EXECUTOR, json(executorId), HOST, json(host), LOCALITY, json(locality)]);
    p = { host, locality, bytes, running: Buffer.concat([bytes, RUNNING_START_END]), finish: Buffer.concat([bytes, NOT_SPECULATIVE_NO_RESULT_FETCH_FINISH]) };
    if (PLACES.size >= PLACES_MAX) PLACES.clear();
    PLACES.set(executorId, p);
  }
  return p;
}

/** A stage attempt's line heads, up to the task id's value: the few a log repeats, each encoded once. */
interface StageHeads { attempt: number; start: Buffer; end: Record<PlainTaskEnd['taskType'], Buffer> }
const STAGES = new Map<number, StageHeads>();
const STAGES_MAX = 4096;

function stageHeads(stageId: number, attempt: number): StageHeads {
  let h = STAGES.get(stageId);
  // === rather than Object.is: JSON writes -0 as 0, so either stands for the other.
  if (h === undefined || h.attempt !== attempt) {
    const head = (event: string) => `{"Event":"${event}","Stage ID":${JSON.stringify(stageId)},"Stage Attempt ID":${JSON.stringify(attempt)}`;
    const end = (type: string) => lit(`${head('SparkListenerTaskEnd')},"Task Type":"${type}","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":`);
    h = { attempt, start: lit(`${head('SparkListenerTaskStart')},"Task Info":{"Task ID":`), end: { ShuffleMapTask: end('ShuffleMapTask'), ResultTask: end('ResultTask') } };
    if (STAGES.size >= STAGES_MAX) STAGES.clear();
    STAGES.set(stageId, h);
  }
  return h;
}

/** The task info's fields after its "Task ID" key, up to its launch time's value. */
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
}

/** The info's fields after its launch time, up to its "Failed" key. */
function infoPlaceTimes(out: Bytes, i: TaskInfoJson): void {
  const p = place(i['Executor ID'], i.Host, i.Locality);
  if (!i.Speculative && i['Getting Result Time'] === 0) out.put(p.finish);
  else {
    out.put(p.bytes);
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

/** The ten numbers of the metrics' top level, by their key's place in METRICS. */
function topMetric(m: TaskMetrics, k: number): number {
  switch (k) {
    case 0: return m.executorDeserializeTime;
    case 1: return m.executorDeserializeCpuTime;
    case 2: return m.executorRunTime;
    case 3: return m.executorCpuTime;
    case 4: return m.peakExecutionMemory;
    case 5: return m.resultSize;
    case 6: return m.jvmGcTime;
    case 7: return m.resultSerializationTime;
    case 8: return m.memoryBytesSpilled;
    default: return m.diskBytesSpilled;
  }
}

/**
 * How to write the stretch from the info's end to the metrics' top level's last value (and, when the task read and
 * wrote nothing, to the line's end) for one combination of [Failed], [Killed], which of the ten values are not 0,
 * and whether the rest is all zero: literals with a value between each two. Most tasks' stretch is one literal.
 */
interface Plan { lits: Buffer[]; values: number[] }
const PLANS: (Plan | undefined)[] = [];

function plan(failed: boolean, killed: boolean, nonZero: number, noIo: boolean): Plan {
  const key = (((failed ? 2 : 0) + (killed ? 1 : 0)) * 1024 + nonZero) * 2 + (noIo ? 1 : 0);
  let p = PLANS[key];
  if (p === undefined) {
    p = { lits: [], values: [] };
    let text = INFO_END[failed ? 1 : 0]![killed ? 1 : 0]!.toString('utf8');
    METRICS.keys.forEach((key, k) => {
      if ((nonZero & (1 << k)) === 0) text += METRICS.zeroKeys[k]!.toString('utf8');
      else {
        p!.lits.push(lit(text + key.toString('utf8')));
        p!.values.push(k);
        text = '';
      }
    });
    if (noIo) text += NO_IO_END.toString('utf8');
    p.lits.push(lit(text));
    PLANS[key] = p;
  }
  return p;
}

// Field by field rather than through arrays of values: this runs for every task, and arrays would be allocated.
/** The info's end and the metrics, to the line's end. */
function metrics(out: Bytes, failed: boolean, killed: boolean, m: TaskMetrics): void {
  let nonZero = 0;
  for (let k = 0; k < METRICS.keys.length; k++) if (topMetric(m, k) !== 0) nonZero |= 1 << k; // -0 too: JSON writes it as 0
  const r = m.shuffleReadMetrics;
  const w = m.shuffleWriteMetrics;
  const i = m.inputMetrics;
  const o = m.outputMetrics;
  const noRead = r.remoteBlocksFetched === 0 && r.localBlocksFetched === 0 && r.fetchWaitTime === 0 && r.remoteBytesRead === 0
    && r.remoteBytesReadToDisk === 0 && r.localBytesRead === 0 && r.recordsRead === 0 && r.remoteReqsDuration === 0;
  const noWrite = w.bytesWritten === 0 && w.writeTime === 0 && w.recordsWritten === 0;
  const noInput = i.bytesRead === 0 && i.recordsRead === 0;
  const noOutput = o.bytesWritten === 0 && o.recordsWritten === 0;
  const noIo = noRead && noWrite && noInput && noOutput;
  const p = plan(failed, killed, nonZero, noIo);
  const last = p.values.length;
  for (let j = 0; j < last; j++) {
    out.put(p.lits[j]!);
    out.num(topMetric(m, p.values[j]!));
  }
  out.put(p.lits[last]!);
  if (noIo) return;
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
  out.put(stageHeads(e['Stage ID'], attempt).start);
  infoHead(out, i);
  if (!i.Speculative && i['Getting Result Time'] === 0 && i['Finish Time'] === 0 && !i.Failed && !i.Killed) {
    out.put(place(i['Executor ID'], i.Host, i.Locality).running);
  } else {
    infoPlaceTimes(out, i);
    out.put(INFO_END[i.Failed ? 1 : 0]![i.Killed ? 1 : 0]!);
    out.put(START_END);
  }
  return true;
}

/** Writes a plain task end's line; false (nothing written) when its task info is not of the usual shape. */
export function writePlainTaskEnd(out: Bytes, t: PlainTaskEnd): boolean {
  const i = t.info;
  if (typeof t.stageId !== 'number' || typeof t.stageAttempt !== 'number' || (t.taskType !== 'ResultTask' && t.taskType !== 'ShuffleMapTask') || !plainInfo(i)) {
    return false;
  }
  out.put(stageHeads(t.stageId, t.stageAttempt).end[t.taskType]);
  infoHead(out, i);
  infoPlaceTimes(out, i);
  metrics(out, i.Failed, i.Killed!, t.metrics);
  return true;
}
