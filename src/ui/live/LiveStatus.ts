/**
 * What the listener thread holds for a running application: scheduler events become Spark's JSON events, which feed
 * the status store (answering `/api/v1`, the pages and executor metrics) and, with `spark.eventLog.enabled`, the event
 * log; a task's plain successful end goes to both as values instead (`PlainTaskEnd`), standing for the same event.
 * It knows nothing of threads: the listener thread (listenerThread.ts) drives it, and tests may drive it directly.
 */
import { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { compileRedactionRegex, redact } from '../../conf/redaction.js';
import type { SparkListenerEvent } from '../../scheduler/events.js';
import { getLogger } from '../../util/logging.js';
import { handleApi, type ApiResponse, type ApiSource, type AppListing } from '../api/ApiRouter.js';
import { executorPrometheus } from '../api/prometheus.js';
import type { SparkEvent } from '../events/sparkEvents.js';
import { SparkEventConverter, isPlainTaskEnd } from '../events/toSparkEvents.js';
import { EventLogWriter, type EventLogOptions } from '../eventlog/EventLogWriter.js';
import { renderPage, type KillActions, type PageResponse } from '../pages/router.js';
import { AppStatusStore, type Retention } from '../status/AppStatusStore.js';

const log = getLogger('SparkUI');

export interface LiveStatusOptions {
  /** The driver's configuration, as pairs. */
  conf: [string, string][];
  retention: Retention;
  /** Where and how to write the event log, when `spark.eventLog.enabled`. */
  eventLog?: EventLogOptions;
}

/** A request for the UI, as the driver's HTTP server passes it on. */
export interface UiRequest {
  path: string;
  search: string;
  /** The UI root links start with (proxy base or `X-Forwarded-Context`). */
  root: string;
  waitingForExecutors?: string;
}

export type UiAnswer = { kind: 'api'; r: ApiResponse } | { kind: 'page'; r: PageResponse } | { kind: 'none' };

export class LiveStatus {
  readonly store: AppStatusStore;
  private readonly converter: SparkEventConverter;
  private readonly redactRegex: RegExp;
  private readonly conf: SparkConf;
  private log: EventLogWriter | undefined;

  constructor(private readonly opts: LiveStatusOptions, private readonly kill?: KillActions) {
    this.conf = new SparkConf(opts.conf);
    this.store = new AppStatusStore(opts.retention);
    this.converter = new SparkEventConverter({ executorMaxMemory: this.conf.get(config.EXECUTOR_MEMORY) * 1024 * 1024 });
    this.redactRegex = compileRedactionRegex(this.conf.get(config.REDACTION_REGEX));
  }

  get eventLog(): EventLogWriter | undefined {
    return this.log;
  }

  /** The application id is known: the event log opens with the application's first events. */
  start(appId: string, startEvents: SparkEvent[]): void {
    if (this.opts.eventLog && !this.log) {
      try {
        // Unbounded here: what reaches the log is bounded before the thread (SparkUI's queue), and the thread waits
        // for the file after each batch; a bound here would only drop what one batch's events fan out into.
        this.log = new EventLogWriter({ ...this.opts.eventLog, capacity: Number.POSITIVE_INFINITY }, appId);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'cannot write the event log');
      }
    }
    for (const e of startEvents) this.emit(e);
  }

  /** Applies one event; neither the store nor the log keeps `e`, so the caller may reuse it. */
  apply(e: SparkListenerEvent): void {
    // Nearly every event is a task's start or its plain success: the start goes on as its one event, the success as
    // values, without the JSON event; both in objects the converter reuses, as the store and the log copy what they
    // keep at once (an object per task that lived until the next young-generation collection cost more than the rest).
    if (e.type === 'taskStart') {
      this.emit(this.converter.taskStartTransient(e));
      return;
    }
    if (e.type === 'taskEnd' && isPlainTaskEnd(e)) {
      const t = this.converter.plainTaskEndTransient(e);
      this.store.applyPlainTaskEnd(t);
      this.log?.postPlainTaskEnd(t);
      return;
    }
    for (const s of this.converter.convert(e)) this.emit(s);
  }

  /** Writes what the event log holds (after a batch of events), resolving once it is written. */
  async pumpLog(): Promise<void> {
    await this.log?.pump();
  }

  private emit(e: SparkEvent): void {
    this.store.apply(e);
    this.log?.post(e);
  }

  /** The application ended: ApplicationEnd is logged and the log closed. */
  async stop(time: number, dropped: number): Promise<void> {
    if (!this.store.app) return;
    if (!this.store.app?.endTime) this.emit({ Event: 'SparkListenerApplicationEnd', Timestamp: time });
    await this.log?.stop(dropped);
  }

  private apiSource(): ApiSource {
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
      redact: (p) => redact(p, this.redactRegex),
    };
  }

  /** Answers `/api/v1`, the pages and `/metrics/executors/prometheus`; `none` leaves the path to other routes. */
  async answer(req: UiRequest): Promise<UiAnswer> {
    const q = new URLSearchParams(req.search);
    if (req.path === '/api/v1' || req.path.startsWith('/api/v1/')) {
      try {
        return { kind: 'api', r: await handleApi(this.apiSource(), req.path.slice('/api/v1'.length), q) };
      } catch (err) {
        log.warn({ err: (err as Error).message, path: req.path }, 'API request failed');
        return { kind: 'api', r: { status: 500, contentType: 'text/plain;charset=utf-8', body: `internal error: ${(err as Error).message}` } };
      }
    }
    if (this.conf.get(config.UI_PROMETHEUS_ENABLED) && req.path === '/metrics/executors/prometheus') {
      return { kind: 'page', r: { status: 200, text: executorPrometheus(this.store), contentType: 'text/plain; version=0.0.4; charset=utf-8' } };
    }
    const ctx = {
      store: this.store, base: req.root, root: req.root, killEnabled: this.conf.get(config.UI_KILL_ENABLED), redact: (p: [string, string][]) => redact(p, this.redactRegex),
      ...(req.waitingForExecutors !== undefined ? { waitingForExecutors: req.waitingForExecutors } : {}),
    };
    const r = renderPage(ctx, req.path, q, this.kill);
    if (r.status === 404 && r.text?.startsWith('No page at')) return { kind: 'none' };
    return { kind: 'page', r };
  }
}
