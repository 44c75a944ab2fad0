/**
 * The driver's application UI and event log, seen from the scheduling thread. The work (Spark's JSON events, the
 * status store, the event log's file) runs on the listener thread (live/listenerThread.ts), as Spark runs its
 * listeners off the scheduler's thread: here events are only packed (live/listenerBatch.ts) and handed over in
 * batches, and the UI's HTTP requests are passed on. Events arriving before the application id is known (executors
 * registering while the backend starts) wait, so the log begins, as Spark's does, with LogStart, ApplicationStart
 * and EnvironmentUpdate. What the thread has not yet applied is bounded (`spark.scheduler.listenerbus.eventqueue.
 * capacity`): past it events are dropped and counted, as Spark's listener queues do, and scheduling never waits.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import type { SparkListenerEvent } from '../scheduler/events.js';
import { IllegalArgumentException } from '../util/errors.js';
import { getLogger, warn } from '../util/logging.js';
import { siblingModule, startModuleWorker } from '../util/moduleWorker.js';
import { startEvents } from './events/environment.js';
import { eventLogOptions, type EventLogOptions } from './eventlog/EventLogWriter.js';
import { DropCounter } from './eventlog/DropCounter.js';
import { ListenerBatchBuilder } from './live/listenerBatch.js';
import type { UiAnswer, UiRequest } from './live/LiveStatus.js';
import type { FromListenerThread, ToListenerThread } from './live/listenerThread.js';
import type { Retention } from './status/AppStatusStore.js';

const log = getLogger('SparkUI');

export function retentionOf(conf: SparkConf): Retention {
  return {
    retainedJobs: conf.get(config.UI_RETAINED_JOBS), retainedStages: conf.get(config.UI_RETAINED_STAGES),
    retainedTasks: conf.get(config.UI_RETAINED_TASKS), retainedDeadExecutors: conf.get(config.UI_RETAINED_DEAD_EXECUTORS),
  };
}

export interface SparkUIOptions {
  appName: string;
  startTime: number;
  killJob?(jobId: number): void;
  killStage?(stageId: number): void;
  /** Why the application waits for executors (the cluster manager's explanation); undefined when it does not. */
  waitingForExecutors?(): string | undefined;
}

/** Events handed to the listener thread per message. */
const BATCH = 1024;
/** The longest an event waits on the scheduling thread before it is handed over. */
const HAND_OVER_MS = 20;

export class SparkUI {
  private readonly capacity: number;
  private readonly drops: DropCounter;
  private readonly thread: Worker;
  private builder = new ListenerBatchBuilder();
  /** Events handed to the thread and not yet applied. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private waiting: SparkListenerEvent[] | undefined = [];
  private appId: string | undefined;
  private nextId = 0;
  private readonly replies = new Map<number, (m: FromListenerThread) => void>();
  private stopped = false;
  /** The thread has ended: requests are answered without it. */
  private dead = false;
  readonly user: string;

  constructor(readonly conf: SparkConf, readonly opts: SparkUIOptions) {
    this.user = process.env.SPARK_USER ?? os.userInfo().username;
    this.capacity = conf.get(config.LISTENER_BUS_EVENT_QUEUE_CAPACITY);
    this.drops = new DropCounter('appStatus', this.capacity, log);
    const logOptions = SparkUI.checkSettings(conf);
    this.thread = startModuleWorker(siblingModule(import.meta.url, './live/listenerThread'), {
      conf: conf.getAll(), retention: retentionOf(conf), ...(logOptions ? { eventLog: logOptions } : {}),
    });
    // The thread never keeps the application alive by itself; it is held while the driver waits on it.
    this.thread.unref();
    this.thread.on('message', (m: FromListenerThread) => this.onReply(m));
    this.thread.on('error', (err) => log.error({ err: err.message }, 'the listener thread failed; the UI and event log stop here'));
    this.thread.on('exit', () => this.threadGone());
  }

  /** The thread ended (stopped, or crashed): nothing more reaches it, and whoever waits on it is answered. */
  private threadGone(): void {
    this.dead = true;
    for (const answer of this.replies.values()) answer({ t: 'done', id: -1 });
    this.replies.clear();
  }

