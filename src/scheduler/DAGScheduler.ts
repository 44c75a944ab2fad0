import type { Aggregation, MapStatus, PartitionerSpec, Plan, Sink, TaskDescription, TaskResult } from '../core/plan.js';
import { SparkException } from '../util/errors.js';
import type { TaskMemorySettings } from '../memory/settings.js';
import { getLogger } from '../util/logging.js';
import type { ListenerBus } from './ListenerBus.js';
import type { RddInfoLite, StageInfoLite } from './events.js';
import type { MapOutputTracker } from './MapOutputTracker.js';
import type { TaskStatusUpdate } from './SchedulerBackend.js';
import type { SchedulableTask, TaskScheduler } from './TaskScheduler.js';

const log = getLogger('DAGScheduler');

export type Dependency =
  | { kind: 'narrow'; rdd: RDDLike }
  | {
      kind: 'shuffle';
      shuffleId: number;
      rdd: RDDLike;
      partitioner: () => PartitionerSpec;
      /** Map-side combining, when the shuffle aggregates. */
      agg?: Aggregation;
      /** Work needed before map tasks can be built (a range partitioner samples its keys). */
      prepare?: () => Promise<void>;
    };

/** What the scheduler needs of an RDD. */
export interface RDDLike {
  readonly id: number;
  readonly numPartitions: number;
  readonly name: string;
  dependencies(): Dependency[];
  plan(partition: number): Plan;
  /** Executors caching this partition (or a parent's, through narrow dependencies). */
  preferredExecutors(partition: number): string[];
}

interface Stage {
  id: number;
  rdd: RDDLike;
  shuffleDep: Extract<Dependency, { kind: 'shuffle' }> | undefined;
  parents: Stage[];
  jobIds: Set<number>;
  attempt: number;
  running: boolean;
  /** Partitions with a task in flight. */
  inFlight: Set<number>;
  failures: Map<number, number>;
}

interface Job {
  id: number;
  finalStage: Stage;
  partitions: number[];
  sink: Sink;
  done: Set<number>;
  onResult: (partition: number, value: unknown) => void;
  onAccumulators: (updates: Record<number, unknown[]>) => void;
  resolve: () => void;
  reject: (e: Error) => void;
  group: string | undefined;
  description: string | undefined;
  finished: boolean;
  waiting: Set<Stage>;
}

export interface DAGOptions {
  maxTaskFailures: number;
  localDir: string;
  spillThreshold: number;
  /** Memory settings every task carries (reduce-side spilling). */
  memory?: TaskMemorySettings;
  appPath: string | undefined;
  maxBytesInFlight: number;
  fetchTimeoutMs: number;
  broadcastIdsOf: (plan: Plan, sink: Sink) => number[];
  onBlocks: (executorId: string, blocks: string[]) => void;
}

function shufflesRead(plan: Plan, out: Set<number> = new Set()): Set<number> {
  switch (plan.t) {
    case 'shuffle':
      out.add(plan.shuffleId);
      break;
    case 'cogroup':
      for (const id of plan.shuffleIds) out.add(id);
      break;
    case 'op':
    case 'cached':
      shufflesRead(plan.parent, out);
      break;
    case 'concat':
      for (const p of plan.parents) shufflesRead(p, out);
      break;
    default:
  }
  return out;
}

/**
 * Cuts a job's RDD lineage into stages at shuffle boundaries, runs missing parent stages first, retries failed tasks
 * up to `spark.task.maxFailures`, recomputes lost map outputs, and supports cancellation of jobs and job groups.
 */
export class DAGScheduler {
  private nextJob = 0;
  private nextStage = 0;
  private nextTask = 0;
  private readonly jobs = new Map<number, Job>();
  private readonly shuffleStages = new Map<number, Stage>();
  private readonly prepared = new Map<number, Promise<void>>();

  constructor(
    private readonly tasks: TaskScheduler,
    private readonly outputs: MapOutputTracker,
    private readonly bus: ListenerBus,
    private readonly opts: DAGOptions,
  ) {}

  get activeJobIds(): number[] {
    return [...this.jobs.keys()];
  }

