import type { SparkConf } from '../../conf/SparkConf.js';
import type { TaskStatus } from '../../mesos/wire/task.js';
import * as config from '../../conf/catalog.js';
import { Calls } from '../../mesos/calls.js';
import type { ClientEvent } from '../../mesos/client/SchedulerClient.js';
import { FrameworkConnection } from '../../cluster/mesos/FrameworkConnection.js';
import { MesosSchedulerUtils } from '../../cluster/mesos/MesosSchedulerUtils.js';
import { TaskReconciler } from '../../cluster/mesos/TaskReconciler.js';
import { getLogger } from '../../util/logging.js';
import type { CreateSubmissionRequest } from '../rest/messages.js';
import type { SubmissionHandler } from '../rest/RestSubmissionServer.js';
import type { PersistenceEngine } from '../persistence/PersistenceEngine.js';
import { checkStoreIdentity, normalizeMaster, type StoreIdentity } from '../persistence/storeIdentity.js';
import { describeDriver, type MesosDriverDescription, type StateChange } from './MesosDriverDescription.js';
import { compareQueued, driverNeeds } from './driverOffers.js';
import { waitingReason, type OfferSeen } from './waitingReason.js';
import { resourceOffers, type OfferRound } from './offerRound.js';
import { RetryTimer, launchedTasks, statusUpdate } from './driverStatusUpdates.js';
import { parseQueueWeights, queueOf, queueWeight, unknownQueue } from './queues.js';
import { submissionId } from './submissionId.js';
import { coalesce } from './coalesce.js';
import { describeStatus } from './describeStatus.js';
import { resyncStore, type ResyncResult } from './storeResync.js';

export { describeStatus } from './describeStatus.js';

const log = getLogger('MesosClusterScheduler');

/** Mesos' failover timeout for "forever" (Spark's Integer.MAX_VALUE seconds). */
const FOREVER_SECONDS = 2147483647;

/** A launched (or finished) driver: its description, its Mesos task and the task's last status. */
export interface MesosClusterSubmissionState {
  driver: MesosDriverDescription;
  taskId: string;
  agentId: string;
  status?: TaskStatus;
  startDate?: number;
  finishDate?: number;
  /** The id the driver's own framework registers with. */
  frameworkId: string;
  history: StateChange[];
  /** Why the driver ended without a task (its configuration could not be used). */
  error?: string;
}

export interface DispatcherState {
  frameworkId: string | undefined;
  master: string;
  queued: MesosDriverDescription[];
  launched: MesosClusterSubmissionState[];
  retrying: MesosDriverDescription[];
  finished: MesosClusterSubmissionState[];
}

export type DriverView =
  | { state: 'QUEUED'; driver: MesosDriverDescription }
  | { state: 'RETRYING'; driver: MesosDriverDescription }
  | { state: 'RUNNING' | 'FINISHED'; driver: MesosDriverDescription; submission: MesosClusterSubmissionState };


/**
 * The dispatcher's driver scheduler (Spark's `MesosClusterScheduler`): queued, launched, retrying and finished
 * drivers; offers matched to drivers; supervise with back-off; kill and status; every accepted submission and every
 * state change written to the persistence engine before it is acknowledged or acted on, and all of it restored on
 * restart, with launched drivers reconciled with the master.
 */
export class MesosClusterScheduler implements SubmissionHandler {
  private readonly queued: MesosDriverDescription[] = [];
  private readonly launched = new Map<string, MesosClusterSubmissionState>();
  private readonly retrying: MesosDriverDescription[] = [];
  private readonly finished: MesosClusterSubmissionState[] = [];
  /**
   * Asks Mesos about every launched driver after each (re)subscription until it answers for each (TaskReconciler.ts):
   * Spark asks only about drivers restored from the store, so a driver whose agent was removed while the dispatcher
   * was not subscribed (the master's TASK_LOST is sent once, not retried) stayed RUNNING for ever.
   */
  private readonly reconciler = new TaskReconciler({
    tasks: () => launchedTasks(this.launched.values()),
    send: (tasks) => this.framework!.tryCall(Calls.reconcile(tasks)),
    subscribed: () => this.framework?.isSubscribed ?? false,
  });
  private framework: FrameworkConnection | undefined;
  private frameworkId: string | undefined;
  private ready = false;
  private counter = 0;
  private seq = 0;
  private lock: Promise<unknown> = Promise.resolve();
  /** Submissions admitted and being stored (not yet queued nor answered). */
  private readonly storing = new Set<string>();
  private readonly retryTimer = new RetryTimer(() => void this.revive());
  readonly queueWeights: ReadonlyMap<string, number>;
  /** Each agent's most recent offer, to say why a queued driver waits. */
  private readonly offersSeen = new Map<string, OfferSeen>();
  private readonly maxDrivers: number;
  private readonly retainedDrivers: number;
  private readonly maxRetryWaitSeconds: number;
  private readonly rejectOfferSeconds: number;
  /** What the UI advertises to Mesos (set by the dispatcher before start). */
  webuiUrl: string | undefined;
  /** Called when Mesos says another scheduler took over this framework. */
  onFailedOver: (() => void) | undefined;

