/**
 * What a running task's end repeats of its start (Spark's task end carries the whole task info): kept as numbers and
 * strings in slots that are reused, not as the start event. Held from a task's start to its end, an object per task
 * would outlive the young generation, and the collector would copy it and then mark it; a slot costs neither.
 */

import { smallInt } from '../../util/smallInt.js';

/** A running task's start, as its end needs it. */
export interface StartedTask {
  stageAttempt: number;
  index: number;
  attempt: number;
  partition: number;
  launchTime: number;
  executorId: string;
  host: string;
  locality: string;
}

const STAGE_ATTEMPT = 0;
const INDEX = 1;
const ATTEMPT = 2;
const PARTITION = 3;
const LAUNCH_TIME = 4;
const NUMS = 5;
const EXECUTOR = 0;
const HOST = 1;
const LOCALITY = 2;
const STRS = 3;

export class RunningTasks {
  /** Task id → slot. */
  private readonly slots = new Map<number, number>();
  /** Slots given back, taken first. */
  private readonly free: number[] = [];
  private nums = new Float64Array(16 * NUMS);
  private readonly strs: string[] = [];
  private used = 0;

  get size(): number {
    return this.slots.size;
  }

  /** Holds a task's start (a second start of the same task id replaces the first). */
  put(taskId: number, t: StartedTask): void {
    let s = this.slots.get(taskId);
    if (s === undefined) {
      s = this.free.pop() ?? this.used++;
      if ((s + 1) * NUMS > this.nums.length) {
        const grown = new Float64Array(this.nums.length * 2);
        grown.set(this.nums);
        this.nums = grown;
      }
      this.slots.set(taskId, s);
    }
    const n = this.nums;
    const i = s * NUMS;
    n[i + STAGE_ATTEMPT] = t.stageAttempt;
    n[i + INDEX] = t.index;
    n[i + ATTEMPT] = t.attempt;
    n[i + PARTITION] = t.partition;
    n[i + LAUNCH_TIME] = t.launchTime;
    const j = s * STRS;
    this.strs[j + EXECUTOR] = t.executorId;
    this.strs[j + HOST] = t.host;
    this.strs[j + LOCALITY] = t.locality;
  }

  /** The task's start into `into` (true), forgetting it; false, `into` untouched, when it is not held. */
  take(taskId: number, into: StartedTask): boolean {
    const s = this.slots.get(taskId);
    if (s === undefined) return false;
    this.slots.delete(taskId);
    this.free.push(s);
    const n = this.nums;
    const i = s * NUMS;
    // Whole numbers come back as small integers (see smallInt): as doubles, the records made from them box each.
    into.stageAttempt = smallInt(n[i + STAGE_ATTEMPT]!);
    into.index = smallInt(n[i + INDEX]!);
    into.attempt = smallInt(n[i + ATTEMPT]!);
    into.partition = smallInt(n[i + PARTITION]!);
    into.launchTime = n[i + LAUNCH_TIME]!;
    const j = s * STRS;
    into.executorId = this.strs[j + EXECUTOR]!;
    into.host = this.strs[j + HOST]!;
    into.locality = this.strs[j + LOCALITY]!;
    return true;
  }
}
