/**
 * Runs an asynchronous listing to completion from synchronous code (`textFile` returns its RDD at once, as in Spark):
 * a short-lived worker thread does the I/O while the caller waits on a shared flag, then the answer is taken from
 * the message port without an event-loop turn.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../util/moduleWorker.js';
import type { FileStatus } from './FileSystem.js';

export interface ListRequest {
  paths: string[];
  io: Record<string, string>;
}

/** `{ files }` per path, in order, or the first error's message. */
export type ListReply = { ok: true; files: FileStatus[][] } | { ok: false; error: string };

export function listSync(req: ListRequest, timeoutMs = 300_000): FileStatus[][] {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = startModuleWorker(siblingModule(import.meta.url, './listWorker'), { req, flag, port: port2 }, { transferList: [port2] });
  try {
    if (Atomics.wait(flag, 0, 0, timeoutMs) === 'timed-out') throw new Error(`listing ${req.paths.join(', ')} took longer than ${timeoutMs} ms`);
    const msg = receiveMessageOnPort(port1)?.message as ListReply | undefined;
    if (!msg) throw new Error('the listing worker ended without an answer');
    if (!msg.ok) throw new Error(msg.error);
    return msg.files;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
