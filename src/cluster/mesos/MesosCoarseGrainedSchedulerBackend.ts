import { userInfo } from 'node:os';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import type { ClientEvent } from '../../mesos/client/SchedulerClient.js';
import { FrameworkConnection, withDriverUi } from './FrameworkConnection.js';
import { Calls, Operations } from '../../mesos/calls.js';
import type { Offer } from '../../mesos/wire/framework.js';
import type { TaskStatus } from '../../mesos/wire/task.js';
import type { BackendEvents, SchedulerBackend } from '../../scheduler/SchedulerBackend.js';
import { EndpointBackend } from '../../scheduler/cluster/EndpointBackend.js';
import { DriverEndpoint, authSecret, endpointOptions } from '../../scheduler/cluster/DriverEndpoint.js';
import { MesosExternalBlockStoreClient } from '../../shuffle/MesosExternalBlockStoreClient.js';
import { getLogger, warn } from '../../util/logging.js';
import { executorFailure } from './executorFailure.js';
import { launchFailure, readStderrTail } from './launchDiagnostics.js';
import { StarvationWatch } from './StarvationWatch.js';
import { effectiveMaxCores, planOffers, MAX_AGENT_FAILURES, type CoarsePlannerConfig } from './CoarseOfferPlanner.js';
import { buildExecutorTaskInfo, installationRoot } from './executorTask.js';
import { nextLaunchPhase, satisfiesLocality, type LaunchPhase } from './locality.js';
import { MesosSchedulerBackendUtil } from './MesosSchedulerBackendUtil.js';
import { MesosSchedulerUtils } from './MesosSchedulerUtils.js';
import { MesosBackendMetrics } from './metrics.js';
import { ExecutorDecommissioner } from './ExecutorDecommissioner.js';
import { TaskReconciler } from './TaskReconciler.js';
import type { TaskDescription } from '../../core/plan.js';

const log = getLogger('MesosCoarseGrainedSchedulerBackend');

interface AgentState {
  hostname: string;
  taskIds: Set<string>;
  failures: number;
  shuffleRegistered: boolean;
  /** The last executor failure there (for the starvation warning). */
  lastFailure?: string;
}


/**
 * The coarse-grained Mesos backend: long-lived executors (one Mesos task each; task id = executor id) acquired from
 * offers as Spark does it, connected back to the driver's endpoint, with framework failover, status updates,
 * executor loss, agent exclusion, shuffle-service registration, and dynamic-allocation hooks.
 */
export class MesosCoarseGrainedSchedulerBackend extends EndpointBackend implements SchedulerBackend {
  protected readonly endpoint: DriverEndpoint;
  private readonly framework: FrameworkConnection;
  /** Mesos maintenance: draining executors of agents with inverse offers (ExecutorDecommissioner.ts). */
  readonly decommissioner: ExecutorDecommissioner;
  private readonly planner: CoarsePlannerConfig;
  private readonly agents = new Map<string, AgentState>();
  private readonly coresByTask = new Map<string, number>();
  private readonly gpusByTask = new Map<string, number>();
  private readonly launchedTasks = new Set<string>();
  /** After a (re)subscription, asks Mesos about executors until it answers for each (TaskReconciler.ts). */
  private readonly reconciler = new TaskReconciler({
    tasks: () => new Map([...this.agents].flatMap(([agentId, a]) => [...a.taskIds].map((t): [string, string] => [t, agentId]))),
    send: (tasks) => this.framework.tryCall(Calls.reconcile(tasks)),
    subscribed: () => this.framework.isSubscribed,
  });
  /** Executors that registered with the driver and whose Mesos task has not ended (their failures are not launch failures). */
  private readonly registeredTasks = new Set<string>();
  private totalCoresAcquired = 0;
  private totalGpusAcquired = 0;
  private nextTaskId = 0;
  private executorLimit = Infinity;
  /** Dynamic allocation's locality hint: pending tasks per preferred host, and the wait for those hosts. */
  private localityHint: ReadonlyMap<string, number> = new Map();
  private launchPhase: LaunchPhase = { launching: false, waitStart: Date.now() };
  private readonly localityWaitMs: number;
  private readonly dynamicAllocation: boolean;
  private stopping = false;
  private suppressed = false;
  private offerInterest: Promise<void> = Promise.resolve();
  private shuffleClient: MesosExternalBlockStoreClient | undefined;
  private readonly secret: string | undefined;
  private readonly startedAt = Date.now();
  /** The driver's HTTP address, the framework's default `webui_url`. */
  private uiWebUrl: string | undefined;
  readonly metrics = new MesosBackendMetrics();
  /** Agents' HTTP addresses (from offers), to read failed executors' stderr through `/files`. */
  private readonly agentAddresses = new Map<string, { host: string; port: number }>();
  /** Why executors do not come: the starvation warning, the UI's explanation, and each agent's latest offer. */
  private readonly starvation = new StarvationWatch({
    stopping: () => this.stopping,
    registeredExecutors: () => this.endpoint.executors.size,
    launching: () => this.numExecutors,
    agents: () => this.agents.values(),
    offeringAgents: () => [...this.agentAddresses.keys()],
    failuresOn: (id) => this.agents.get(id)?.failures ?? 0,
  });
  private readonly recentOffers = this.starvation.offers;

