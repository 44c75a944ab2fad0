/**
 * An executor's task threads (shared by the coarse-grained executor and the Mesos fine-grained executor): one worker
 * thread per running task, broadcast values shipped to each thread once, shuffle output written where this executor
 * serves it from, and kills that replace the thread.
 */
import { IO_KEY_ENV } from '../util/ioEncryption.js';
import { CRYPTO_ENV, authTimeoutFromEnv } from './cryptoEnv.js';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type net from 'node:net';
import type { Worker } from 'node:worker_threads';
import { startBlockServer } from './BlockServer.js';
import { removeTaskSpillDir } from '../collection/spillFile.js';
import { SharedMemoryState, sharedMemoryBuffer } from '../memory/MemoryState.js';
import { PeerBlocks } from '../memory/PeerBlocks.js';
import { randomUUID } from 'node:crypto';
import { isOutOfMemory, outOfMemoryMessage, processHeapCap, threadHeapLimitMiB } from '../memory/heapLimit.js';
import { chooseLocalRoots, createExecutorLocalDir, localDirInputs, removeExecutorLocalDir } from './localDirs.js';
import type { TaskDescription } from '../core/plan.js';
import { siblingModule, startModuleWorker } from '../util/moduleWorker.js';
import { getLogger } from '../util/logging.js';
import type { WorkerConfig } from './worker.js';

const log = getLogger('TaskThreads');

/** What a task thread reports when its task ends. */

export interface TaskEnd {
  taskId: number;
  state: 'FINISHED' | 'FAILED';
  result?: unknown;
  error?: { message: string; stack?: string; fetchFailed?: unknown };
}

interface TaskThread {
  worker: Worker;
  busy: number | undefined;
  /** The stage of the running task (named when its thread runs out of memory). */
  stageId?: number;
  /** Whether it was ever given a task (a thread that dies before that cannot start, and is not replaced). */
  used: boolean;
  broadcasts: Set<number>;
  /** `worker.threadId`, kept: it reads −1 once the thread has stopped. */
  threadId: number;
}


export interface TaskThreadsOptions {
  worker: WorkerConfig;
  /** Threads started up front; with `grow` more are started while all are busy (fine-grained executors). */
  threads: number;
  grow: boolean;
  /** Where shuffle map output goes (served by this executor's block server or the external shuffle service). */
  shuffleRoot: string;
  localDir: string;
  /** Old-generation cap of each thread's heap (MiB), from the executor memory (src/memory/heapLimit.ts). */
  heapLimitMiB?: number;
  onEnd(end: TaskEnd): void;
}

export interface ExecutorIdentity {
  executorId: string;
  appId: string;
  /** The address other executors reach this one at. */
  hostname: string;
  threads: number;
  grow: boolean;
  onEnd(end: TaskEnd): void;
}

export class TaskThreads {
  private readonly threads: TaskThread[] = [];
  private readonly broadcasts = new Map<number, unknown>();
  private server: net.Server | undefined;
  /** The executor's memory pool, shared by its task threads (src/memory/MemoryState.ts). */
  private readonly memory = sharedMemoryBuffer();
  private readonly memoryState = new SharedMemoryState(this.memory, 0);
  /** Where the task threads share their in-memory blocks (src/memory/PeerBlocks.ts). */
  private readonly blockChannel = `spark-blocks-${randomUUID()}`;
  private closing = false;
  /** Told when the executor cannot keep its advertised threads (it should exit, so the cluster manager replaces it). */
  onBroken: ((why: string) => void) | undefined;

  constructor(private readonly opts: TaskThreadsOptions) {
    for (let i = 0; i < opts.threads; i++) this.threads.push(this.spawn());
  }

