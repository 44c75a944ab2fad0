/** The worker thread of `listSync`: lists each path on its store, posts the answer, and wakes the waiting caller. */
import { workerData, type MessagePort } from 'node:worker_threads';
import { fileSystemFor } from './fileSystems.js';
import type { ListReply, ListRequest } from './syncBridge.js';

const { req, flag, port } = workerData as { req: ListRequest; flag: Int32Array; port: MessagePort };

async function main(): Promise<ListReply> {
  try {
    const files = [];
    for (const p of req.paths) files.push(await (await fileSystemFor(p, req.io)).list(p));
    return { ok: true, files };
  } catch (err) {
    return { ok: false, error: (err as Error).message ?? String(err) };
  }
}

const reply = await main();
port.postMessage(reply);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
