import { userInfo } from 'node:os';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import type { TaskDescription } from '../../core/plan.js';
import type { ClientEvent } from '../../mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../mesos/calls.js';
import type { Offer } from '../../mesos/wire/framework.js';
import type { ExecutorInfo, TaskInfo, TaskStatus } from '../../mesos/wire/task.js';
import type { BackendEvents, SchedulerBackend, TaskStatusUpdate, WorkerOffer } from '../../scheduler/SchedulerBackend.js';
import { authSecret } from '../../scheduler/cluster/DriverEndpoint.js';
import type { TaskEnd } from '../../executor/TaskThreads.js';
import { getLogger, warn } from '../../util/logging.js';
import { executorContainer, executorEnvironment, executorLauncher, installationRoot } from './executorTask.js';
import { partitionFineGrainedResources, planFineGrainedOffers, type FinePlannerConfig } from './FineGrainedOfferPlanner.js';
import { FrameworkConnection, withDriverUi } from './FrameworkConnection.js';
import { TaskReconciler } from './TaskReconciler.js';
import { starvationWarning } from './launchDiagnostics.js';
import { MesosProtoUtils } from './MesosProtoUtils.js';
import { MesosSchedulerBackendUtil } from './MesosSchedulerBackendUtil.js';
import { MesosSchedulerUtils } from './MesosSchedulerUtils.js';
import { MesosBackendMetrics } from './metrics.js';
import { RecentOffers } from './offerTally.js';
import { decodeData, encodeData } from './taskData.js';

const log = getLogger('MesosFineGrainedSchedulerBackend');

/** Seconds an unused offer is refused for while tasks wait: none, so a newcomer whose executor needs more than one
 * freed cpu sees the next offer of the agent instead of the other application taking it. */
const REFUSE_WHILE_WAITING_SECONDS = 0;


/**
 * The fine-grained Mesos backend (`spark.mesos.coarse=false`, Spark's `MesosFineGrainedSchedulerBackend`): every
 * engine task is its own Mesos task, placed on offers as they come, and run by this application's executor on the
 * agent (one ExecutorInfo per agent, holding `spark.mesos.mesosExecutor.cores` and the executor memory). Cluster
 * resources are shared between applications task by task. Executor ids are agent ids, as in Spark.
 */
export class MesosFineGrainedSchedulerBackend implements SchedulerBackend {
  private readonly framework: FrameworkConnection;
  private readonly planner: FinePlannerConfig;
  private events: BackendEvents | undefined;
  /** agent id → the ExecutorInfo every task there uses (Mesos requires it to be identical). */
  private readonly executorInfos = new Map<string, ExecutorInfo>();
  /** Engine task id → agent id, while the task runs. */
  private readonly taskAgents = new Map<number, string>();
  /** After a (re)subscription, asks Mesos about tasks until it answers for each (TaskReconciler.ts). */
  private readonly reconciler = new TaskReconciler({
    tasks: () => new Map([...this.taskAgents].map(([t, a]): [string, string] => [String(t), a])),
    send: (tasks) => this.framework.tryCall(Calls.reconcile(tasks)),
    subscribed: () => this.framework.isSubscribed,
  });
  private readonly secret: string | undefined;
  private readonly appName: string;
  /** `spark.mesos.task.labels`, parsed once. */
  private readonly labels: ReturnType<typeof MesosProtoUtils.mesosLabels>;
  private readonly startedAt = Date.now();
  private stopping = false;
  /** Whether offers may be filtered or suppressed (so a REVIVE is needed when tasks wait). */
  private needRevive = false;
  private suppressed = false;
  private offerInterest: Promise<void> = Promise.resolve();
  /** Each agent's most recent offer and why it was declined, for the starvation warning. */
  private readonly recentOffers = new RecentOffers();
  private starvationTimer: NodeJS.Timeout | undefined;
  readonly metrics = new MesosBackendMetrics();

