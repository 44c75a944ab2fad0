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

/**
 * Lines: `bytes` holds them all, each ending in a newline at `ends[i]` (exclusive), for the event `events[i]`. Once
 * the bytes are written (no longer referenced by any stream), `release` lets their buffer take new lines.
 */
export interface EncodedLines {
  bytes: Buffer;
  ends: number[];
  events: string[];
  release?: () => void;
}

const TASK_END = 'SparkListenerTaskEnd';
const INITIAL = 256 * 1024;
/** Past this, the buffer a burst grew is let go after it is written. */
const KEPT = 4 * 1024 * 1024;
/** Buffers kept for reuse: as many as batches are usually being written at once. */
const SPARE = 2;

/** Lines encoded and not yet taken. */
export class PendingLines {
  private out = new Bytes(INITIAL);
  /** Buffers written and free again: a fresh one of a batch's size costs more to fault in than the lines to encode. */
  private readonly spare: Bytes[] = [];
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

  /** Every line waiting; their buffer is theirs (new lines go to another) until they are released. */
  take(): EncodedLines {
    const out = this.out;
    let released = false;
    const lines: EncodedLines = {
      bytes: out.bytes(), ends: this.ends, events: this.events,
      // Once only: a second call, after the buffer took new lines, would hand it out while they wait in it.
      release: () => {
        if (released) return;
        released = true;
        if (out.buf.length > KEPT || this.spare.length >= SPARE) return;
        out.len = 0;
        this.spare.push(out);
      },
    };
    this.out = this.spare.pop() ?? new Bytes(INITIAL);
    this.ends = [];
    this.events = [];
    return lines;
  }
}
