import type { IncomingMessage } from 'node:http';
import { AsyncQueue } from '../../util/AsyncQueue.js';
import { getLogger } from '../../util/logging.js';
import { backoffDelay, sleep, type BackoffPolicy } from '../backoff.js';
import { Calls, type SchedulerCallBody } from '../calls.js';
import type { FrameworkInfo } from '../wire/framework.js';
import { SchedulerEvent } from '../wire/scheduler.js';
import { createDetector, StandaloneDetector, type MasterDetector } from './detector.js';
import { consumeEvents } from './recordStream.js';
import { basicAuth, MesosHttpError, openStream, post, readAll, redirectTarget, type Endpoint, type Response } from './http.js';

const log = getLogger('SchedulerClient');
const SCHEDULER_PATH = '/api/v1/scheduler';

export interface SchedulerClientOptions {
  /** A master string (`mesos://host:port`, `mesos://zk://...`) or a detector. */
  master: string | MasterDetector;
  frameworkInfo: FrameworkInfo;
  /** HTTP basic authentication (`spark.mesos.principal` / `spark.mesos.secret`). */
  credentials?: { principal?: string; secret?: string };
  /** Reconnect and retry backoff; defaults 500 ms doubling to 15 s. */
  backoff?: BackoffPolicy;
  /** Missed heartbeats after which the stream is taken for dead (default 5). */
  heartbeatMisses?: number;
  /** Timeout of one non-subscribe call (default 75 s). */
  callTimeoutMs?: number;
  /** Attempts of one call through 307 redirects and 503s (default 9). */
  maxCallAttempts?: number;
}

/** What the event stream yields: the master's events, plus a marker when the subscription is lost. */
export type ClientEvent = SchedulerEvent | { type: 'DISCONNECTED'; reason: string };

/** Statuses after which trying again later can succeed. */
const RETRYABLE = new Set([404, 429, 500, 502, 503, 504]);

/**
 * A Mesos v1 HTTP scheduler client: keeps one subscription alive (following the leader, re-subscribing with the
 * same framework id after failures), yields events as an async stream, and sends calls with the current stream id.
 */
export class SchedulerClient {
  private readonly detector: MasterDetector;
  private readonly ownsDetector: boolean;
  private readonly info: FrameworkInfo;
  private readonly queue = new AsyncQueue<ClientEvent>();
  private readonly stopping = new AbortController();
  private readonly backoff: BackoffPolicy;
  private readonly heartbeatMisses: number;
  private readonly callTimeoutMs: number;
  private readonly maxCallAttempts: number;
  private readonly authHeader: Record<string, string>;
  private target: Endpoint | undefined;
  private streamId: string | undefined;
  private streamAbort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private subscribedWaiters: (() => void)[] = [];
  private offDetector: (() => void) | undefined;

  constructor(opts: SchedulerClientOptions) {
    this.ownsDetector = typeof opts.master === 'string';
    this.detector = typeof opts.master === 'string' ? createDetector(opts.master) : opts.master;
    this.info = structuredClone(opts.frameworkInfo);
    this.backoff = opts.backoff ?? { initialMs: 500, maxMs: 15_000 };
    this.heartbeatMisses = opts.heartbeatMisses ?? 5;
    this.callTimeoutMs = opts.callTimeoutMs ?? 75_000;
    this.maxCallAttempts = opts.maxCallAttempts ?? 9;
    const { principal, secret } = opts.credentials ?? {};
    this.authHeader = principal !== undefined && secret !== undefined ? { Authorization: basicAuth(principal, secret) } : {};
    if (principal !== undefined && this.info.principal === undefined) this.info.principal = principal;
  }

  /** The framework id, once the master assigned one (or the one we re-subscribe with). */
  get frameworkId(): string | undefined {
    return this.info.id?.value;
  }

  get isSubscribed(): boolean {
    return this.streamId !== undefined;
  }

  /** The master we are subscribed to. */
  get master(): Endpoint | undefined {
    return this.target;
  }

  /** Starts subscribing in the background; events arrive on `events()`. */
  start(): this {
    if (!this.running) {
      this.offDetector = this.detector.onChange((ep) => {
        const cur = this.target;
        if (this.streamAbort && (!ep || ep.host !== cur?.host || ep.port !== cur?.port)) {
          log.info({ leader: ep }, 'leading master changed; re-subscribing');
          this.streamAbort.abort();
        }
      });
      // The stream ends when the loop does (closed, or the framework was removed); fatal HTTP errors end it with the error.
      this.running = this.run().then(() => this.queue.end(), (err) => this.queue.fail(err));
    }
    return this;
  }

  events(): AsyncIterableIterator<ClientEvent> {
    return this.queue;
  }

