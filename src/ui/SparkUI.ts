/**
 * The driver's application UI state: scheduler events become Spark's JSON events, which feed the status store
 * (served as `/api/v1` and the UI pages) and, with `spark.eventLog.enabled`, the event log. Events arriving before
 * the application id is known (executors registering while the backend starts) wait, so the log begins, as Spark's
 * does, with LogStart, ApplicationStart and EnvironmentUpdate.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { compileRedactionRegex, redact } from '../conf/redaction.js';
import type { SparkListenerEvent } from '../scheduler/events.js';
import { IllegalArgumentException } from '../util/errors.js';
import { getLogger } from '../util/logging.js';
import type { ApiSource, AppListing } from './api/ApiRouter.js';
import { startEvents } from './events/environment.js';
import type { SparkEvent } from './events/sparkEvents.js';
import { SparkEventConverter } from './events/toSparkEvents.js';
import { EventLogWriter, eventLogOptions, type EventLogOptions } from './eventlog/EventLogWriter.js';
import { AppStatusStore, type Retention } from './status/AppStatusStore.js';

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

export class SparkUI {
  private readonly statusStore: AppStatusStore;
  /** Events not yet applied (see onEvent). */
  private pending: SparkListenerEvent[] = [];
  private draining = false;
  private readonly converter: SparkEventConverter;
  private readonly logOptions: EventLogOptions | undefined;
  private eventLog: EventLogWriter | undefined;
  private waiting: SparkListenerEvent[] | undefined = [];
  private appId: string | undefined;
  private readonly redactRegex: RegExp;
  readonly user: string;

  constructor(readonly conf: SparkConf, readonly opts: SparkUIOptions) {
    this.statusStore = new AppStatusStore(retentionOf(conf));
    this.converter = new SparkEventConverter({ executorMaxMemory: conf.get(config.EXECUTOR_MEMORY) * 1024 * 1024 });
    this.redactRegex = compileRedactionRegex(conf.get(config.REDACTION_REGEX));
    this.user = process.env.SPARK_USER ?? os.userInfo().username;
    if (conf.get(config.EVENT_LOG_ENABLED)) {
      // Checked up front, so a bad setting fails the SparkContext, not a later job.
      const o = eventLogOptions(conf);
      if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) {
        throw new IllegalArgumentException(`${config.EVENT_LOG_DIR.key}: log directory ${o.dir} does not exist or is not a directory`);
      }
      this.logOptions = o;
    }
  }

  get applicationId(): string | undefined {
    return this.appId;
  }

  /** Where the event log is being written, when it is. */
  get eventLogPath(): string | undefined {
    return this.eventLog?.path;
  }

  get eventLogWriter(): EventLogWriter | undefined {
    return this.eventLog;
  }

  /** The status store, with every event received so far applied. */
  get store(): AppStatusStore {
    if (this.pending.length > 0) this.drain();
    return this.statusStore;
  }

  /**
   * Events are applied after the scheduler's current turn, as Spark's listener bus delivers them off the scheduling
   * thread: the scheduler launches the next tasks first and the UI's work fills the time it waits on executors.
   * Readers of `store` see every event received before they asked.
   */
  onEvent(e: SparkListenerEvent): void {
    if (this.waiting) {
      this.waiting.push(e);
      return;
    }
    this.pending.push(e);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.draining = false;
    const events = this.pending;
    this.pending = [];
    for (const e of events) for (const s of this.converter.convert(e)) this.emit(s);
  }

  private emit(e: SparkEvent): void {
    this.statusStore.apply(e);
    this.eventLog?.post(e);
  }

  /** The application id is known (the backend started): the log opens and waiting events go through. */
  start(appId: string, driverHost: string): void {
    if (this.appId !== undefined) return;
    this.appId = appId;
    if (this.logOptions) {
      try {
        this.eventLog = new EventLogWriter(this.logOptions, appId);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'cannot write the event log');
      }
    }
    for (const e of startEvents(this.conf, { appId, appName: this.opts.appName, startTime: this.opts.startTime, user: this.user, driverHost })) this.emit(e);
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const e of waiting) for (const s of this.converter.convert(e)) this.emit(s);
  }

  /** The application ended: ApplicationEnd is logged and the log closed. */
  async stop(time = Date.now()): Promise<void> {
    if (this.appId === undefined) return;
    this.drain();
    if (!this.store.app?.endTime) this.emit({ Event: 'SparkListenerApplicationEnd', Timestamp: time });
    await this.eventLog?.stop();
  }

  redactPairs(pairs: [string, string][]): [string, string][] {
    return redact(pairs, this.redactRegex);
  }

  /** `/api/v1` of the live driver: one application with one attempt, running. */
  apiSource(): ApiSource {
    const listing = (): AppListing[] => {
      const a = this.store.app;
      if (!a) return [];
      return [{
        id: a.id, name: a.name,
        attempts: [{ startTime: a.startTime, endTime: -1, lastUpdated: a.startTime, duration: 0, sparkUser: a.sparkUser, completed: false, appSparkVersion: a.appSparkVersion }],
      }];
    };
    return {
      applications: listing,
      store: async (appId, attemptId) => (attemptId === undefined && appId === this.store.app?.id ? this.store : undefined),
      redact: (p) => this.redactPairs(p),
    };
  }
}
