/**
 * A stage attempt's tasks, as rows of numbers in Float64Arrays: a stage keeps up to `spark.ui.retainedTasks` of
 * them, and as objects they were most of what the listener thread's garbage collector copied and marked (every kept
 * task outlives the young generation). The rows go in chunks of CHUNK, so that a growing stage never copies what it
 * holds, and a chunk is small enough for the allocator to reuse freed memory (fresh pages fault on first touch). Strings are codes into tables the whole store shares; the rare parts (error
 * messages, kill reasons, push-based shuffle metrics) are kept aside by task id. Readers get TaskRecord objects, made
 * when asked for.
 */
import { METRIC_COLUMNS, hasPush, readMetrics, writeMetrics } from './metricColumns.js';
import type { TaskMetrics, TaskRecord, TaskState } from './records.js';

/** Stands for no value in a Codes' recent values (nothing else is it). */
const NONE = Symbol('none');
const RECENT = 4;

/** Distinct values, each given a number once (SameValueZero: strings by value, objects by identity). */
export class Codes<T> {
  private readonly codes = new Map<T, number>();
  private readonly values: T[] = [];
  // The last few values coded, checked before the map: a stage's tasks nearly all repeat one executor, host,
  // locality and log record. Codes never change, so these never go stale.
  private readonly recent: unknown[] = [NONE, NONE, NONE, NONE];
  private readonly recentCodes = [0, 0, 0, 0];
  private next = 0;

  code(v: T): number {
    const recent = this.recent;
    for (let k = 0; k < RECENT; k++) if (recent[k] === v) return this.recentCodes[k]!;
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.codes.set(v, c);
      this.values.push(v);
    }
    recent[this.next] = v;
    this.recentCodes[this.next] = c;
    this.next = (this.next + 1) % RECENT;
    return c;
  }

  value(code: number): T {
    return this.values[code]!;
  }
}

/** What every table of a store shares. */
export interface TaskCodes {
  strings: Codes<string>;
  logs: Codes<Record<string, string>>;
}

export const newTaskCodes = (): TaskCodes => ({ strings: new Codes(), logs: new Codes() });

const STATES: readonly TaskState[] = ['RUNNING', 'GET RESULT', 'SUCCESS', 'FAILED', 'KILLED', 'UNKNOWN'];
const STATE_CODE = new Map(STATES.map((s, i) => [s, i]));
const GET_RESULT = STATE_CODE.get('GET RESULT')!;

// Columns of a row. Whether the optional ones hold a value is in FLAGS (a NaN read from a log is a value).
const TASK_ID = 0;
const INDEX = 1;
const ATTEMPT = 2;
const PARTITION = 3;
const LAUNCH = 4;
const FETCH_START = 5;
const DURATION = 6;
const EXECUTOR = 7;
const HOST = 8;
const STATUS = 9;
const LOCALITY = 10;
const SPECULATIVE = 11;
const DELAY = 12;
const GETTING = 13;
const FINISH = 14;
const LOGS = 15;
const FLAGS = 16;
const METRICS = 17;
const HAS_METRICS = 1;
const HAS_DURATION = 2;
const HAS_FETCH_START = 4;
const WIDTH = METRICS + METRIC_COLUMNS;
/** Rows per chunk (a power of two); the first chunk grows to it from FIRST rows, so a small stage stays small. */
const SHIFT = 7;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
const FIRST = 8;

/** A task as first seen. */
export interface TaskStartValues {
  taskId: number; index: number; attempt: number; partitionId: number; launchTime: number; executorId: string; host: string;
  status: TaskState; locality: string; speculative: boolean; executorLogs: Record<string, string>;
}

/** How a task ended. */
export interface TaskEndValues {
  status: TaskState; finishTime: number; duration: number; gettingResultTime: number; schedulerDelay: number;
  errorMessage: string | undefined; killReason: string | undefined; metrics: TaskMetrics | undefined;
}

interface Rare {
  errorMessage?: string;
  killReason?: string;
  push?: TaskMetrics['shuffleReadMetrics']['shufflePushReadMetrics'];
}

export class TaskTable {
  /** No room at all until the first task: a stage attempt that never runs one (pending, skipped) costs nothing here. */
  private chunks: Float64Array[] = [];
  private rows = 0;
  private readonly rowOf = new Map<number, number>();
  private readonly rare = new Map<number, Rare>();

