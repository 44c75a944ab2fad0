import type { Sink, TaskDescription, TaskResult } from '../core/plan.js';
import { SparkException } from '../util/errors.js';
import { getLogger } from '../util/logging.js';
import { activeJobsUsing, jobRunsStage, shufflesOfActiveJobs, stageIdsOf, type Job } from './ActiveJob.js';
import type { ListenerBus } from './ListenerBus.js';
import type { MapOutputTracker } from './MapOutputTracker.js';
import type { TaskStatusUpdate } from './SchedulerBackend.js';
import type { RDDLike, Stage } from './Stage.js';
import { StageGraph } from './StageGraph.js';
import { jobStages, stageInfo, stageName } from './stageInfo.js';
import { fetchFailedMessage, MAX_STAGE_ATTEMPTS, taskEndEvent, taskFailuresMessage, type FetchFailure } from './taskCompletion.js';
import { describeTask, missingPartitions, type TaskSettings } from './taskCreation.js';
import type { SchedulableTask, TaskScheduler } from './TaskScheduler.js';

export type { Dependency, RDDLike } from './Stage.js';

const log = getLogger('DAGScheduler');

export interface DAGOptions extends TaskSettings {
  maxTaskFailures: number;
  onBlocks: (executorId: string, blocks: string[]) => void;
}

/**
 * Cuts a job's RDD lineage into stages at shuffle boundaries, runs missing parent stages first, retries failed tasks
 * up to `spark.task.maxFailures`, recomputes lost map outputs, and supports cancellation of jobs and job groups.
 */
export class DAGScheduler {
  private nextJob = 0;
  private nextTask = 0;
  private readonly jobs = new Map<number, Job>();
  private readonly stages: StageGraph;

  constructor(
    private readonly tasks: TaskScheduler,
    private readonly outputs: MapOutputTracker,
    private readonly bus: ListenerBus,
    private readonly opts: DAGOptions,
  ) {
    this.stages = new StageGraph(outputs);
  }

  get activeJobIds(): number[] {
    return [...this.jobs.keys()];
  }