  /**
   * An executor's storage and threads: a local directory, the shuffle root (this executor's, or the external
   * shuffle service's folder for the application), the block server other executors fetch from, and the threads.
   * Reads `SPARK_AUTHENTICATE_SECRET`, `SPARK_NETWORK_CRYPTO_ENABLED`, `SPARK_NETWORK_AUTH_RPC_TIMEOUT_MS`, the local directory's variables (`localDirs.ts`), `SPARK_BLOCK_MANAGER_PORT`
   * and the shuffle service's variables.
   */
  static async open(id: ExecutorIdentity, env: NodeJS.ProcessEnv = process.env): Promise<TaskThreads> {
    const secret = env.SPARK_AUTHENTICATE_SECRET || undefined;
    const encrypt = env[CRYPTO_ENV] === 'true';
    const { roots, source } = chooseLocalRoots(localDirInputs(env, tmpdir()));
    const localDir = createExecutorLocalDir(roots, id.appId, id.executorId);
    log.info({ executor: id.executorId, localDir, source }, 'executor local directory');
    mkdirSync(join(localDir, 'shuffle'));
    const external = env.SPARK_SHUFFLE_SERVICE_DIR ? { appId: id.appId } : undefined;
    const shuffleRoot = external ? join(env.SPARK_SHUFFLE_SERVICE_DIR!, id.appId) : join(localDir, 'shuffle');
    mkdirSync(shuffleRoot, { recursive: true });
    const server = await startBlockServer(id.hostname, Number(env.SPARK_BLOCK_MANAGER_PORT ?? 0), localDir, secret === undefined ? undefined : { secret, encrypt }, { handshakeTimeoutMs: authTimeoutFromEnv(env) });
    const port = (server.address() as net.AddressInfo).port;
    const address = external ? { host: id.hostname, port: Number(env.SPARK_SHUFFLE_SERVICE_PORT ?? 7337) } : { host: id.hostname, port };
    const heapLimitMiB = threadHeapLimitMiB(env.SPARK_EXECUTOR_MEMORY, id.threads);
    const override = processHeapCap(process.execArgv, env.NODE_OPTIONS);
    if (heapLimitMiB !== undefined && override !== undefined) {
      log.warn({ executor: id.executorId }, `${override} in the executor's Node options replaces each task thread's heap cap of ${heapLimitMiB} MiB (spark.executor.memory over ${id.threads} threads): Node applies it to every thread. Leave it out of spark.executor.extraNodeOptions to keep tasks within spark.executor.memory`);
    }
    const threads = new TaskThreads({
      worker: { executorId: id.executorId, address, ...(secret !== undefined ? { secret, encrypt } : {}), ...(env[IO_KEY_ENV] ? { ioKey: env[IO_KEY_ENV] } : {}), ...(external ? { external } : {}) },
      threads: id.threads, grow: id.grow, shuffleRoot, localDir, onEnd: id.onEnd,
      ...(heapLimitMiB !== undefined ? { heapLimitMiB } : {}),
    });
    threads.server = server;
    return threads;
  }

  /** Where this executor's shuffle output is written (and where outputs handed over on decommission go). */
  get shuffleDir(): string {
    return this.opts.shuffleRoot;
  }

  /** The block server's port (what the driver is told). */
  get blockPort(): number {
    return (this.server?.address() as net.AddressInfo | null)?.port ?? 0;
  }

