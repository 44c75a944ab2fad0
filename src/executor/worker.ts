/**
 * A task thread: one core of an executor (a local-mode executor, or a thread of an executor process). Runs the
 * tasks posted to it and answers with their results; its memory holds its cached blocks and broadcast values.
 */
import { useIoEncryptionKey } from '../util/ioEncryption.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskDescription } from '../core/plan.js';
import { executeTask, type ExecutorState } from './TaskRunner.js';
import { blockStore, useSharedMemory } from './taskMemoryFor.js';
import { FetchFailedError, localFetcher } from '../shuffle/ShuffleReader.js';
import { BlockClient, clusterFetcher } from '../rpc/BlockClient.js';

export type ToWorker = { type: 'launch'; task: TaskDescription } | { type: 'dropBlocks'; prefix: string };

export interface WorkerConfig {
  executorId: string;
  /** Set for executor processes: outputs are served from here, and other executors' outputs fetched over TCP. */
  address?: { host: string; port: number };
  external?: { appId: string };
  secret?: string;
  /** Whether fetches ask for encryption (`spark.network.crypto.enabled`). */
  encrypt?: boolean;
  /** The I/O encryption key (base64) when `spark.io.encryption.enabled`. */
  ioKey?: string;
  /** The executor's memory pool, shared by its task threads (src/memory/MemoryState.ts). */
  sharedMemory?: SharedArrayBuffer;
  /** The channel on which the executor's task threads share their in-memory blocks (src/memory/PeerBlocks.ts). */
  blockChannel?: string;
}

const cfg = workerData as WorkerConfig;
useSharedMemory(cfg.sharedMemory);
if (cfg.blockChannel) blockStore.sharePeers(cfg.blockChannel);
useIoEncryptionKey(cfg.ioKey);
const state: ExecutorState = {
  executorId: cfg.executorId,
  blocks: new Map(),
  broadcasts: new Map(),
  fetch: cfg.address ? clusterFetcher(cfg.executorId, new BlockClient(cfg.secret === undefined ? undefined : { secret: cfg.secret, encrypt: cfg.encrypt === true }, cfg.executorId)) : localFetcher,
  ...(cfg.address ? { address: cfg.address } : {}),
  ...(cfg.external ? { external: cfg.external } : {}),
};

parentPort!.on('message', async (msg: ToWorker) => {
  if (msg.type === 'dropBlocks') {
    for (const k of [...state.blocks.keys()]) if (k.startsWith(msg.prefix)) state.blocks.delete(k);
    blockStore.drop(msg.prefix);
    return;
  }
  const task = msg.task;
  try {
    const result = await executeTask(task, state);
    parentPort!.postMessage({ type: 'status', taskId: task.taskId, state: 'FINISHED', result });
  } catch (err) {
    const e = err as Error;
    const fetchFailed = err instanceof FetchFailedError ? { shuffleId: err.shuffleId, mapId: err.mapId, executorId: err.executorId } : undefined;
    parentPort!.postMessage({ type: 'status', taskId: task.taskId, state: 'FAILED', error: { message: e?.message ?? String(err), stack: e?.stack, fetchFailed } });
  }
});