  /** Resolves once subscribed (or rejects after `timeoutMs`). */
  waitForSubscribed(timeoutMs = 30_000): Promise<string> {
    if (this.isSubscribed) return Promise.resolve(this.frameworkId!);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not subscribed to a Mesos master within ${timeoutMs} ms`)), timeoutMs);
      this.subscribedWaiters.push(() => {
        clearTimeout(t);
        resolve(this.frameworkId!);
      });
    });
  }

  /**
   * Sends one call on the current subscription: follows 307 to the leader and retries 503 with backoff; any other
   * failure is a MesosHttpError carrying the master's message.
   */
  async call(body: SchedulerCallBody): Promise<Response> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.maxCallAttempts; attempt++) {
      const ep = this.target;
      const streamId = this.streamId;
      const fid = this.frameworkId;
      if (!ep || !streamId || !fid) {
        throw new MesosHttpError(403, 'Framework is not subscribed', `${body.type} call`);
      }
      const payload = JSON.stringify({ ...body, framework_id: { value: fid } });
      let res: Response;
      try {
        res = await post(ep, SCHEDULER_PATH, payload, { 'Mesos-Stream-Id': streamId, ...this.authHeader }, this.callTimeoutMs);
      } catch (err) {
        lastError = err;
        await sleep(backoffDelay(attempt, this.backoff), this.stopping.signal);
        continue;
      }
      if (res.status === 202 || res.status === 200) return res;
      if (res.status === 307) {
        const next = redirectTarget(res.headers.location, ep);
        if (next) this.target = next;
        lastError = new MesosHttpError(307, `redirected to ${res.headers.location}`, `${body.type} call`);
        continue;
      }
      if (RETRYABLE.has(res.status)) {
        lastError = new MesosHttpError(res.status, res.body, `${body.type} call`);
        await sleep(backoffDelay(attempt, this.backoff), this.stopping.signal);
        continue;
      }
      throw new MesosHttpError(res.status, res.body, `${body.type} call`);
    }
    throw lastError instanceof Error ? lastError : new Error(`${body.type} call failed`);
  }

  /** Tears the framework down (tasks killed, framework removed), then closes. */
  async teardown(): Promise<void> {
    try {
      if (this.isSubscribed) await this.call(Calls.teardown());
    } finally {
      await this.close();
    }
  }

  /** Closes the subscription without tearing down: the master keeps the framework for its failover timeout. */
  async close(): Promise<void> {
    this.stopping.abort();
    this.streamAbort?.abort();
    this.offDetector?.();
    await this.running;
    this.queue.end();
    if (this.ownsDetector) await this.detector.close();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let redirect: Endpoint | undefined;
    while (!this.stopping.signal.aborted) {
      let ep: Endpoint;
      try {
        ep = redirect ?? (await this.detector.waitForLeader(this.stopping.signal));
      } catch {
        break;
      }
      redirect = undefined;
      const ac = new AbortController();
      this.streamAbort = ac;
      let reason: string;
      try {
        const res = await openStream(ep, SCHEDULER_PATH, this.subscribeBody(), this.authHeader, ac.signal);
        if (res.statusCode === 307) {
          res.resume();
          redirect = redirectTarget(res.headers.location, ep);
          if (redirect && this.detector instanceof StandaloneDetector) this.detector.redirectTo(redirect);
          reason = `redirected to ${res.headers.location}`;
        } else if (res.statusCode !== 200) {
          const text = await readAll(res);
          const err = new MesosHttpError(res.statusCode ?? 0, text, 'SUBSCRIBE');
          if (!RETRYABLE.has(res.statusCode ?? 0)) throw err;
          reason = err.message;
        } else {
          this.target = ep;
          this.streamId = String(res.headers['mesos-stream-id'] ?? '');
          reason = await this.consume(res, ac, () => (attempt = 0));
        }
      } catch (err) {
        if (err instanceof MesosHttpError) throw err; // 400/401/403: retrying cannot help
        reason = ac.signal.aborted ? 'subscription closed' : `connection failed: ${(err as Error).message}`;
      } finally {
        this.streamAbort = undefined;
      }
      const wasSubscribed = this.streamId !== undefined;
      this.streamId = undefined;
      if (this.stopping.signal.aborted) break;
      if (wasSubscribed) this.queue.push({ type: 'DISCONNECTED', reason });
      if (reason === 'framework removed') break;
      log.warn({ reason, attempt }, 'Mesos subscription lost; re-subscribing');
      if (!redirect) await sleep(backoffDelay(attempt++, this.backoff), this.stopping.signal);
    }
  }

  private subscribeBody(): string {
    const call = Calls.subscribe(this.info);
    return JSON.stringify(this.info.id ? { ...call, framework_id: this.info.id } : call);
  }

  /** Reads the event stream until it ends, fails, or misses heartbeats. Returns why it ended. */
  private consume(res: IncomingMessage, ac: AbortController, onSubscribed: () => void): Promise<string> {
    let watchdogMs = 15_000 * this.heartbeatMisses;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        log.warn(`no heartbeat from the master for ${watchdogMs} ms`);
        stream.finish('missed heartbeats');
        ac.abort();
      }, watchdogMs);
    };
    const stream = consumeEvents(res, SchedulerEvent, 'scheduler event', ac.signal, (event) => {
      if (event.type === 'SUBSCRIBED') {
        this.info.id = event.subscribed.framework_id;
        watchdogMs = (event.subscribed.heartbeat_interval_seconds ?? 15) * 1000 * this.heartbeatMisses;
        arm();
        onSubscribed();
        for (const w of this.subscribedWaiters.splice(0)) w();
      }
      this.queue.push(event);
      if (event.type === 'ERROR') return /removed/i.test(event.error.message) ? 'framework removed' : `error: ${event.error.message}`;
      return undefined;
    }, arm);
    arm();
    return stream.ended.then((why) => {
      clearTimeout(timer);
      return why === 'closed' ? 'subscription closed' : why;
    });
  }
}