  constructor(
    master: string,
    private readonly conf: SparkConf,
  ) {
    this.planner = {
      executorCores: conf.get(config.MESOS_EXECUTOR_CORES),
      executorMemory: MesosSchedulerUtils.executorMemory(conf),
      taskCpus: conf.get(config.TASK_CPUS),
      constraints: MesosSchedulerUtils.parseConstraintString(conf.get(config.MESOS_CONSTRAINTS)),
      rejectUnmetConstraintsSeconds: MesosSchedulerUtils.getRejectOfferDurationForUnmetConstraints(conf),
    };
    this.secret = authSecret(conf);
    this.appName = conf.get(config.APP_NAME) ?? 'spark-mesos';
    this.labels = MesosProtoUtils.mesosLabels(conf.get(config.MESOS_TASK_LABELS));
    this.framework = new FrameworkConnection(master, conf, (info) => withDriverUi(info, this.events?.uiWebUrl));
  }

  get applicationId(): string {
    return this.framework.frameworkId ?? `spark-application-${this.startedAt}`;
  }

  /** Spark's fine-grained default: `spark.default.parallelism`, else 8. */
  defaultParallelism(): number {
    return this.conf.get(config.DEFAULT_PARALLELISM) ?? 8;
  }

  async start(events: BackendEvents): Promise<void> {
    this.events = events;
    // Spark's starvation warning (its task scheduler warns in every mode): tasks wait, none has been launched.
    this.starvationTimer = setInterval(() => this.warnIfStarved(events), this.conf.get(config.STARVATION_TIMEOUT));
    this.starvationTimer.unref();
    await this.framework.start((e) => this.onEvent(e));
  }

  /** Warns while tasks wait and no executor of this application runs anywhere, with the declined offers' reasons. */
  private warnIfStarved(events: BackendEvents): void {
    if (this.stopping || events.pendingTasks() === 0 || this.executorInfos.size > 0) return;
    warn(log, 'MesosFineGrainedSchedulerBackend', starvationWarning({ tally: this.recentOffers.tally(), excluded: [], launching: 0 }));
  }

  private async onEvent(e: ClientEvent): Promise<void> {
    switch (e.type) {
      case 'SUBSCRIBED':
        // A (re)subscription starts unsuppressed at the master.
        this.suppressed = false;
        // Re-subscribed after a failover: ask for the state of every task we think runs, until Mesos answers.
        await this.reconciler.subscribed();
        return;
      case 'OFFERS':
        return this.resourceOffers(e.offers.offers ?? []);
      case 'UPDATE':
        return this.statusUpdate(e.update.status);
      case 'FAILURE':
        if (e.failure.executor_id && e.failure.agent_id) this.executorLost(e.failure.agent_id.value, `executor exited${e.failure.status !== undefined ? ` with status ${e.failure.status}` : ''}`);
        else if (e.failure.agent_id) {
          this.recentOffers.forget(e.failure.agent_id.value);
          this.executorLost(e.failure.agent_id.value, 'agent lost');
        }
        return;
      case 'ERROR':
        log.error({ message: e.error.message }, 'Mesos reported an error');
        return;
      default:
    }
  }

  // ------------------------------------------------------------------------------------------ offers

