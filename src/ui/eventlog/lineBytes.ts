/**
 * Events as the log's bytes, one line each, encoded as they arrive: task starts and plain task ends through the
 * writers of taskLines.ts, anything else through `JSON.stringify`. What waits to be written is bytes, off the
 * JavaScript heap, rather than the events themselves: the garbage collector neither walks nor copies them.
 */
import type { PlainTaskEnd, SparkEvent } from '../events/sparkEvents.js';
import { plainTaskEndEvent } from '../events/toSparkEvents.js';
import { Bytes } from './Bytes.js';
import { writePlainTaskEnd, writeTaskStart } from './taskLines.js';

/** What the log takes: Spark's events, and plain task ends as values (written as the events they stand for). */
export type LogItem = SparkEvent | PlainTaskEnd;

/** Lines: `bytes` holds them all, each ending in a newline at `ends[i]` (exclusive), for the event `events[i]`. */
export interface EncodedLines {
  bytes: Buffer;
  ends: number[];
  events: string[];
}

const TASK_END = 'SparkListenerTaskEnd';
const INITIAL = 256 * 1024;
/** Past this, the buffer a burst grew is let go after it is taken. */
const KEPT = 4 * 1024 * 1024;

/** Lines encoded and not yet taken. */
export class PendingLines {
  private out = new Bytes(INITIAL);
  private ends: number[] = [];
  private events: string[] = [];

  /** Lines waiting. */
  get size(): number {
    return this.ends.length;
  }

  /** Encodes one more line (throws, adding nothing, if `JSON.stringify` does). */
  add(item: LogItem): void {
    const out = this.out;
    if (!('Event' in item)) {
      if (!writePlainTaskEnd(out, item)) out.text(JSON.stringify(plainTaskEndEvent(item)) + '\n');
      this.events.push(TASK_END);
    } else {
      if (item.Event !== 'SparkListenerTaskStart' || !writeTaskStart(out, item)) out.text(JSON.stringify(item) + '\n');
      this.events.push(item.Event);
    }
    this.ends.push(out.len);
  }

  /** Every line waiting, in bytes of their own (this buffer is written over next). */
  take(): EncodedLines {
    const lines = { bytes: Buffer.from(this.out.bytes()), ends: this.ends, events: this.events };
    if (this.out.buf.length > KEPT) this.out = new Bytes(INITIAL);
    else this.out.len = 0;
    this.ends = [];
    this.events = [];
    return lines;
  }
}