  /** The shuffles the stages of unfinished jobs write or read (shuffle tracking keeps the executors holding them). */
  activeShuffleIds(): Set<number> {
    const out = new Set<number>();
    const seen = new Set<Stage>();
    const visit = (s: Stage) => {
      if (seen.has(s)) return;
      seen.add(s);
      if (s.shuffleDep) out.add(s.shuffleDep.shuffleId);
      s.parents.forEach(visit);
    };
    for (const j of this.jobs.values()) if (!j.finished) visit(j.finalStage);
    return out;
  }

  runJob(
    rdd: RDDLike,
    partitions: number[],
    sink: Sink,
    onResult: (partition: number, value: unknown) => void,
    onAccumulators: (updates: Record<number, unknown[]>) => void,
    props: { group?: string; description?: string; action: string },
  ): Promise<void> {
    const id = this.nextJob++;
    return new Promise<void>((resolve, reject) => {
      void (async () => {
        try {
          const finalStage = await this.newStage(rdd, undefined, id);
          const job: Job = {
            id, finalStage, partitions, sink, done: new Set(), onResult, onAccumulators, resolve, reject,
            group: props.group, description: props.description, finished: false, waiting: new Set(),
          };
          this.jobs.set(id, job);
          const stageIds: number[] = [];
          const collect = (s: Stage) => {
            if (!stageIds.includes(s.id)) stageIds.push(s.id);
            s.parents.forEach(collect);
          };
          collect(finalStage);
          const stages: StageInfoLite[] = [];
          const info = (s: Stage) => {
            if (stages.some((x) => x.stageId === s.id)) return;
            stages.push(this.stageInfo(s, job));
            s.parents.forEach(info);
          };
          info(finalStage);
          this.bus.post({ type: 'jobStart', jobId: id, stageIds, time: Date.now(), group: props.group, description: props.description, stages });
          if (partitions.length === 0) return this.finishJob(job, 'succeeded');
          this.submitStage(job, finalStage);
        } catch (err) {
          reject(err as Error);
        }
      })();
    });
  }