  private async resourceOffers(offers: Offer[]): Promise<void> {
    this.metrics.offersReceived.inc(offers.length);
    let decision;
    try {
      decision = planFineGrainedOffers(offers, this.planner, { stopping: this.stopping, agentsWithExecutors: new Set(this.executorInfos.keys()) });
    } catch (err) {
      log.error({ err: (err as Error).message }, 'could not match offers; declining them');
      const reason = `constraints not evaluable: ${(err as Error).message}`;
      decision = { usable: [], decline: offers.map((o) => ({ offerId: o.id.value, refuseSeconds: undefined, reason })) };
    }
    const workerOffers: WorkerOffer[] = decision.usable.map((u) => ({ executorId: u.offer.agent_id.value, host: u.offer.hostname, cores: u.slots }));
    const launched = workerOffers.length > 0 && this.events ? this.events.resourceOffers(workerOffers) : [];
    const byAgent = new Map<string, TaskDescription[]>();
    for (const l of launched) byAgent.set(l.executorId, [...(byAgent.get(l.executorId) ?? []), l.task]);
    const waiting = (this.events?.pendingTasks() ?? 0) > 0;
    const calls: Promise<void>[] = [];
    const declined: string[] = [];
    const agentOf = new Map(offers.map((o) => [o.id.value, o.agent_id.value]));
    for (const u of decision.usable) {
      const agentId = u.offer.agent_id.value;
      this.recentOffers.record(agentId, undefined);
      const tasks = byAgent.get(agentId) ?? [];
      byAgent.delete(agentId);
      if (tasks.length === 0) {
        declined.push(u.offer.id.value);
        continue;
      }
      const infos = this.buildTasks(u.offer, u.needsExecutor, tasks);
      this.metrics.offersAccepted.inc();
      this.metrics.executorsLaunched.inc(u.needsExecutor ? 1 : 0);
      calls.push(this.framework.call(Calls.accept([u.offer.id.value], [Operations.launch(infos)], waiting ? REFUSE_WHILE_WAITING_SECONDS : undefined)));
    }
    for (const d of decision.decline) {
      this.recentOffers.record(agentOf.get(d.offerId)!, d.reason);
      // Only constraint declines carry a refusal (spark.mesos.rejectOfferDurationForUnmetConstraints).
      if (d.refuseSeconds !== undefined) calls.push(this.framework.call(Calls.decline([d.offerId], d.refuseSeconds)));
      else declined.push(d.offerId);
    }
    // With nothing waiting, declines and accepts leave Mesos' default filter: tasks that come later need a REVIVE.
    if (!waiting) this.needRevive = true;
    if (declined.length > 0) {
      this.metrics.offersDeclined.inc(declined.length);
      calls.push(this.framework.call(Calls.decline(declined, waiting ? REFUSE_WHILE_WAITING_SECONDS : undefined)));
    }
    await Promise.all(calls);
    this.updateOfferInterest();
  }

  /** The Mesos tasks for engine tasks placed on one offer (the agent's executor starts with the first). */
  private buildTasks(offer: Offer, needsExecutor: boolean, tasks: TaskDescription[]): TaskInfo[] {
    const agentId = offer.agent_id.value;
    const pieces = partitionFineGrainedResources(offer, this.planner, needsExecutor, tasks.length);
    let executor = this.executorInfos.get(agentId);
    if (!executor) {
      executor = this.executorInfo(agentId, pieces.executor);
      this.executorInfos.set(agentId, executor);
      log.info({ agent: agentId, host: offer.hostname }, 'starting this application\'s executor on an agent');
    }
    const { labels, appName } = this;
    return tasks.map((t, i) => {
      this.taskAgents.set(t.taskId, agentId);
      return {
        name: `${appName} task ${t.stageId}.${t.partition}`,
        task_id: { value: String(t.taskId) },
        agent_id: { value: agentId },
        executor,
        resources: pieces.tasks[i]!,
        data: encodeData(t),
        ...(labels.labels && labels.labels.length > 0 ? { labels } : {}),
      };
    });
  }

  /** Spark's `createExecutorInfo`: our executor in Mesos-executor mode, with the coarse backend's env, URIs and container. */
  private executorInfo(agentId: string, resources: ExecutorInfo['resources']): ExecutorInfo {
    const { run, uris } = executorLauncher(this.conf, { defaultHome: installationRoot(), appId: this.applicationId, taskId: agentId });
    const environment = executorEnvironment(this.conf, {
      appId: this.applicationId, taskId: agentId, user: process.env.SPARK_USER ?? userInfo().username,
      ...(this.secret !== undefined ? { authSecret: this.secret } : {}),
    });
    return {
      executor_id: { value: agentId },
      name: `${this.appName} executor`,
      source: 'spark',
      command: { value: `${run} --mesos`, environment, ...(uris.length > 0 ? { uris } : {}) },
      resources: resources ?? [],
      container: executorContainer(this.conf),
    };
  }

  // ------------------------------------------------------------------------------------------ status updates