  constructor(
    private readonly conf: SparkConf,
    /** The Mesos master, without `mesos://`. */
    readonly master: string,
    private readonly store: PersistenceEngine,
  ) {
    this.maxDrivers = conf.get(config.MESOS_MAX_DRIVERS);
    this.retainedDrivers = conf.get(config.MESOS_RETAINED_DRIVERS);
    this.maxRetryWaitSeconds = conf.get(config.MESOS_CLUSTER_RETRY_WAIT_MAX);
    this.rejectOfferSeconds = MesosSchedulerUtils.getRejectOfferDuration(conf);
    this.queueWeights = parseQueueWeights(conf.getAllWithPrefix('spark.mesos.dispatcher.queue.'));
  }

  /** Runs state changes one at a time (each awaits its writes), in arrival order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Inserts in queue order (binary search: the queue may hold thousands). */
  private enqueue(d: MesosDriverDescription): void {
    const cmp = compareQueued(this.priority);
    let lo = 0;
    let hi = this.queued.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.queued[mid]!, d) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.queued.splice(lo, 0, d);
  }

  /** A queue undeclared since the driver was stored (a restart with other settings) weighs 0. */
  private priority = (d: MesosDriverDescription): number => queueWeight(queueOf(d.conf['spark.mesos.dispatcher.queue']), this.queueWeights) ?? 0;

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Whose state this dispatcher keeps: its Mesos master and framework name. */
  get identity(): StoreIdentity {
    return { master: normalizeMaster(this.master), frameworkName: this.conf.get(config.APP_NAME) ?? 'spark-mesos' };
  }

  /**
   * Restores the persisted state, registers with Mesos (failing over to the stored framework id) and reconciles;
   * state stored for another Mesos master is refused (see storeIdentity).
   */
  async start(): Promise<void> {
    const decision = checkStoreIdentity(await this.store.fetch<StoreIdentity>('scheduler', 'identity'), this.identity, this.conf.get(config.MESOS_DISPATCHER_RECOVERY_ALLOW_MASTER_CHANGE), this.store.location);
    if (decision.action === 'adopt') log.warn(decision.warning);
    if (decision.action !== 'keep') await this.store.persist('scheduler', 'identity', this.identity);
    await this.recover();
    const storedId = await this.store.fetch<string>('scheduler', 'frameworkId');
    this.framework = new FrameworkConnection(this.master, this.conf, (info) => ({
      ...info,
      checkpoint: true,
      failover_timeout: FOREVER_SECONDS,
      ...(storedId ? { id: { value: storedId } } : {}),
      ...(this.webuiUrl ? { webui_url: this.webuiUrl } : {}),
    }));
    this.frameworkId = await this.framework.start((e) => this.onEvent(e));
    if (this.frameworkId !== storedId) await this.store.persist('scheduler', 'frameworkId', this.frameworkId);
    this.ready = true;
    log.info({ frameworkId: this.frameworkId, queued: this.queued.length, launched: this.launched.size, retrying: this.retrying.length }, 'dispatcher scheduler ready');
  }

  private async recover(): Promise<void> {
    const launched = await this.store.fetchAll<MesosClusterSubmissionState>('launchedDrivers');
    for (const s of launched) this.launched.set(s.driver.submissionId, s);
    for (const d of await this.store.fetchAll<MesosDriverDescription>('driverQueue')) {
      // Launched but still queued: the crash came between the two writes.
      if (this.launched.has(d.submissionId)) await this.store.expunge('driverQueue', d.submissionId);
      else this.queued.push(d);
    }
    for (const d of await this.store.fetchAll<MesosDriverDescription>('retryList')) {
      if (this.launched.has(d.submissionId)) await this.store.expunge('retryList', d.submissionId);
      else this.retrying.push(d);
    }
    const finished = await this.store.fetchAll<MesosClusterSubmissionState>('finishedDrivers');
    for (const s of finished.sort((a, b) => (a.finishDate ?? 0) - (b.finishDate ?? 0))) {
      if (!this.launched.has(s.driver.submissionId)) this.finished.push(s);
    }
    this.queued.sort(compareQueued(this.priority));
    this.retrying.sort((a, b) => a.seq - b.seq);
    this.seq = Math.max(0, ...[...this.queued, ...this.retrying, ...[...this.launched.values(), ...this.finished].map((s) => s.driver)].map((d) => d.seq)) + 1;
    this.retryTimer.arm(this.retrying);
  }

  /** Stops taking requests and disconnects, leaving the framework and its drivers running (Spark's failover stop). */
  async stop(): Promise<void> {
    this.ready = false;
    this.retryTimer.clear();
    this.reconciler.stop();
    await this.lock;
    await this.framework?.close();
    await this.store.close();
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Times the store was re-read after a new ZooKeeper session (see resync). */
  resyncs = 0;

  /**
   * After the store's session was replaced: re-reads the store and writes back what it lost (see storeResync.ts),
   * under the lock so no state change runs meanwhile. Nothing to do before this scheduler has recovered.
   */
  async resync(): Promise<ResyncResult | undefined> {
    return this.exclusive(async () => {
      if (!this.ready) return undefined;
      const byId = <T>(items: Iterable<T>, id: (t: T) => string): ReadonlyMap<string, unknown> => new Map([...items].map((t) => [id(t), t] as const));
      const r = await resyncStore(this.store, new Map<'driverQueue' | 'launchedDrivers' | 'retryList' | 'finishedDrivers', ReadonlyMap<string, unknown>>([
        ['driverQueue', byId(this.queued, (d) => d.submissionId)],
        ['launchedDrivers', byId(this.launched.values(), (s) => s.driver.submissionId)],
        ['retryList', byId(this.retrying, (d) => d.submissionId)],
        ['finishedDrivers', byId(this.finished, (s) => s.driver.submissionId)],
      ]), new Map<string, unknown>([['identity', this.identity], ['frameworkId', this.frameworkId]]), this.storing);
      this.resyncs++;
      return r;
    });
  }

  // ------------------------------------------------------------------------------------------ requests

  /**
   * Checked and numbered under the lock, but stored outside it: concurrent submissions then share one ZooKeeper
   * multi-op (the store group-commits). Queued, and answered, only once stored.
   */
  async submit(req: CreateSubmissionRequest): Promise<{ success: boolean; submissionId?: string; message?: string }> {
    const d = await this.exclusive(async () => this.admit(req));
    if (!('submissionId' in d)) return d;
    try {
      await this.store.persist('driverQueue', d.submissionId, d);
    } finally {
      this.storing.delete(d.submissionId);
    }
    await this.exclusive(async () => this.enqueue(d));
    void this.revive();
    return { success: true, submissionId: d.submissionId, message: 'Driver successfully submitted' };
  }

  private admit(req: CreateSubmissionRequest): MesosDriverDescription | { success: false; message: string } {
    if (!this.ready) return { success: false, message: 'Scheduler is not ready to take requests' };
    // Unlike Spark, queued and retrying drivers count too: the queue is bounded.
    const held = this.queued.length + this.launched.size + this.retrying.length + this.storing.size;
    if (held >= this.maxDrivers) return { success: false, message: 'Already reached maximum submission size' };
    // The REST server refuses these with 400 first; kept for other callers.
    const badQueue = unknownQueue(req.sparkProperties?.['spark.mesos.dispatcher.queue'], this.queueWeights);
    if (badQueue !== undefined) return { success: false, message: badQueue };
    const now = Date.now();
    try {
      let id: string;
      do id = submissionId(new Date(now), ++this.counter);
      while (this.find(id) || this.storing.has(id));
      const d = describeDriver(req, id, now, this.seq++);
      d.history = [{ time: now, state: 'QUEUED' }];
      this.storing.add(id);
      return d;
    } catch (err) {
      return { success: false, message: `Invalid submission: ${(err as Error).message}` };
    }
  }

  async kill(id: string): Promise<{ success: boolean; message?: string }> {
    return this.exclusive(async () => {
      if (!this.ready) return { success: false, message: 'Scheduler is not ready to take requests' };
      const running = this.launched.get(id);
      if (running) {
        running.history.push({ time: Date.now(), state: 'KILLING' });
        await this.framework!.call(Calls.kill(running.taskId, running.agentId || undefined));
        return { success: true, message: 'Killing running driver' };
      }
      const qi = this.queued.findIndex((d) => d.submissionId === id);
      if (qi >= 0) {
        await this.store.expunge('driverQueue', id);
        this.queued.splice(qi, 1);
        return { success: true, message: "Removed driver while it's still pending" };
      }
      const ri = this.retrying.findIndex((d) => d.submissionId === id);
      if (ri >= 0) {
        await this.store.expunge('retryList', id);
        this.retrying.splice(ri, 1);
        return { success: true, message: "Removed driver while it's still pending" };
      }
      if (this.finished.some((s) => s.driver.submissionId === id)) return { success: false, message: 'Driver already terminated' };
      return { success: false, message: `Cannot find driver ${id}` };
    });
  }

  async status(id: string): Promise<{ success: boolean; driverState?: string; message?: string }> {
    if (!this.ready) return { success: false, message: 'Scheduler is not ready to take requests' };
    const v = this.find(id);
    if (!v) return { success: false, driverState: 'NOT_FOUND' };
    if (v.state === 'QUEUED') {
      const message = this.waitingReason(v.driver);
      return { success: true, driverState: 'QUEUED', ...(message ? { message } : {}) };
    }
    if (v.state === 'RETRYING') return { success: true, driverState: 'RETRYING', message: describeStatus(v.driver.retryState?.lastFailureStatus) };
    const message = v.submission.error ?? describeStatus(v.submission.status);
    return { success: true, driverState: v.state, ...(message ? { message } : {}) };
  }

  /** Why a queued driver still waits, when no agent's last offer fits it (undefined when one does). */
  waitingReason(d: MesosDriverDescription): string | undefined {
    const needs = driverNeeds(d);
    return 'error' in needs ? needs.error : waitingReason(needs, [...this.offersSeen.values()]);
  }

  /** A driver by id: queued, launched, finished or retrying. */
  find(id: string): DriverView | undefined {
    const q = this.queued.find((d) => d.submissionId === id);
    if (q) return { state: 'QUEUED', driver: q };
    const l = this.launched.get(id);
    if (l) return { state: 'RUNNING', driver: l.driver, submission: l };
    const f = this.finished.find((s) => s.driver.submissionId === id);
    if (f) return { state: 'FINISHED', driver: f.driver, submission: f };
    const r = this.retrying.find((d) => d.submissionId === id);
    if (r) return { state: 'RETRYING', driver: r };
    return undefined;
  }

  state(): DispatcherState {
    return {
      frameworkId: this.frameworkId,
      master: this.master,
      queued: [...this.queued],
      launched: [...this.launched.values()],
      retrying: [...this.retrying],
      finished: [...this.finished],
    };
  }

  // ------------------------------------------------------------------------------------------ Mesos events

  private async onEvent(e: ClientEvent): Promise<void> {
    switch (e.type) {
      case 'SUBSCRIBED':
        if (this.launched.size > 0) log.info({ tasks: this.launched.size }, 'reconciling launched drivers');
        await this.reconciler.subscribed();
        return;
      case 'OFFERS': {
        // Decided and stored under the lock; the calls to Mesos go out after it, so submissions do not wait on them.
        const calls = await this.exclusive(() => resourceOffers(e.offers.offers ?? [], this.offerRound()));
        await Promise.all(calls.map((c) => this.framework!.call(c)));
        return;
      }
      case 'UPDATE':
        if (e.update.status.uuid && e.update.status.agent_id) await this.framework!.call(Calls.acknowledge(e.update.status));
        this.reconciler.answered(e.update.status.task_id.value);
        return this.exclusive(() => statusUpdate(e.update.status, {
          launched: this.launched, retrying: this.retrying, finished: this.finished, store: this.store,
          maxRetryWaitSeconds: this.maxRetryWaitSeconds, retainedDrivers: this.retainedDrivers, retryTimer: this.retryTimer,
        }));
      case 'ERROR':
        log.error({ message: e.error.message }, 'Mesos reported an error');
        // Another dispatcher subscribed with our framework id: it leads now (see ha/).
        if (/failed over/i.test(e.error.message)) this.onFailedOver?.();
        return;
      case 'FAILURE':
        // An agent (not an executor) failed: its last offer no longer says what the cluster can run.
        if (e.failure.agent_id && !e.failure.executor_id) this.offersSeen.delete(e.failure.agent_id.value);
        return;
      default:
    }
  }

  /** This round's view of the scheduler's state for resourceOffers (offerRound.ts); taken under the lock. */
  private offerRound(): OfferRound {
    return {
      now: Date.now(), queued: this.queued, retrying: this.retrying, launched: this.launched, finished: this.finished, offersSeen: this.offersSeen,
      store: this.store, frameworkId: this.frameworkId, master: this.master, conf: this.conf, rejectOfferSeconds: this.rejectOfferSeconds,
      retainedDrivers: this.retainedDrivers, retryTimer: this.retryTimer,
    };
  }

  /** Asks for offers again; a burst of submissions shares one REVIVE in flight (and one after it). */
  private readonly revive = coalesce(async () => {
    if (this.framework?.isSubscribed) await this.framework.call(Calls.revive());
  });

  /** Sizes for metrics. */
  get counts(): { queued: number; launched: number; retrying: number; finished: number } {
    return { queued: this.queued.length, launched: this.launched.size, retrying: this.retrying.length, finished: this.finished.length };
  }
}
