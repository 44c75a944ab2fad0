/**
 * The event log's thread: turns the batches the driver thread hands over into lines and writes them, one message
 * at a time and in order, answering each batch (so the driver can bound what is in flight) and each flush or stop.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { batchLines, type CompactBatch } from './compactTaskEvents.js';
import { EventLogSink, type SinkOptions } from './EventLogSink.js';

export type ToLogThread = { t: 'batch'; batch: CompactBatch } | { t: 'flush'; id: number } | { t: 'stop'; id: number };
export type FromLogThread = { t: 'written'; events: number } | { t: 'done'; id: number } | { t: 'error'; message: string };

/**
 * The log's thread runs at the lowest CPU priority (Linux schedules threads apart: /proc/thread-self names this one),
 * so writing the log takes time the scheduler and the executors leave idle rather than theirs; what it cannot write
 * at once waits in the bounded queue.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // Not Linux, or not allowed: the thread keeps the process's priority.
  }
}
lowerPriority();

const port = parentPort!;
const sink = new EventLogSink(workerData as SinkOptions);
let reported = false;
let chain = Promise.resolve();

function reply(m: FromLogThread): void {
  port.postMessage(m);
}

function report(message: string): void {
  if (reported) return;
  reported = true;
  reply({ t: 'error', message });
}

async function handle(m: ToLogThread): Promise<void> {
  try {
    if (m.t === 'batch') await sink.writeLines(batchLines(m.batch));
    else if (m.t === 'flush') await sink.flush();
    else await sink.close();
  } catch (err) {
    report((err as Error).message);
  }
  if (sink.failed) report(sink.failed.message);
  reply(m.t === 'batch' ? { t: 'written', events: m.batch.kinds.length } : { t: 'done', id: m.id });
}

port.on('message', (m: ToLogThread) => {
  chain = chain.then(() => handle(m));
});