  /**
   * The event log's settings, checked: a SparkContext calls this before it starts anything, so a bad setting fails
   * it at once, not a later job, and leaves nothing running.
   */
  static checkSettings(conf: SparkConf): EventLogOptions | undefined {
    if (!conf.get(config.EVENT_LOG_ENABLED)) return undefined;
    const o = eventLogOptions(conf);
    if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) {
      throw new IllegalArgumentException(`${config.EVENT_LOG_DIR.key}: log directory ${o.dir} does not exist or is not a directory`);
    }
    return o;
  }

  get applicationId(): string | undefined {
    return this.appId;
  }

  /** Events dropped because the listener thread was `capacity` events behind. */
  get droppedEvents(): number {
    return this.drops.dropped;
  }

  onEvent(e: SparkListenerEvent): void {
    if (this.waiting) {
      this.waiting.push(e);
      return;
    }
    if (this.stopped || this.dead) return;
    if (this.inFlight + this.builder.size >= this.capacity) {
      this.drops.drop();
      return;
    }
    this.builder.add(e);
    this.schedule();
  }

  /**
   * Hands events over after the scheduler's current turn when a full batch waits, else at most HAND_OVER_MS later:
   * each message has a fixed cost on both threads, so a burst of tasks goes over in a few large batches.
   */
  private schedule(): void {
    if (this.builder.size >= BATCH) {
      if (this.immediate) return;
      this.immediate = true;
      setImmediate(() => {
        this.immediate = false;
        this.handOver();
      });
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => this.handOver(), HAND_OVER_MS);
    this.timer.unref();
  }

  private handOver(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.builder.size === 0) return;
    const batch = this.builder.take();
    this.inFlight += batch.kinds.length;
    try {
      this.send({ t: 'batch', batch }, [batch.nums.buffer as ArrayBuffer]);
    } catch (err) {
      // Not delivered (an event that cannot be cloned): its events are lost, and the strings it brought with them.
      this.inFlight -= batch.kinds.length;
      this.builder.restartStrings();
      log.warn({ err: (err as Error).message, events: batch.kinds.length }, 'events could not be handed to the listener thread; the UI and event log miss them');
    }
  }

  private send(m: ToListenerThread, transfer: ArrayBuffer[] = []): void {
    this.thread.postMessage(m, transfer);
  }

  private onReply(m: FromListenerThread): void {
    if (m.t === 'applied') this.inFlight -= m.events;
    else if (m.t === 'kill') (m.what === 'job' ? this.opts.killJob : this.opts.killStage)?.(m.id);
    else {
      this.replies.get(m.id)?.(m);
      this.replies.delete(m.id);
    }
  }

  /** Sends what waits, then `make(id)`, and resolves with the thread's answer (the thread is held meanwhile). */
  private ask(make: (id: number) => ToListenerThread): Promise<FromListenerThread> {
    if (this.dead) return Promise.resolve({ t: 'done', id: -1 });
    const thread = this.thread;
    this.handOver();
    const id = this.nextId++;
    thread.ref();
    return new Promise<FromListenerThread>((resolve) => {
      this.replies.set(id, (m) => {
        if (this.replies.size <= 1) thread.unref();
        resolve(m);
      });
      this.send(make(id));
    });
  }

  /** The application id is known (the backend started): the event log opens and waiting events go through. */
  start(appId: string, driverHost: string): void {
    if (this.appId !== undefined) return;
    this.appId = appId;
    const events = startEvents(this.conf, { appId, appName: this.opts.appName, startTime: this.opts.startTime, user: this.user, driverHost });
    this.send({ t: 'start', appId, events });
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const e of waiting) this.onEvent(e);
  }

  /** Answers a UI request from the application's status, after every event received before it. */
  async request(req: UiRequest): Promise<UiAnswer> {
    if (this.stopped || this.dead) return { kind: 'none' };
    const m = await this.ask((id) => ({ t: 'ui', id, req }));
    return m.t === 'ui' ? m.answer : { kind: 'none' };
  }

  /** Waits until every event received so far is applied and in the event log's file. */
  async flushed(): Promise<void> {
    if (this.stopped) return;
    await this.ask((id) => ({ t: 'flush', id }));
  }

  /** The application ended: ApplicationEnd is logged, the log closed and the thread stopped. */
  async stop(time = Date.now()): Promise<void> {
    if (this.stopped) return;
    // Set first: nothing sent after the stop message could be answered.
    this.stopped = true;
    this.waiting = undefined;
    if (this.appId !== undefined) {
      const dropped = this.drops.dropped;
      await this.ask((id) => ({ t: 'stop', id, time, dropped }));
      if (dropped > 0) warn(log, 'appStatus', `${dropped} events were dropped from the application's status and event log: they are incomplete`);
    }
    await this.thread.terminate();
    this.threadGone();
  }
}
