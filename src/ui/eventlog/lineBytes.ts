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
 * Lines: `bytes` holds them all, each ending in a newline at `ends[i]` (exclusive); `flush` when one of them is an
 * event Spark flushes the log after. Once the bytes are written (no longer referenced by any stream), `release` lets
 * their buffer take new lines.
 */
export interface EncodedLines {
  bytes: Buffer;
  ends: ArrayLike<number> & Iterable<number>;
  flush: boolean;
  release?: () => void;
}

/** Events after which Spark flushes the log (the rest are buffered). */
export const FLUSHING = new Set(['SparkListenerLogStart', 'SparkListenerApplicationStart', 'SparkListenerApplicationEnd', 'SparkListenerJobStart',
  'SparkListenerJobEnd', 'SparkListenerStageCompleted', 'SparkListenerEnvironmentUpdate', 'SparkListenerExecutorAdded', 'SparkListenerExecutorRemoved',
  'SparkListenerBlockManagerAdded', 'SparkListenerBlockManagerRemoved']);

const INITIAL = 256 * 1024;
/** Past this, the buffer a burst grew is let go after it is written. */
const KEPT = 4 * 1024 * 1024;
/** Buffers kept for reuse: as many as batches are usually being written at once. */
const SPARE = 2;

/** Where lines are encoded: their bytes, and where each ends. Both are reused once written. */
interface Room { out: Bytes; ends: Uint32Array }
const newRoom = (): Room => ({ out: new Bytes(INITIAL), ends: new Uint32Array(1024) });

/** Lines encoded and not yet taken. */
export class PendingLines {
  private room = newRoom();
  /** Rooms written and free again: a fresh buffer of a batch's size costs more to fault in than the lines to encode. */
  private readonly spare: Room[] = [];
  private count = 0;
  private flush = false;

  /** Lines waiting. */
  get size(): number {
    return this.count;
  }

  /** Encodes one more line (throws, adding nothing, if `JSON.stringify` does). */
  add(item: LogItem): void {
    const out = this.room.out;
    if (!('Event' in item)) {
      if (!writePlainTaskEnd(out, item)) out.text(JSON.stringify(plainTaskEndEvent(item)) + '\n');
    } else {
      if (item.Event !== 'SparkListenerTaskStart' || !writeTaskStart(out, item)) out.text(JSON.stringify(item) + '\n');
      if (FLUSHING.has(item.Event)) this.flush = true;
    }
    let ends = this.room.ends;
    if (this.count === ends.length) {
      ends = new Uint32Array(ends.length * 2);
      ends.set(this.room.ends);
      this.room.ends = ends;
    }
    ends[this.count++] = out.len;
  }

  /** Every line waiting; their room is theirs (new lines go to another) until they are released. */
  take(): EncodedLines {
    const room = this.room;
    let released = false;
    const lines: EncodedLines = {
      bytes: room.out.bytes(), ends: room.ends.subarray(0, this.count), flush: this.flush,
      // Once only: a second call, after the room took new lines, would hand it out while they wait in it.
      release: () => {
        if (released) return;
        released = true;
        if (room.out.buf.length > KEPT || this.spare.length >= SPARE) return;
        room.out.len = 0;
        this.spare.push(room);
      },
    };
    this.room = this.spare.pop() ?? newRoom();
    this.count = 0;
    this.flush = false;
    return lines;
  }
}