  /** The shuffles the stages of unfinished jobs write or read (shuffle tracking keeps the executors holding them). */
  activeShuffleIds(): Set<number> {
    return shufflesOfActiveJobs(this.jobs.values());
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
          const finalStage = await this.stages.newStage(rdd, undefined, id);
          const job: Job = {
            id, finalStage, partitions, sink, done: new Set(), onResult, onAccumulators, resolve, reject,
            group: props.group, description: props.description, finished: false, waiting: new Set(),
          };
          this.jobs.set(id, job);
          const { stageIds, stages } = jobStages(job);
          this.bus.post({ type: 'jobStart', jobId: id, stageIds, time: Date.now(), group: props.group, description: props.description, stages });
          if (partitions.length === 0) return this.finishJob(job, 'succeeded');
          this.submitStage(job, finalStage);
        } catch (err) {
          reject(err as Error);
        }
      })();
    });
  }

  private submitStage(job: Job, stage: Stage): void {
    if (job.finished) return;
    const missing = this.stages.missingParents(stage);
    if (missing.length === 0) {
      job.waiting.delete(stage);
      this.submitMissingTasks(job, stage);
    } else {
      job.waiting.add(stage);
      for (const p of missing) this.submitStage(job, p);
    }
  }

  private submitMissingTasks(job: Job, stage: Stage): void {
    const partitions = missingPartitions(stage, job, this.outputs);
    const todo = partitions.filter((p) => !stage.inFlight.has(p));
    if (todo.length === 0) return;
    if (!stage.running) {
      stage.running = true;
      this.bus.post({
        type: 'stageSubmitted', stageId: stage.id, attempt: stage.attempt, name: stageName(stage, job), numTasks: partitions.length, time: Date.now(),
        info: stageInfo(stage, job), jobId: job.id, description: job.description, group: job.group,
      });
    }
    const tasks: SchedulableTask[] = todo.map((p) => this.makeTask(job, stage, p));
    this.tasks.submit(tasks);
  }

  private makeTask(job: Job, stage: Stage, partition: number, attempt = 0): SchedulableTask {
    const task = describeTask(job, stage, partition, attempt, () => this.nextTask++, this.outputs, this.opts);
    stage.inFlight.add(partition);
    return { ...task, onEnd: (u) => this.taskEnded(job, stage, task.desc, u) };
  }

  private taskEnded(job: Job, stage: Stage, desc: TaskDescription, u: TaskStatusUpdate): void {
    stage.inFlight.delete(desc.partition);
    this.bus.post(taskEndEvent(stage, desc, u));
    if (u.state === 'FINISHED') return this.taskSucceeded(job, stage, desc, u.executorId, u.result!);
    if (u.state === 'KILLED' && job.finished) return;
    if (u.error?.fetchFailed) return this.fetchFailed(job, stage, desc, u.error.fetchFailed);
    const activeJobs = activeJobsUsing(stage, this.jobs);
    if (activeJobs.length === 0) return;
    const failures = (stage.failures.get(desc.partition) ?? 0) + 1;
    stage.failures.set(desc.partition, failures);
    if (failures >= this.opts.maxTaskFailures) {
      const msg = taskFailuresMessage(stage, desc, failures, u);
      this.bus.post({ type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: stageName(stage, job), numTasks: 0, time: Date.now(), failure: msg });
      stage.running = false;
      for (const j of activeJobs) this.failJob(j, new SparkException(msg, { cause: u.error?.stack }));
      return;
    }
    log.warn({ stage: stage.id, partition: desc.partition, attempt: desc.attempt, error: u.error?.message }, 'task failed; retrying');
    const j = activeJobs[0]!;
    // If the failure took parent outputs with it (a lost executor), the parents run again first.
    if (this.stages.missingParents(stage).length > 0) this.submitStage(j, stage);
    else this.tasks.submit([this.makeTask(j, stage, desc.partition, desc.attempt + 1)]);
  }

  private taskSucceeded(job: Job, stage: Stage, desc: TaskDescription, executorId: string, result: TaskResult): void {
    if (result.blocks.length > 0) this.opts.onBlocks(executorId, result.blocks);
    if (stage.shuffleDep) {
      if (result.mapStatus) this.outputs.addOutput(result.mapStatus);
      const jobsUsing = activeJobsUsing(stage, this.jobs);
      for (const j of jobsUsing) j.onAccumulators(result.accumulators);
      if (this.outputs.missing(stage.shuffleDep.shuffleId).length === 0 && stage.inFlight.size === 0) {
        stage.running = false;
        this.bus.post({ type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: stageName(stage, job), numTasks: stage.rdd.numPartitions, time: Date.now() });
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
      this.bus.post({ type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: stageName(stage, job), numTasks: job.partitions.length, time: Date.now() });
      this.finishJob(job, 'succeeded');
    }
  }

  /** A reducer could not read a map output: forget it and run the map stage again, then this one. */
  private fetchFailed(job: Job, stage: Stage, desc: TaskDescription, f: FetchFailure): void {
    log.warn(f, 'fetch failed; recomputing lost map outputs');
    this.outputs.removeOutputsOn(f.executorId);
    this.outputs.removeOutput(f.shuffleId, f.mapId);
    // Several tasks of one attempt may fail on the same loss: the attempt counts once.
    if (desc.stageAttempt === stage.attempt) {
      if (stage.running) {
        this.bus.post({
          type: 'stageCompleted', stageId: stage.id, attempt: stage.attempt, name: stageName(stage, job), numTasks: 0, time: Date.now(),
          failure: fetchFailedMessage(f),
        });
      }
      const parent = this.stages.mapStage(f.shuffleId);
      if (parent) parent.attempt++;
      stage.attempt++;
      stage.running = false;
      if (stage.attempt > MAX_STAGE_ATTEMPTS) {
        return this.failJob(job, new SparkException(`Job aborted: stage ${stage.id} failed to fetch shuffle ${f.shuffleId} ${stage.attempt} times`));
      }
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
    const stagesOfOthers = stageIdsOf(this.jobs.values());
    this.tasks.cancel((t) => t.jobId === job.id || (!stagesOfOthers.has(t.stageId) && jobRunsStage(job, t.stageId)));
    const endRunning = (s: Stage) => {
      if (s.running && !stagesOfOthers.has(s.id)) {
        s.running = false;
        this.bus.post({ type: 'stageCompleted', stageId: s.id, attempt: s.attempt, name: stageName(s, job), numTasks: 0, time: Date.now(), failure: err.message });
      }
      s.parents.forEach(endRunning);
    };
    endRunning(job.finalStage);
    this.bus.post({ type: 'jobEnd', jobId: job.id, time: Date.now(), result, error: err.message });
    job.reject(err);
  }

  cancelJob(jobId: number, reason: string): void {
    const job = this.jobs.get(jobId);
    if (job) this.failJob(job, new SparkException(`Job ${jobId} cancelled ${reason}`), 'cancelled');
  }

  /** Cancels every active job that runs the stage (the UI's kill link). */
  cancelStage(stageId: number, reason: string): void {
    for (const j of [...this.jobs.values()]) {
      if (jobRunsStage(j, stageId)) this.failJob(j, new SparkException(`Job ${j.id} cancelled because Stage ${stageId} was cancelled (${reason})`), 'cancelled');
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