  constructor(
    private readonly master: string,
    private readonly conf: SparkConf,
  ) {
    super();
    const executorCores = conf.contains(config.EXECUTOR_CORES.key) ? conf.get(config.EXECUTOR_CORES) : undefined;
    this.planner = {
      maxCores: effectiveMaxCores(conf.get(config.CORES_MAX), executorCores),
      executorCores,
      executorMemory: MesosSchedulerUtils.executorMemory(conf),
      maxGpus: conf.get(config.MESOS_GPUS_MAX),
      constraints: MesosSchedulerUtils.parseConstraintString(conf.get(config.MESOS_CONSTRAINTS)),
      ports: MesosSchedulerUtils.nonZeroPortValuesFromConfig(conf),
      rejectUnmetConstraintsSeconds: MesosSchedulerUtils.getRejectOfferDurationForUnmetConstraints(conf),
      rejectMaxCoresSeconds: MesosSchedulerUtils.getRejectOfferDurationForReachedMaxCores(conf),
    };
    this.secret = authSecret(conf);
    // With dynamic allocation the allocation manager sets the limit; it starts at 0 (Spark's rule).
    this.dynamicAllocation = conf.get(config.DYN_ALLOC_ENABLED);
    if (this.dynamicAllocation) this.executorLimit = conf.get(config.DYN_ALLOC_INITIAL_EXECUTORS);
    this.localityWaitMs = conf.get(config.LOCALITY_WAIT);
    this.endpoint = new DriverEndpoint(endpointOptions(conf, (id) => this.launchedTasks.has(id)));
    this.endpoint.onRegistered = (e) => this.registeredTasks.add(e.id);
    this.framework = new FrameworkConnection(master, conf, (info) => withDriverUi(info, this.uiWebUrl));
    this.decommissioner = new ExecutorDecommissioner(conf, {
      endpoint: this.endpoint,
      executorsOn: (agentId) => [...(this.agents.get(agentId)?.taskIds ?? [])],
      agentOf: (id) => [...this.agents].find(([, a]) => a.taskIds.has(id))?.[0],
      killExecutor: (id) => this.call(Calls.kill(id)),
      answerInverseOffers: (ids, accept, secs) => this.framework.tryCall(accept ? Calls.acceptInverseOffers(ids, secs) : Calls.declineInverseOffers(ids, secs)),
      declineOffers: (ids, secs) => this.call(Calls.decline(ids, secs)),
      offerDeclined: (agentId, reason) => this.recentOffers.record(agentId, reason),
    });
  }

  /** Tasks read map outputs a decommissioned executor handed over from their new place. */
  override launchTask(executorId: string, task: TaskDescription): void {
    super.launchTask(executorId, this.decommissioner.launching(executorId, task));
  }

  get applicationId(): string {
    return this.framework.frameworkId ?? `spark-application-${this.startedAt}`;
  }

  /** Launched executor tasks that have not ended. */
  get numExecutors(): number {
    let n = 0;
    for (const a of this.agents.values()) n += a.taskIds.size;
    return n;
  }

  get coresAcquired(): number {
    return this.totalCoresAcquired;
  }

  get driver(): DriverEndpoint {
    return this.endpoint;
  }

  defaultParallelism(): number {
    return this.conf.get(config.DEFAULT_PARALLELISM) ?? Math.max(2, this.endpoint.totalCores);
  }

