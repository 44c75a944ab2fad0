import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../../util/moduleWorker.js';
import type { TaskDescription } from '../../core/plan.js';
import type { BackendEvents, SchedulerBackend, TaskStatusUpdate } from '../SchedulerBackend.js';
import { getLogger } from '../../util/logging.js';
import { removeTaskSpillDir } from '../../collection/spillFile.js';
import { SharedMemoryState, sharedMemoryBuffer } from '../../memory/MemoryState.js';
import { PeerBlocks } from '../../memory/PeerBlocks.js';
import { randomUUID } from 'node:crypto';

const log = getLogger('LocalBackend');

/** The worker script, next to this module in src (run through tsx) or dist. */
function workerUrl(): URL {
  return siblingModule(import.meta.url, '../../executor/worker');
}

interface Slot {
  id: string;
  worker: Worker;
  running: Set<number>;
  /** `worker.threadId`, kept: it reads −1 once the thread has stopped. */
  threadId: number;
}

/**
 * `local[N]`: N worker threads, each an executor with one core, so tasks never run on the driver's event loop.
 * A killed task takes its thread with it; a fresh thread replaces it.
 */
export class LocalBackend implements SchedulerBackend {
  private readonly slots = new Map<string, Slot>();
  private events: BackendEvents | undefined;
  private nextWorker = 0;
  private stopped = false;
  /** Each running task's local directory, to remove its spill files when its thread is ended under it. */
  private readonly taskDirs = new Map<number, string>();
  readonly applicationId = `local-${Date.now()}`;

  /** The driver heap's memory pool, shared by the task threads (src/memory/MemoryState.ts). */
  private readonly memory = sharedMemoryBuffer();
  private readonly memoryState = new SharedMemoryState(this.memory, 0);
  /** Where the task threads share their in-memory blocks (src/memory/PeerBlocks.ts). */
  private readonly blockChannel = `spark-blocks-${randomUUID()}`;

  constructor(
    private readonly threads: number,
    /** The I/O encryption key (base64) its task threads seal disk blocks with, if any. */
    private readonly ioKey?: string,
  ) {}

  defaultParallelism(): number {
    return this.threads;
  }

  async start(events: BackendEvents): Promise<void> {
    this.events = events;
    for (let i = 0; i < this.threads; i++) this.spawn();
  }

  private spawn(): Slot {
    const id = `local-${this.nextWorker++}`;
    const worker = startModuleWorker(workerUrl(), { executorId: id, sharedMemory: this.memory, blockChannel: this.blockChannel, ...(this.ioKey ? { ioKey: this.ioKey } : {}) });
    const slot: Slot = { id, worker, running: new Set(), threadId: worker.threadId };
    worker.on('message', (m: { type: 'status' } & TaskStatusUpdate) => {
      if (m.type !== 'status') return;
      slot.running.delete(m.taskId);
      this.taskDirs.delete(m.taskId);
      this.events?.statusUpdate({ ...m, executorId: id });
    });
    let cause: Error | undefined;
    worker.on('error', (err) => {
      cause = err;
      log.error({ err, executor: id }, 'worker thread failed');
    });
    worker.on('exit', (code) => {
      PeerBlocks.threadLeft(this.blockChannel, slot.threadId);
      if (this.slots.get(id) !== slot) return;
      this.slots.delete(id);
      const message = `executor ${id} exited with code ${code}${cause ? `: ${cause.message}` : ''}`;
      for (const t of slot.running) this.removeSpills(t);
      this.memoryState.threadEnded(slot.threadId, [...slot.running]);
      for (const t of slot.running) this.events?.statusUpdate({ taskId: t, executorId: id, state: 'LOST', error: { message, ...(cause?.stack ? { stack: cause.stack } : {}) } });
      this.events?.executorRemoved(id, `worker thread exited with code ${code}`);
      if (!this.stopped) this.spawn();
    });
    this.slots.set(id, slot);
    this.events?.executorAdded({ id, host: 'localhost', cores: 1 });
    return slot;
  }

  launchTask(executorId: string, task: TaskDescription): void {
    const slot = this.slots.get(executorId);
    if (!slot) {
      setImmediate(() => this.events?.statusUpdate({ taskId: task.taskId, executorId, state: 'LOST', error: { message: `executor ${executorId} is gone` } }));
      return;
    }
    slot.running.add(task.taskId);
    this.taskDirs.set(task.taskId, task.localDir);
    slot.worker.postMessage({ type: 'launch', task });
  }

  killTask(executorId: string, taskId: number): void {
    const slot = this.slots.get(executorId);
    if (!slot || !slot.running.has(taskId)) return;
    // JavaScript cannot interrupt a running loop: the thread is ended and replaced.
    this.slots.delete(executorId);
    slot.running.delete(taskId);
    const lost = [taskId, ...slot.running];
    void slot.worker.terminate().then(() => {
      for (const t of lost) this.removeSpills(t);
      this.memoryState.threadEnded(slot.threadId, lost); // its memory back to the pool, and the lock if it held it
    });
    this.events?.statusUpdate({ taskId, executorId, state: 'KILLED' });
    this.events?.executorRemoved(executorId, 'task killed');
    for (const t of slot.running) this.events?.statusUpdate({ taskId: t, executorId, state: 'LOST', error: { message: 'executor replaced' } });
    if (!this.stopped) this.spawn();
  }

  /** A task ended with its thread: its spill files go (src/collection/spillFile.ts). */
  private removeSpills(taskId: number): void {
    const dir = this.taskDirs.get(taskId);
    this.taskDirs.delete(taskId);
    if (dir !== undefined) removeTaskSpillDir(dir, taskId);
  }

  dropBlocks(prefix: string): void {
    for (const s of this.slots.values()) s.worker.postMessage({ type: 'dropBlocks', prefix });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}