  constructor(private readonly codes: TaskCodes, readonly stageId: number, readonly stageAttemptId: number) {}

  get size(): number {
    return this.rows;
  }

  /** Rows the table has room for without allocating. */
  get capacity(): number {
    let rows = 0;
    for (const c of this.chunks) rows += c.length / WIDTH;
    return rows;
  }

  has(taskId: number): boolean {
    return this.rowOf.has(taskId);
  }

  keys(): IterableIterator<number> {
    return this.rowOf.keys();
  }

  /** The task's row, or -1. */
  row(taskId: number): number {
    return this.rowOf.get(taskId) ?? -1;
  }

  /** Adds a task as first seen, or starts it afresh where it is (a repeated start replaces it); returns its row. */
  add(v: TaskStartValues): number {
    let r = this.rowOf.get(v.taskId);
    if (r === undefined) r = this.rows++;
    else this.rare.delete(v.taskId);
    const c = this.room(r);
    const i = (r & MASK) * WIDTH;
    c[i + TASK_ID] = v.taskId;
    c[i + INDEX] = v.index;
    c[i + ATTEMPT] = v.attempt;
    c[i + PARTITION] = v.partitionId;
    c[i + LAUNCH] = v.launchTime;
    c[i + FETCH_START] = 0;
    c[i + DURATION] = 0;
    c[i + EXECUTOR] = this.codes.strings.code(v.executorId);
    c[i + HOST] = this.codes.strings.code(v.host);
    c[i + STATUS] = STATE_CODE.get(v.status)!;
    c[i + LOCALITY] = this.codes.strings.code(v.locality);
    c[i + SPECULATIVE] = v.speculative ? 1 : 0;
    c[i + DELAY] = 0;
    c[i + GETTING] = 0;
    c[i + FINISH] = 0;
    c[i + LOGS] = this.codes.logs.code(v.executorLogs);
    c[i + FLAGS] = 0;
    this.rowOf.set(v.taskId, r);
    return r;
  }

  /** The task is fetching its result (Spark's "GET RESULT"). */
  gettingResult(r: number, time: number): void {
    const c = this.chunks[r >> SHIFT]!;
    const i = (r & MASK) * WIDTH;
    c[i + STATUS] = GET_RESULT;
    c[i + FETCH_START] = time;
    c[i + FLAGS] = c[i + FLAGS]! | HAS_FETCH_START;
  }

  end(r: number, v: TaskEndValues): void {
    const c = this.chunks[r >> SHIFT]!;
    const i = (r & MASK) * WIDTH;
    c[i + STATUS] = STATE_CODE.get(v.status)!;
    c[i + FINISH] = v.finishTime;
    c[i + DURATION] = v.duration;
    c[i + FLAGS] = c[i + FLAGS]! | HAS_DURATION;
    c[i + GETTING] = v.gettingResultTime;
    if (v.metrics !== undefined) {
      c[i + FLAGS] = c[i + FLAGS]! | HAS_METRICS;
      c[i + DELAY] = v.schedulerDelay;
      writeMetrics(c, i + METRICS, v.metrics);
    }
    const push = v.metrics !== undefined && hasPush(v.metrics.shuffleReadMetrics.shufflePushReadMetrics) ? v.metrics.shuffleReadMetrics.shufflePushReadMetrics : undefined;
    const taskId = c[i + TASK_ID]!;
    let rare = this.rare.get(taskId);
    // New metrics replace the earlier ones whole, their push part too.
    if (rare !== undefined && v.metrics !== undefined) delete rare.push;
    if (v.errorMessage === undefined && v.killReason === undefined && push === undefined) return;
    rare ??= {};
    if (v.errorMessage !== undefined) rare.errorMessage = v.errorMessage;
    if (v.killReason !== undefined) rare.killReason = v.killReason;
    if (push !== undefined) rare.push = push;
    this.rare.set(taskId, rare);
  }

  executorOf(r: number): string {
    return this.codes.strings.value(this.chunks[r >> SHIFT]![(r & MASK) * WIDTH + EXECUTOR]!);
  }

  indexOf(r: number): number {
    return this.chunks[r >> SHIFT]![(r & MASK) * WIDTH + INDEX]!;
  }