  async start(events: BackendEvents): Promise<void> {
    this.uiWebUrl = events.uiWebUrl;
    await this.endpoint.start(this.decommissioner.wrap(events));
    // Spark's starvation warning: tasks wait, no executor is there to run them.
    this.starvation.start(events, this.conf.get(config.STARVATION_TIMEOUT));
    const frameworkId = await this.framework.start((e) => this.onEvent(e));
    if (this.conf.get(config.SHUFFLE_SERVICE_ENABLED)) {
      this.shuffleClient = MesosExternalBlockStoreClient.fromConf(this.conf, frameworkId, this.secret);
    }
    // Readiness: registered cores reach spark.cores.max × ratio, or the waiting time passes (Spark's isReady).
    const ratio = Math.min(1, this.conf.get(config.MIN_REGISTERED_RESOURCES_RATIO) ?? 0);
    const want = Math.ceil((this.conf.get(config.CORES_MAX) ?? 0) * ratio);
    const deadline = Date.now() + this.conf.get(config.MAX_REGISTERED_RESOURCES_WAITING_TIME);
    while (this.endpoint.totalCores < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Why the application waits for executors (tasks pending, none registered), for the UI; undefined when it does not. */
  waitingForExecutors(): string | undefined {
    return this.starvation.waitingForExecutors();
  }

  /**
   * An executor failed or was lost: log Mesos' status and the tail of its stderr (via the agent's /files), as a
   * launch failure when it never registered.
   */
  private async explainLaunchFailure(taskId: string, agentId: string, hostname: string, s: TaskStatus, registered = false): Promise<void> {
    const address = this.agentAddresses.get(agentId);
    const tail = address && this.framework.frameworkId ? await readStderrTail(address, this.framework.frameworkId, taskId) : undefined;
    warn(log, 'MesosCoarseGrainedSchedulerBackend', (registered ? executorFailure : launchFailure)(taskId, hostname, s, tail));
  }

  private async onEvent(e: ClientEvent): Promise<void> {
    switch (e.type) {
      case 'SUBSCRIBED':
        // A (re)subscription starts unsuppressed at the master.
        this.suppressed = false;
        // Re-subscribed after a failover: ask for the state of every executor we think runs, until Mesos answers.
        await this.reconciler.subscribed();
        return;
      case 'OFFERS':
        return this.resourceOffers(await this.decommissioner.filterOffers(e.offers.offers ?? []));
      case 'INVERSE_OFFERS':
        return this.decommissioner.inverseOffers(e.inverse_offers.inverse_offers ?? []);
      case 'RESCIND_INVERSE_OFFER':
        return this.decommissioner.rescinded(e.rescind_inverse_offer.inverse_offer_id.value);
      case 'UPDATE':
        return this.statusUpdate(e.update.status);
      case 'ERROR':
        log.error({ message: e.error.message }, 'Mesos reported an error');
        return;
      case 'FAILURE':
        log.warn({ agent: e.failure.agent_id?.value, executor: e.failure.executor_id?.value }, 'Mesos reported a failure');
        // An agent (not an executor) failed: its last offer no longer says why executors do not come.
        if (e.failure.agent_id && !e.failure.executor_id) this.recentOffers.forget(e.failure.agent_id.value);
        return;
      default:
    }
  }

  private call(body: Parameters<FrameworkConnection['call']>[0]): Promise<void> {
    return this.framework.call(body);
  }

  /** Pending tasks per preferred host, as of the last executor request (dynamic allocation's locality hint). */
  get hostToLocalTaskCount(): ReadonlyMap<string, number> {
    return this.localityHint;
  }

  /** Spark's `satisfiesLocality` for this round: hosts with executors now, plus those given one earlier in the round. */
  private localityCheck(now: number): (hostname: string, launchedThisRound: ReadonlySet<string>) => boolean {
    if (!this.dynamicAllocation) return () => true;
    const withExecutors = new Set([...this.agents.values()].filter((a) => a.taskIds.size > 0).map((a) => a.hostname));
    return (hostname, launchedThisRound) => satisfiesLocality(hostname, {
      hostToLocalTaskCount: this.localityHint, hostsWithExecutors: new Set([...withExecutors, ...launchedThisRound]),
      waitStart: this.launchPhase.waitStart, localityWaitMs: this.localityWaitMs, now,
    });
  }

  private async resourceOffers(offers: Offer[]): Promise<void> {
    this.metrics.offersReceived.inc(offers.length);
    for (const o of offers) {
      const a = o.url?.address;
      if (a) this.agentAddresses.set(o.agent_id.value, { host: a.ip ?? a.hostname ?? o.hostname, port: a.port });
    }
    const now = Date.now();
    if (!this.stopping) this.launchPhase = nextLaunchPhase(this.launchPhase, this.numExecutors >= this.executorLimit, now);
    const agentFailures = new Map([...this.agents].map(([id, a]) => [id, a.failures]));
    let decision;
    try {
      decision = planOffers(offers, this.planner, {
        stopping: this.stopping,
        totalCoresAcquired: this.totalCoresAcquired,
        totalGpusAcquired: this.totalGpusAcquired,
        numExecutors: this.numExecutors,
        executorLimit: this.executorLimit,
        agentFailures,
        satisfiesLocality: this.localityCheck(now),
      });
    } catch (err) {
      // A constraint that cannot be evaluated must not stop the framework: decline and say why.
      log.error({ err: (err as Error).message }, 'could not match offers; declining them');
      for (const o of offers) this.recentOffers.record(o.agent_id.value, `constraints not evaluable: ${(err as Error).message}`);
      await this.call(Calls.decline(offers.map((o) => o.id)));
      return;
    }
    const calls: Promise<void>[] = [];
    for (const [offerId, planned] of decision.launch) {
      const tasks = [];
      for (const p of planned) {
        const taskId = String(this.nextTaskId++);
        try {
          tasks.push(
            buildExecutorTaskInfo(this.conf, p, {
              taskId, appId: this.applicationId, appName: this.conf.get(config.APP_NAME) ?? 'spark-mesos', driverUrl: this.endpoint.url,
              defaultHome: installationRoot(), user: process.env.SPARK_USER ?? userInfo().username,
              ...(this.secret !== undefined ? { authSecret: this.secret } : {}),
            }),
          );
        } catch (err) {
          log.error({ err: (err as Error).message }, 'cannot build the executor task');
          continue;
        }
        let agent = this.agents.get(p.agentId);
        if (!agent) this.agents.set(p.agentId, (agent = { hostname: p.hostname, taskIds: new Set(), failures: 0, shuffleRegistered: false }));
        agent.taskIds.add(taskId);
        this.launchedTasks.add(taskId);
        this.totalCoresAcquired += p.cpus;
        this.coresByTask.set(taskId, p.cpus);
        if (p.gpus > 0) {
          this.totalGpusAcquired += p.gpus;
          this.gpusByTask.set(taskId, p.gpus);
        }
      }
      if (tasks.length === 0) {
        calls.push(this.call(Calls.decline([offerId])));
        continue;
      }
      this.metrics.executorsLaunched.inc(tasks.length);
      this.metrics.offersAccepted.inc();
      log.info({ offer: offerId, executors: tasks.map((t) => t.task_id.value) }, 'launching executors');
      calls.push(this.call(Calls.accept([offerId], [Operations.launch(tasks)])));
    }
    const agentOf = new Map(offers.map((o) => [o.id.value, o.agent_id.value]));
    for (const offerId of decision.launch.keys()) this.recentOffers.record(agentOf.get(offerId)!, undefined, now);
    const bySeconds = new Map<number | undefined, string[]>();
    for (const d of decision.decline) {
      bySeconds.set(d.refuseSeconds, [...(bySeconds.get(d.refuseSeconds) ?? []), d.offerId]);
      this.recentOffers.record(agentOf.get(d.offerId)!, d.reason, now);
    }
    for (const [secs, ids] of bySeconds) {
      this.metrics.offersDeclined.inc(ids.length);
      calls.push(this.call(Calls.decline(ids, secs)));
    }
    await Promise.all(calls);
    await this.updateSuppression();
  }

  /**
   * Going beyond Spark: no offers while no more executors are wanted, and offers again when they are (`revive`: also
   * when filters from declines may hold back a wanted executor). The calls go out one after another, each decided
   * when it is sent, so a REVIVE is never overtaken by an earlier SUPPRESS.
   */
  private updateSuppression(revive = false): Promise<void> {
    this.offerInterest = this.offerInterest.then(async () => {
      if (this.stopping || !this.framework.isSubscribed) return;
      const full = this.totalCoresAcquired >= this.planner.maxCores || this.numExecutors >= this.executorLimit;
      if (full && !this.suppressed) {
        this.suppressed = true;
        await this.call(Calls.suppress());
      } else if (!full && (this.suppressed || revive)) {
        this.suppressed = false;
        await this.call(Calls.revive());
      }
    });
    return this.offerInterest;
  }

  private async statusUpdate(s: TaskStatus): Promise<void> {
    if (s.uuid && s.agent_id) await this.call(Calls.acknowledge(s));
    const taskId = s.task_id.value;
    this.reconciler.answered(taskId);
    const agentId = s.agent_id?.value;
    const agent = agentId ? this.agents.get(agentId) : undefined;
    if (!agent) {
      log.warn({ task: taskId, state: s.state }, 'status update for an executor on an unknown agent');
      return;
    }
    const state = MesosSchedulerBackendUtil.mesosToTaskState(s.state);
    this.metrics.statusUpdates.inc({ state: s.state });
    if (state === 'RUNNING' && this.shuffleClient && !agent.shuffleRegistered) {
      agent.shuffleRegistered = true;
      this.shuffleClient
        .registerDriverWithShuffleService(
          agent.hostname,
          this.conf.get(config.SHUFFLE_SERVICE_PORT),
          this.conf.get(config.BLOCK_MANAGER_HEARTBEAT_TIMEOUT),
          this.conf.get(config.EXECUTOR_HEARTBEAT_INTERVAL),
        )
        .catch((err) => {
          agent.shuffleRegistered = false;
          log.error({ err: (err as Error).message, host: agent.hostname }, 'could not register with the external shuffle service');
        });
    }
    if (state === 'FINISHED' || state === 'FAILED' || state === 'KILLED' || state === 'LOST') {
      if (!agent.taskIds.has(taskId)) return;
      this.totalCoresAcquired -= this.coresByTask.get(taskId) ?? 0;
      this.coresByTask.delete(taskId);
      this.totalGpusAcquired -= this.gpusByTask.get(taskId) ?? 0;
      this.gpusByTask.delete(taskId);
      if (state === 'FAILED' || state === 'LOST') {
        agent.failures++;
        agent.lastFailure = [s.state, s.reason, s.message?.split('\n')[0]].filter(Boolean).join(' ');
        // The driver may have lost the connection first (an OOM kill): Mesos' status says why.
        if (!this.stopping) void this.explainLaunchFailure(taskId, agentId!, agent.hostname, s, this.registeredTasks.has(taskId));
        this.metrics.executorsFailed.inc();
        if (agent.failures >= MAX_AGENT_FAILURES) log.warn({ agent: agentId }, `excluding agent after ${agent.failures} executor failures`);
      }
      agent.taskIds.delete(taskId);
      this.registeredTasks.delete(taskId);
      if (!this.stopping) this.endpoint.remove(taskId, `Executor finished with state ${s.state}${s.message ? `: ${s.message}` : ''}`);
      // A lost executor may need replacing: ask for offers again.
      if (!this.stopping) await this.updateSuppression(true);
    }
  }

  // ------------------------------------------------------------------------------------------ dynamic allocation

  /**
   * The number of executors wanted (dynamic allocation) and the hosts pending tasks prefer; offers are revived when
   * more are wanted. Each request restarts the wait for preferred hosts (Spark's rule).
   */
  async requestTotalExecutors(total: number, hostToLocalTaskCount: ReadonlyMap<string, number> = new Map()): Promise<boolean> {
    const more = total > this.executorLimit;
    this.executorLimit = total;
    this.localityHint = new Map(hostToLocalTaskCount);
    this.launchPhase = { ...this.launchPhase, waitStart: Date.now() };
    // Going beyond Spark (which waits for filters to expire): more executors wanted means offers now.
    await this.updateSuppression(more);
    return true;
  }

  /** Kills executors by id; their cores return when Mesos reports them ended. */
  async killExecutors(ids: string[]): Promise<boolean> {
    if (!this.framework.isSubscribed) return false;
    await Promise.all(ids.map((id) => this.call(Calls.kill(id))));
    return true;
  }

  // ------------------------------------------------------------------------------------------ SchedulerBackend

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.starvation.stop();
    this.decommissioner.stop();
    await this.endpoint.stop();
    // Wait (bounded) for the executors' tasks to end before tearing the framework down.
    const deadline = Date.now() + this.conf.get(config.MESOS_COARSE_SHUTDOWN_TIMEOUT);
    while (this.numExecutors > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (this.numExecutors > 0) log.warn({ remaining: this.numExecutors }, 'timed out waiting for executors to end; temporary files may be left');
    this.shuffleClient?.close();
    this.reconciler.stop();
    await this.framework.teardown();
  }
}