  /** Builds a stage for `rdd` and, recursively, the shuffle map stages it depends on. */
  private async newStage(rdd: RDDLike, shuffleDep: Extract<Dependency, { kind: 'shuffle' }> | undefined, jobId: number): Promise<Stage> {
    const parents: Stage[] = [];
    const seen = new Set<number>();
    const visit = async (r: RDDLike) => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      for (const d of r.dependencies()) {
        if (d.kind === 'narrow') await visit(d.rdd);
        else parents.push(await this.shuffleStage(d, jobId));
      }
    };
    await visit(rdd);
    return {
      id: this.nextStage++, rdd, shuffleDep, parents, jobIds: new Set([jobId]), attempt: 0, running: false, inFlight: new Set(),
      failures: new Map(),
    };
  }

  private async shuffleStage(dep: Extract<Dependency, { kind: 'shuffle' }>, jobId: number): Promise<Stage> {
    const existing = this.shuffleStages.get(dep.shuffleId);
    if (existing) {
      existing.jobIds.add(jobId);
      const mark = (s: Stage) => {
        s.jobIds.add(jobId);
        s.parents.forEach(mark);
      };
      mark(existing);
      return existing;
    }
    if (dep.prepare) {
      let p = this.prepared.get(dep.shuffleId);
      if (!p) {
        p = dep.prepare();
        this.prepared.set(dep.shuffleId, p);
      }
      await p;
    }
    const stage = await this.newStage(dep.rdd, dep, jobId);
    this.outputs.register(dep.shuffleId, dep.rdd.numPartitions);
    this.shuffleStages.set(dep.shuffleId, stage);
    return stage;
  }

  private isAvailable(s: Stage): boolean {
    return s.shuffleDep !== undefined && this.outputs.isAvailable(s.shuffleDep.shuffleId);
  }

  private submitStage(job: Job, stage: Stage): void {
    if (job.finished) return;
    const missing = stage.parents.filter((p) => !this.isAvailable(p));
    if (missing.length === 0) {
      job.waiting.delete(stage);
      this.submitMissingTasks(job, stage);
    } else {
      job.waiting.add(stage);
      for (const p of missing) this.submitStage(job, p);
    }
  }

  private stageName(stage: Stage, job: Job): string {
    return stage.shuffleDep ? `shuffle map at ${stage.rdd.name}` : `${job.sink.k} at ${stage.rdd.name}`;
  }

  /** The stage as the UI shows it: its RDDs up to the shuffle boundaries, and its parents. */
  private stageInfo(stage: Stage, job: Job): StageInfoLite {
    const rdds: RddInfoLite[] = [];
    const seen = new Set<number>();
    const visit = (r: RDDLike) => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      const deps = r.dependencies();
      rdds.push({ id: r.id, name: r.name, numPartitions: r.numPartitions, parentIds: deps.map((d) => d.rdd.id), cached: (r as { isCached?: boolean }).isCached === true });
      for (const d of deps) if (d.kind === 'narrow') visit(d.rdd);
    };
    visit(stage.rdd);
    const numTasks = stage.shuffleDep ? stage.rdd.numPartitions : job.partitions.length;
    return { stageId: stage.id, attempt: stage.attempt, name: this.stageName(stage, job), numTasks, parentIds: stage.parents.map((p) => p.id), rdds };
  }

  private submitMissingTasks(job: Job, stage: Stage): void {
    const partitions = stage.shuffleDep
      ? this.outputs.missing(stage.shuffleDep.shuffleId)
      : job.partitions.filter((p) => !job.done.has(p));
    const todo = partitions.filter((p) => !stage.inFlight.has(p));
    if (todo.length === 0) return;
    if (!stage.running) {
      stage.running = true;
      this.bus.post({
        type: 'stageSubmitted', stageId: stage.id, attempt: stage.attempt, name: this.stageName(stage, job), numTasks: partitions.length, time: Date.now(),
        info: this.stageInfo(stage, job), jobId: job.id, description: job.description, group: job.group,
      });
    }
    const tasks: SchedulableTask[] = todo.map((p) => this.makeTask(job, stage, p));
    this.tasks.submit(tasks);
  }

  private makeTask(job: Job, stage: Stage, partition: number, attempt = 0): SchedulableTask {
    const plan = stage.rdd.plan(partition);
    const shuffleInputs: Record<number, MapStatus[]> = {};
    for (const id of shufflesRead(plan)) shuffleInputs[id] = this.outputs.statuses(id);
    const sink: Sink = stage.shuffleDep
      ? {
          k: 'shuffleWrite', shuffleId: stage.shuffleDep.shuffleId, mapId: partition, partitioner: stage.shuffleDep.partitioner(),
          ...(stage.shuffleDep.agg?.mapSideCombine ? { agg: stage.shuffleDep.agg } : {}), dir: `${this.opts.localDir}/shuffle`,
        }
      : job.sink;
    const desc: TaskDescription = {
      taskId: this.nextTask++, jobId: job.id, stageId: stage.id, stageAttempt: stage.attempt, partition, attempt, plan, sink,
      shuffleInputs, broadcasts: {}, localDir: this.opts.localDir, spillThreshold: this.opts.spillThreshold, appPath: this.opts.appPath,
      maxBytesInFlight: this.opts.maxBytesInFlight, fetchTimeoutMs: this.opts.fetchTimeoutMs,
      ...(this.opts.memory ? { memory: this.opts.memory } : {}),
    };
    stage.inFlight.add(partition);
    return {
      desc,
      preferred: stage.rdd.preferredExecutors(partition),
      broadcastIds: this.opts.broadcastIdsOf(plan, sink),
      onEnd: (u) => this.taskEnded(job, stage, desc, u),
    };
  }

  private taskEnded(job: Job, stage: Stage, desc: TaskDescription, u: TaskStatusUpdate): void {
    stage.inFlight.delete(desc.partition);
    const records = u.result?.records ?? 0;
    const result = u.state === 'FINISHED' ? 'success' : u.state === 'KILLED' ? 'killed' : u.state === 'LOST' ? 'lost' : 'failed';
    this.bus.post({
      type: 'taskEnd', stageId: stage.id, taskId: desc.taskId, partition: desc.partition, attempt: desc.attempt, executorId: u.executorId,
      time: Date.now(), result, records, ...(u.error ? { error: u.error.message } : {}),
      stageAttempt: desc.stageAttempt, shuffleMap: stage.shuffleDep !== undefined, ...(u.error?.stack ? { stack: u.error.stack } : {}),
      ...(u.result?.metrics ? { metrics: u.result.metrics } : {}),
    });
    if (u.state === 'FINISHED') return this.taskSucceeded(job, stage, desc, u.executorId, u.result!);
    if (u.state === 'KILLED' && job.finished) return;
    if (u.error?.fetchFailed) return this.fetchFailed(job, stage, desc, u.error.fetchFailed);
    const activeJobs = [...stage.jobIds].map((id) => this.jobs.get(id)).filter((j): j is Job => j !== undefined && !j.finished);
    if (activeJobs.length === 0) return;
    const failures = (stage.failures.get(desc.partition) ?? 0) + 1;
    stage.failures.set(desc.partition, failures);
    if (failures >= this.opts.maxTaskFailures) {
      const msg =
        `Job aborted due to stage failure: Task ${desc.partition} in stage ${stage.id}.${stage.attempt} failed ${failures} times, ` +
        `most recent failure: Lost task ${desc.partition}.${desc.attempt} in stage ${stage.id}.${stage.attempt} (TID ${desc.taskId}) ` +
        `(executor ${u.executorId}): ${u.error?.message ?? u.state}`;
      this.bus.post({ type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: this.stageName(stage, job), numTasks: 0, time: Date.now(), failure: msg });
      stage.running = false;
      for (const j of activeJobs) this.failJob(j, new SparkException(msg, { cause: u.error?.stack }));
      return;
    }
    log.warn({ stage: stage.id, partition: desc.partition, attempt: desc.attempt, error: u.error?.message }, 'task failed; retrying');
    const j = activeJobs[0]!;
    // If the failure took parent outputs with it (a lost executor), the parents run again first.
    if (stage.parents.some((p) => !this.isAvailable(p))) this.submitStage(j, stage);
    else this.tasks.submit([this.makeTask(j, stage, desc.partition, desc.attempt + 1)]);
  }

  private taskSucceeded(job: Job, stage: Stage, desc: TaskDescription, executorId: string, result: TaskResult): void {
    if (result.blocks.length > 0) this.opts.onBlocks(executorId, result.blocks);
    if (stage.shuffleDep) {
      if (result.mapStatus) this.outputs.addOutput(result.mapStatus);
      const jobsUsing = [...stage.jobIds].map((id) => this.jobs.get(id)).filter((j): j is Job => j !== undefined && !j.finished);
      for (const j of jobsUsing) j.onAccumulators(result.accumulators);
      if (this.outputs.missing(stage.shuffleDep.shuffleId).length === 0 && stage.inFlight.size === 0) {
        stage.running = false;
        this.bus.post({ type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: this.stageName(stage, job), numTasks: stage.rdd.numPartitions, time: Date.now() });
        for (const j of jobsUsing) for (const w of [...j.waiting]) this.submitStage(j, w);
      }
      return;
    }
    if (job.finished || job.done.has(desc.partition)) return;
    job.done.add(desc.partition);
    job.onAccumulators(result.accumulators);
    try {
      job.onResult(desc.partition, result.value);
    } catch (err) {
      return this.failJob(job, err as Error);
    }
    if (job.done.size === job.partitions.length) {
      stage.running = false;
      this.bus.post({ type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: this.stageName(stage, job), numTasks: job.partitions.length, time: Date.now() });
      this.finishJob(job, 'succeeded');
    }
  }

  /** A reducer could not read a map output: forget it and run the map stage again, then this one. */
  private fetchFailed(job: Job, stage: Stage, desc: TaskDescription, f: { shuffleId: number; mapId: number; executorId: string }): void {
    log.warn(f, 'fetch failed; recomputing lost map outputs');
    this.outputs.removeOutputsOn(f.executorId);
    this.outputs.removeOutput(f.shuffleId, f.mapId);
    // Several tasks of one attempt may fail on the same loss: the attempt counts once.
    if (desc.stageAttempt === stage.attempt) {
      if (stage.running) {
        this.bus.post({
          type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: this.stageName(stage, job), numTasks: 0, time: Date.now(),
          failure: `FetchFailed: shuffle ${f.shuffleId} map ${f.mapId} on executor ${f.executorId} could not be read`,
        });
      }
      const parent = this.shuffleStages.get(f.shuffleId);
      if (parent) parent.attempt++;
      stage.attempt++;
      stage.running = false;
      if (stage.attempt > 4) return this.failJob(job, new SparkException(`Job aborted: stage ${stage.id} failed to fetch shuffle ${f.shuffleId} ${stage.attempt} times`));
    }
    setTimeout(() => {
      if (!job.finished) this.submitStage(job, stage);
    }, 50).unref();
  }

  /** An executor is gone: its map outputs are lost; stages needing them will run them again. */
  executorLost(executorId: string): void {
    const affected = this.outputs.removeOutputsOn(executorId);
    if (affected.length > 0) log.warn({ executorId, shuffles: affected }, 'map outputs lost with their executor');
    for (const job of this.jobs.values()) {
      if (job.finished) continue;
      for (const w of [...job.waiting]) this.submitStage(job, w);
      // Running stages that lost parent outputs are resubmitted when their tasks report fetch failures.
    }
  }

  private finishJob(job: Job, result: 'succeeded'): void {
    job.finished = true;
    this.jobs.delete(job.id);
    this.bus.post({ type: 'jobEnd', jobId: job.id, time: Date.now(), result });
    job.resolve();
  }

  private failJob(job: Job, err: Error, result: 'failed' | 'cancelled' = 'failed'): void {
    if (job.finished) return;
    job.finished = true;
    this.jobs.delete(job.id);
    // Tasks no other job needs are dropped or killed.
    const stagesOfOthers = new Set<number>();
    for (const j of this.jobs.values()) {
      const add = (s: Stage) => {
        stagesOfOthers.add(s.id);
        s.parents.forEach(add);
      };
      add(j.finalStage);
    }
    this.tasks.cancel((t) => t.jobId === job.id || (!stagesOfOthers.has(t.stageId) && this.stageOfJob(job, t.stageId)));
    const endRunning = (s: Stage) => {
      if (s.running && !stagesOfOthers.has(s.id)) {
        s.running = false;
        this.bus.post({ type: 'stageCompleted', stageId: s.id, attempt: s.attempt, name: this.stageName(s, job), numTasks: 0, time: Date.now(), failure: err.message });
      }
      s.parents.forEach(endRunning);
    };
    endRunning(job.finalStage);
    this.bus.post({ type: 'jobEnd', jobId: job.id, time: Date.now(), result, error: err.message });
    job.reject(err);
  }

  private stageOfJob(job: Job, stageId: number): boolean {
    let found = false;
    const visit = (s: Stage) => {
      if (s.id === stageId) found = true;
      s.parents.forEach(visit);
    };
    visit(job.finalStage);
    return found;
  }

  cancelJob(jobId: number, reason: string): void {
    const job = this.jobs.get(jobId);
    if (job) this.failJob(job, new SparkException(`Job ${jobId} cancelled ${reason}`), 'cancelled');
  }

  /** Cancels every active job that runs the stage (the UI's kill link). */
  cancelStage(stageId: number, reason: string): void {
    for (const j of [...this.jobs.values()]) {
      if (this.stageOfJob(j, stageId)) this.failJob(j, new SparkException(`Job ${j.id} cancelled because Stage ${stageId} was cancelled (${reason})`), 'cancelled');
    }
  }

  cancelJobGroup(group: string): void {
    for (const j of [...this.jobs.values()]) if (j.group === group) this.cancelJob(j.id, `part of cancelled job group ${group}`);
  }

  /** Fails every active job: the application cannot run (Spark's `abort` of its task sets). */
  abortAllJobs(reason: string): void {
    for (const j of [...this.jobs.values()]) this.failJob(j, new SparkException(`Job ${j.id} aborted: ${reason}`));
  }

  cancelAllJobs(): void {
    for (const j of [...this.jobs.values()]) this.cancelJob(j.id, 'as part of cancellation of all jobs');
  }
}
