/**
 * Events as the log's bytes, one line each: task starts and plain task ends through the writers of taskLines.ts,
 * anything else through `JSON.stringify`.
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

export function encodeLines(items: readonly LogItem[]): EncodedLines {
  // About what a batch of task lines takes (a task end is about 1 KB), so the buffer seldom grows.
  const out = new Bytes(Math.max(4096, items.length * 1200));
  const ends: number[] = [];
  const events: string[] = [];
  for (const item of items) {
    if (!('Event' in item)) {
      if (!writePlainTaskEnd(out, item)) out.text(JSON.stringify(plainTaskEndEvent(item)) + '\n');
      events.push(TASK_END);
    } else {
      if (item.Event !== 'SparkListenerTaskStart' || !writeTaskStart(out, item)) out.text(JSON.stringify(item) + '\n');
      events.push(item.Event);
    }
    ends.push(out.len);
  }
  return { bytes: out.bytes(), ends, events };
}
