/**
 * An executor's task threads (shared by the coarse-grained executor and the Mesos fine-grained executor): one worker
 * thread per running task, broadcast values shipped to each thread once, shuffle output written where this executor
 * serves it from, and kills that replace the thread.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type net from 'node:net';
import type { Worker } from 'node:worker_threads';
import { startBlockServer } from './BlockServer.js';
import type { TaskDescription } from '../core/plan.js';
import { startWorker } from '../scheduler/local/LocalBackend.js';
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
  broadcasts: Set<number>;
}

function workerModule(): URL {
  const here = import.meta.url;
  return new URL(`./worker.${here.endsWith('.ts') ? 'ts' : 'js'}`, here);
}

export interface TaskThreadsOptions {
  worker: WorkerConfig;
  /** Threads started up front; with `grow` more are started while all are busy (fine-grained executors). */
  threads: number;
  grow: boolean;
  /** Where shuffle map output goes (served by this executor's block server or the external shuffle service). */
  shuffleRoot: string;
  localDir: string;
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

  constructor(private readonly opts: TaskThreadsOptions) {
    for (let i = 0; i < opts.threads; i++) this.threads.push(this.spawn());
  }

  /**
   * An executor's storage and threads: a local directory, the shuffle root (this executor's, or the external
   * shuffle service's folder for the application), the block server other executors fetch from, and the threads.
   * Reads `SPARK_AUTHENTICATE_SECRET`, `SPARK_LOCAL_DIRS`, `SPARK_BLOCK_MANAGER_PORT` and the shuffle service's variables.
   */
  static async open(id: ExecutorIdentity, env: NodeJS.ProcessEnv = process.env): Promise<TaskThreads> {
    const secret = env.SPARK_AUTHENTICATE_SECRET || undefined;
    const localDir = mkdtempSync(join(env.SPARK_LOCAL_DIRS ?? tmpdir(), `spark-mesos-executor-${id.executorId}-`));
    mkdirSync(join(localDir, 'shuffle'));
    const external = env.SPARK_SHUFFLE_SERVICE_DIR ? { appId: id.appId } : undefined;
    const shuffleRoot = external ? join(env.SPARK_SHUFFLE_SERVICE_DIR!, id.appId) : join(localDir, 'shuffle');
    mkdirSync(shuffleRoot, { recursive: true });
    const server = await startBlockServer(id.hostname, Number(env.SPARK_BLOCK_MANAGER_PORT ?? 0), localDir, secret);
    const port = (server.address() as net.AddressInfo).port;
    const address = external ? { host: id.hostname, port: Number(env.SPARK_SHUFFLE_SERVICE_PORT ?? 7337) } : { host: id.hostname, port };
    const threads = new TaskThreads({
      worker: { executorId: id.executorId, address, ...(secret !== undefined ? { secret } : {}), ...(external ? { external } : {}) },
      threads: id.threads, grow: id.grow, shuffleRoot, localDir, onEnd: id.onEnd,
    });
    threads.server = server;
    return threads;
  }

  /** The block server's port (what the driver is told). */
  get blockPort(): number {
    return (this.server?.address() as net.AddressInfo | null)?.port ?? 0;
  }

  private spawn(): TaskThread {
    const t: TaskThread = { worker: startWorker(workerModule(), this.opts.worker), busy: undefined, broadcasts: new Set() };
    t.worker.on('message', (m: TaskEnd & { type: string }) => {
      if (m.type !== 'status') return;
      t.busy = undefined;
      const { type: _type, ...end } = m;
      this.opts.onEnd(end);
    });
    t.worker.on('error', (err) => log.error({ err }, 'task thread failed'));
    return t;
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
    void this.threads[i]!.worker.terminate();
    this.threads[i] = this.spawn();
    return true;
  }

  dropBlocks(prefix: string): void {
    for (const t of this.threads) t.worker.postMessage({ type: 'dropBlocks', prefix });
  }

  /** Stops the threads and the block server, and removes the local directory. */
  async close(): Promise<void> {
    this.server?.close();
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    rmSync(this.opts.localDir, { recursive: true, force: true });
  }
}