  private async statusUpdate(s: TaskStatus): Promise<void> {
    if (s.uuid && s.agent_id) await this.framework.call(Calls.acknowledge(s));
    this.reconciler.answered(s.task_id.value);
    this.metrics.statusUpdates.inc({ state: s.state });
    const taskId = Number(s.task_id.value);
    const agentId = this.taskAgents.get(taskId);
    if (agentId === undefined) return;
    const state = MesosSchedulerBackendUtil.mesosToTaskState(s.state);
    if (state === 'LAUNCHING' || state === 'RUNNING') return;
    this.taskAgents.delete(taskId);
    // The agent ended the task because our executor died: the executor (and its shuffle output) is gone, and every
    // task it ran is reported lost (not failed: the task is not to blame).
    if (s.reason === 'REASON_EXECUTOR_TERMINATED' || s.reason === 'REASON_AGENT_REMOVED' || s.reason === 'REASON_AGENT_DISCONNECTED') {
      this.executorLost(agentId, s.message ?? s.reason);
      return;
    }
    this.events?.statusUpdate(this.toEngineUpdate(taskId, agentId, state, s));
  }

  private toEngineUpdate(taskId: number, executorId: string, state: 'FINISHED' | 'FAILED' | 'KILLED' | 'LOST', s: TaskStatus): TaskStatusUpdate {
    if (s.data && s.source === 'SOURCE_EXECUTOR' && (state === 'FINISHED' || state === 'FAILED')) {
      try {
        const end = decodeData<TaskEnd>(s.data, `status of task ${taskId}`);
        return { taskId, executorId, state: end.state, ...(end.result !== undefined ? { result: end.result as TaskStatusUpdate['result'] } : {}), ...(end.error ? { error: end.error as TaskStatusUpdate['error'] } : {}) };
      } catch (err) {
        return { taskId, executorId, state: 'FAILED', error: { message: `could not read the task's result: ${(err as Error).message}` } };
      }
    }
    if (state === 'FINISHED') return { taskId, executorId, state: 'FAILED', error: { message: 'the task finished without a result' } };
    return { taskId, executorId, state, error: { message: `${s.state}${s.reason ? ` (${s.reason})` : ''}${s.message ? `: ${s.message}` : ''}` } };
  }

  private executorLost(agentId: string, reason: string): void {
    if (!this.executorInfos.delete(agentId)) return;
    log.warn({ agent: agentId, reason }, 'executor lost');
    this.metrics.executorsFailed.inc();
    for (const [t, a] of [...this.taskAgents]) if (a === agentId) this.taskAgents.delete(t);
    if (!this.stopping) this.events?.executorRemoved(agentId, reason);
  }

  // ------------------------------------------------------------------------------------------ SchedulerBackend

  launchTask(executorId: string, task: TaskDescription): void {
    // Tasks go out only from offers (resourceOffers); a direct launch has nowhere to run.
    setImmediate(() => this.events?.statusUpdate({ taskId: task.taskId, executorId, state: 'LOST', error: { message: 'fine-grained mode launches tasks only on offers' } }));
  }

  killTask(_executorId: string, taskId: number): void {
    const agentId = this.taskAgents.get(taskId);
    void this.framework.call(Calls.kill(String(taskId), agentId));
  }

  dropBlocks(prefix: string): void {
    const data = encodeData({ t: 'dropBlocks', prefix });
    for (const agentId of this.executorInfos.keys()) void this.framework.call(Calls.message(agentId, agentId, data));
  }

  reviveOffers(): void {
    this.updateOfferInterest();
  }

  /**
   * Going beyond Spark: SUPPRESS while nothing waits or runs, REVIVE when tasks wait (and offers may be filtered or
   * suppressed). The calls go out one after another and each decides when it is sent, so a REVIVE for tasks that
   * just came can never be overtaken by an earlier SUPPRESS.
   */
  private updateOfferInterest(): void {
    this.offerInterest = this.offerInterest.then(async () => {
      if (this.stopping || !this.framework.isSubscribed) return;
      const waiting = (this.events?.pendingTasks() ?? 0) > 0;
      if (waiting && this.needRevive) {
        this.needRevive = false;
        this.suppressed = false;
        await this.framework.call(Calls.revive());
      } else if (!waiting && this.taskAgents.size === 0 && !this.suppressed) {
        this.suppressed = true;
        this.needRevive = true;
        await this.framework.call(Calls.suppress());
      }
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.starvationTimer);
    this.reconciler.stop();
    await this.framework.teardown();
  }
}