  get(taskId: number): TaskRecord | undefined {
    const r = this.rowOf.get(taskId);
    return r === undefined ? undefined : this.record(r);
  }

  /** The tasks in the order they were first seen. */
  *values(): Generator<TaskRecord> {
    for (let r = 0; r < this.rows; r++) yield this.record(r);
  }

  /** Forgets the `count` tasks that ended first (running tasks are kept), and gives back the room they took. */
  removeOldestEnded(count: number): void {
    const finish = (r: number) => this.chunks[r >> SHIFT]![(r & MASK) * WIDTH + FINISH]!;
    const ended: number[] = [];
    for (let r = 0; r < this.rows; r++) if (finish(r) > 0) ended.push(r);
    if (ended.length === 0) return;
    ended.sort((a, b) => finish(a) - finish(b) || a - b);
    const gone = new Uint8Array(this.rows);
    for (const r of ended.slice(0, count)) gone[r] = 1;
    let to = 0;
    for (let r = 0; r < this.rows; r++) {
      const from = this.chunks[r >> SHIFT]!;
      const i = (r & MASK) * WIDTH;
      const taskId = from[i + TASK_ID]!;
      if (gone[r]) {
        this.rowOf.delete(taskId);
        this.rare.delete(taskId);
        continue;
      }
      if (to !== r) this.chunks[to >> SHIFT]!.set(from.subarray(i, i + WIDTH), (to & MASK) * WIDTH);
      this.rowOf.set(taskId, to++);
    }
    this.rows = to;
    this.fit();
  }

  /** Gives back the room beyond the tasks held (a stage attempt that ended rarely takes more). */
  fit(): void {
    const chunks = Math.ceil(this.rows / CHUNK);
    this.chunks.length = chunks;
    if (chunks === 0) return;
    const used = (this.rows - (chunks - 1) * CHUNK) * WIDTH;
    const last = this.chunks[chunks - 1]!;
    if (used > 0 && used < last.length) this.chunks[chunks - 1] = last.slice(0, used);
  }

  /** The chunk row `r` goes in, made or grown when needed. */
  private room(r: number): Float64Array {
    const k = r >> SHIFT;
    let c = this.chunks[k];
    const need = ((r & MASK) + 1) * WIDTH;
    if (c === undefined || c.length < need) {
      // The first chunk starts at FIRST rows and doubles up to a whole one; the others, and a chunk fit() shrank, go
      // to a whole one at once.
      const rows = k > 0 ? CHUNK : c === undefined ? FIRST : Math.min(CHUNK, Math.max(FIRST, (c.length / WIDTH) * 2));
      const grown = new Float64Array(rows * WIDTH);
      if (c !== undefined) grown.set(c);
      this.chunks[k] = c = grown;
    }
    return c;
  }

  private record(r: number): TaskRecord {
    const c = this.chunks[r >> SHIFT]!;
    const i = (r & MASK) * WIDTH;
    const taskId = c[i + TASK_ID]!;
    const rare = this.rare.get(taskId);
    const flags = c[i + FLAGS]!;
    return {
      taskId, index: c[i + INDEX]!, attempt: c[i + ATTEMPT]!, partitionId: c[i + PARTITION]!, launchTime: c[i + LAUNCH]!,
      resultFetchStart: flags & HAS_FETCH_START ? c[i + FETCH_START]! : undefined, duration: flags & HAS_DURATION ? c[i + DURATION]! : undefined,
      executorId: this.codes.strings.value(c[i + EXECUTOR]!), host: this.codes.strings.value(c[i + HOST]!), status: STATES[c[i + STATUS]!]!,
      taskLocality: this.codes.strings.value(c[i + LOCALITY]!), speculative: c[i + SPECULATIVE] === 1, errorMessage: rare?.errorMessage,
      taskMetrics: flags & HAS_METRICS ? readMetrics(c, i + METRICS, rare?.push) : undefined,
      executorLogs: this.codes.logs.value(c[i + LOGS]!), schedulerDelay: c[i + DELAY]!, gettingResultTime: c[i + GETTING]!,
      finishTime: c[i + FINISH]!, stageId: this.stageId, stageAttemptId: this.stageAttemptId, killReason: rare?.killReason,
    };
  }
}