  private spawn(): TaskThread {
    const limits = this.opts.heapLimitMiB !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: this.opts.heapLimitMiB } } : {};
    const worker = startModuleWorker(siblingModule(import.meta.url, './worker'), { ...this.opts.worker, sharedMemory: this.memory, blockChannel: this.blockChannel }, limits);
    const t: TaskThread = { worker, busy: undefined, used: false, broadcasts: new Set(), threadId: worker.threadId };
    let cause: Error | undefined;
    t.worker.on('message', (m: TaskEnd & { type: string }) => {
      if (m.type !== 'status') return;
      t.busy = undefined;
      const { type: _type, ...end } = m;
      this.opts.onEnd(end);
    });
    // An uncaught error (a throwing timer, an unhandled rejection, running out of memory) ends the thread.
    t.worker.on('error', (err) => {
      cause = err;
      log.error({ err }, 'task thread failed');
    });
    t.worker.on('exit', (code) => {
      PeerBlocks.threadLeft(this.blockChannel, t.threadId);
      this.threadExited(t, code, cause);
    });
    return t;
  }

  /**
   * A thread ended on its own: its task failed with the cause (so the scheduler retries it elsewhere or fails the
   * job after `spark.task.maxFailures`), and a fresh thread takes its place. Threads ended by `kill` or `close` are
   * no longer listed and are ignored here.
   */
  private threadExited(t: TaskThread, code: number, cause: Error | undefined): void {
    const i = this.threads.indexOf(t);
    if (i < 0 || this.closing) return;
    const message = isOutOfMemory(cause) && t.busy !== undefined
      ? outOfMemoryMessage({ taskId: t.busy, stageId: t.stageId }, this.opts.heapLimitMiB, this.opts.threads)
      : `task thread died (exit code ${code})${cause ? `: ${cause.message}` : ''}`;
    this.memoryState.threadEnded(t.threadId, t.busy !== undefined ? [t.busy] : []);
    if (t.busy !== undefined) {
      removeTaskSpillDir(this.opts.localDir, t.busy);
      log.warn({ task: t.busy, code, cause: cause?.message }, 'a task thread died; reporting its task failed');
      this.opts.onEnd({ taskId: t.busy, state: 'FAILED', error: { message, ...(cause?.stack ? { stack: cause.stack } : {}) } });
    }
    if (t.used) this.threads[i] = this.spawn();
    else {
      // Replacing it would loop; with a thread short, this executor can no longer run what it offers.
      log.error({ code, cause: cause?.message }, 'a new task thread died before running anything; not replacing it');
      this.threads.splice(i, 1);
      if (!this.opts.grow) this.onBroken?.(`a new task thread died before running anything (exit code ${code})${cause ? `: ${cause.message}` : ''}`);
    }
  }

  get running(): number[] {
    return this.threads.flatMap((t) => (t.busy === undefined ? [] : [t.busy]));
  }

  /** Starts a task; false when every thread is busy and this executor may not grow. */
  launch(task: TaskDescription): boolean {
    for (const [id, v] of Object.entries(task.broadcasts)) this.broadcasts.set(Number(id), v);
    let free = this.threads.find((t) => t.busy === undefined);
    if (!free && this.opts.grow) this.threads.push((free = this.spawn()));
    if (!free) return false;
    free.busy = task.taskId;
    free.stageId = task.stageId;
    free.used = true;
    // Broadcast values go to each task thread once.
    const needed = Object.fromEntries([...this.broadcasts].filter(([id]) => !free.broadcasts.has(id)));
    for (const id of Object.keys(needed)) free.broadcasts.add(Number(id));
    const sink = task.sink.k === 'shuffleWrite' ? { ...task.sink, dir: this.opts.shuffleRoot } : task.sink;
    free.worker.postMessage({ type: 'launch', task: { ...task, broadcasts: needed, sink, localDir: this.opts.localDir } });
    return true;
  }

  /** Stops a running task by replacing its thread; false if it is not running. */
  kill(taskId: number): boolean {
    const i = this.threads.findIndex((t) => t.busy === taskId);
    if (i < 0) return false;
    // Its spill files go once the thread has stopped writing them.
    const dead = this.threads[i]!;
    void dead.worker.terminate().then(() => {
      removeTaskSpillDir(this.opts.localDir, taskId);
      this.memoryState.threadEnded(dead.threadId, [taskId]); // its memory back to the pool, and the lock if it held it
    });
    this.threads[i] = this.spawn();
    return true;
  }

  dropBlocks(prefix: string): void {
    for (const t of this.threads) t.worker.postMessage({ type: 'dropBlocks', prefix });
  }

  /**
   * Stops the threads and the block server, and removes the local directory (shuffle files an external service
   * serves are not in it: they stay for the service).
   */
  async close(): Promise<void> {
    this.closing = true;
    this.server?.close();
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    removeExecutorLocalDir(this.opts.localDir);
  }
}
