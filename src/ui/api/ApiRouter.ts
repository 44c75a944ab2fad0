/**
 * Spark's monitoring REST API (`/api/v1`), the same for the driver (one running application) and the history server
 * (its listing): paths, query parameters, status codes and messages as Spark 3.5 answers them.
 */
import type { AppStatusStore } from '../status/AppStatusStore.js';
import type { StageRecord } from '../status/records.js';
import {
  applicationInfo, attemptInfo, environmentInfo, executorSummary, jobData, rddStorageInfo, stageData, taskData, type AttemptInfo,
} from './models.js';
import { BadParameterError, NotFoundError, UnavailableError, boolParam, enumParams, intParam, parseDateParam, quantilesParam } from './params.js';
import { executorMetricsDistributions, taskMetricDistributions } from './taskSummary.js';
import { SPARK_VERSION } from '../version.js';

export interface AppListing { id: string; name: string; attempts: AttemptInfo[] }

/** Where the API's answers come from. */
export interface ApiSource {
  applications(): AppListing[];
  /** The status of an application attempt (`attemptId` undefined: the application's only or latest attempt). */
  store(appId: string, attemptId: string | undefined): Promise<AppStatusStore | undefined>;
  /** Event log files as a zip (history server only). */
  logs?(appId: string, attemptId: string | undefined): Promise<{ fileName: string; body: Buffer } | undefined>;
  /** Environment values as shown (secrets redacted). */
  redact(pairs: [string, string][]): [string, string][];
  /** The driver's own thread dumps are not offered; the history server never has them. */
  readonly threadDumps?: false;
}

export interface ApiResponse { status: number; contentType: string; body: string | Buffer; headers?: Record<string, string> }


const SUBRESOURCES = new Set(['jobs', 'stages', 'executors', 'allexecutors', 'storage', 'environment', 'logs']);
const JOB_STATUS = ['RUNNING', 'SUCCEEDED', 'FAILED', 'UNKNOWN'] as const;
const STAGE_STATUS = ['ACTIVE', 'COMPLETE', 'PENDING', 'FAILED', 'SKIPPED'] as const;
const TASK_STATUS = ['RUNNING', 'KILLED', 'FAILED', 'SUCCESS', 'UNKNOWN'] as const;
const APP_STATUS = ['COMPLETED', 'RUNNING'] as const;

const json = (v: unknown): ApiResponse => ({ status: 200, contentType: 'application/json', body: JSON.stringify(v, null, 2) });
const text = (status: number, msg: string): ApiResponse => ({ status, contentType: 'text/plain;charset=utf-8', body: msg });

/** Answers `path` (below `/api/v1`, e.g. `/applications/app-1/jobs`) with its query. */
export async function handleApi(source: ApiSource, path: string, q: URLSearchParams): Promise<ApiResponse> {
  try {
    return await route(source, path.split('/').filter(Boolean).map(decodeURIComponent), q);
  } catch (err) {
    if (err instanceof BadParameterError) return text(400, err.message);
    if (err instanceof NotFoundError) return text(404, err.message);
    if (err instanceof UnavailableError) return text(503, err.message);
    throw err;
  }
}

async function route(source: ApiSource, seg: string[], q: URLSearchParams): Promise<ApiResponse> {
  if (seg.length === 1 && seg[0] === 'version') return json({ spark: SPARK_VERSION });
  if (seg[0] !== 'applications') throw new NotFoundError(`no such resource: /api/v1/${seg.join('/')}`);
  if (seg.length === 1) return json(listApplications(source.applications(), q));
  const appId = seg[1]!;
  const listing = source.applications().find((a) => a.id === appId);
  if (!listing) throw new NotFoundError(`no such app: ${appId}`);
  if (seg.length === 2) return json(applicationInfo(listing.id, listing.name, listing.attempts));
  let attemptId: string | undefined;
  let rest = seg.slice(2);
  if (!SUBRESOURCES.has(rest[0]!)) {
    attemptId = rest[0]!;
    const attempt = listing.attempts.find((a) => a.attemptId === attemptId);
    if (!attempt) throw new NotFoundError(`unknown attempt for app ${appId}: ${attemptId}`);
    if (rest.length === 1) return json(attemptInfo(attempt));
    rest = rest.slice(1);
  }
  if (rest[0] === 'logs') {
    const logs = source.logs ? await source.logs(appId, attemptId) : undefined;
    if (!logs) throw new NotFoundError(`no event logs for app ${appId}`);
    return { status: 200, contentType: 'application/octet-stream', body: logs.body, headers: { 'Content-Disposition': `attachment; filename=${logs.fileName}` } };
  }
  const store = await source.store(appId, attemptId);
  if (!store) throw new NotFoundError(`no such app: ${appId}`);
  return appResource(source, store, rest, q);
}

function listApplications(apps: AppListing[], q: URLSearchParams): unknown[] {
  const statuses = enumParams(q, 'status', APP_STATUS, 'ApplicationStatus');
  const date = (name: string, dflt: number) => (q.get(name) === null ? dflt : parseDateParam(name, q.get(name)!));
  const minDate = date('minDate', Date.UTC(2010, 0, 1));
  const maxDate = date('maxDate', Date.UTC(3000, 0, 1));
  const minEndDate = date('minEndDate', -1);
  const maxEndDate = date('maxEndDate', Date.UTC(3000, 0, 1));
  const limit = q.get('limit') === null ? Infinity : intParam(q, 'limit', 0);
  const out: unknown[] = [];
  for (const app of apps) {
    if (out.length >= limit) break;
    const running = app.attempts.length === 0 || !app.attempts[0]!.completed;
    if (statuses.length > 0 && !statuses.includes(running ? 'RUNNING' : 'COMPLETED')) continue;
    const inRange = app.attempts.some((a) => a.startTime >= minDate && a.startTime <= maxDate
      && (a.completed ? a.endTime >= minEndDate && a.endTime <= maxEndDate : maxEndDate > Date.now()));
    if (inRange) out.push(applicationInfo(app.id, app.name, app.attempts));
  }
  return out;
}

function appResource(source: ApiSource, store: AppStatusStore, seg: string[], q: URLSearchParams): ApiResponse {
  const [kind, a, b, c] = seg;
  switch (kind) {
    case 'jobs': {
      if (a === undefined) {
        const statuses = enumParams(q, 'status', JOB_STATUS, 'JobExecutionStatus');
        const jobs = [...store.jobs.values()].filter((j) => statuses.length === 0 || statuses.includes(j.status)).sort((x, y) => y.jobId - x.jobId);
        return json(jobs.map(jobData));
      }
      const job = /^\d+$/.test(a) && seg.length === 2 ? store.jobs.get(Number(a)) : undefined;
      if (!job) throw new NotFoundError(`unknown job: ${a}`);
      return json(jobData(job));
    }
    case 'stages':
      return stagesResource(store, seg.slice(1), q);
    case 'executors':
    case 'allexecutors': {
      if (kind === 'executors' && a !== undefined && b === 'threads' && c === undefined) {
        if (!store.executors.get(a)?.isActive) throw new NotFoundError(`Executor ${a} does not exist.`);
        throw new UnavailableError('Thread dumps are not available: executors run tasks in Node worker threads, which have no JVM thread dump.');
      }
      if (a !== undefined) throw new NotFoundError(`no such resource: ${seg.join('/')}`);
      const execs = [...store.executors.values()].filter((x) => kind === 'allexecutors' || x.isActive).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      return json(execs.map((x) => executorSummary(store, x)));
    }
    case 'storage': {
      if (a !== 'rdd' || c !== undefined) throw new NotFoundError(`no such resource: ${seg.join('/')}`);
      if (b === undefined) {
        const rdds = [...store.storage.rdds.values()].filter((r) => r.blocks.size > 0).sort((x, y) => x.id - y.id);
        return json(rdds.map((r) => rddStorageInfo(store, r, false)));
      }
      const rdd = /^\d+$/.test(b) ? store.storage.rdds.get(Number(b)) : undefined;
      if (!rdd) throw new NotFoundError(`no rdd found w/ id ${b}`);
      return json(rddStorageInfo(store, rdd, true));
    }
    case 'environment': {
      const env = environmentInfo(store, (p) => source.redact(p));
      if (!env || a !== undefined) throw new NotFoundError('no environment information');
      return json(env);
    }
    default:
      throw new NotFoundError(`no such resource: ${seg.join('/')}`);
  }
}

function attemptsOf(store: AppStatusStore, stageId: number): StageRecord[] {
  return [...store.stages.values()].filter((s) => s.stageId === stageId).sort((x, y) => x.attemptId - y.attemptId);
}

function stagesResource(store: AppStatusStore, seg: string[], q: URLSearchParams): ApiResponse {
  const [id, attempt, sub] = seg;
  const withSummaries = boolParam(q, 'withSummaries', false);
  const quantiles = quantilesParam(q, '0.0,0.25,0.5,0.75,1.0');
  const detail = (s: StageRecord, details: boolean) => stageData(s, {
    details, taskStatus: details ? enumParams(q, 'taskStatus', TASK_STATUS, 'TaskStatus') : [],
    summaries: withSummaries ? taskMetricDistributions(s, quantiles) : undefined,
    executorSummaries: withSummaries ? executorMetricsDistributions(s, quantiles) : undefined,
  });
  if (id === undefined) {
    const statuses = enumParams(q, 'status', STAGE_STATUS, 'StageStatus');
    const details = boolParam(q, 'details', false);
    const stages = [...store.stages.values()].filter((s) => statuses.length === 0 || statuses.includes(s.status))
      .sort((x, y) => y.stageId - x.stageId || y.attemptId - x.attemptId);
    return json(stages.map((s) => detail(s, details)));
  }
  if (!/^\d+$/.test(id)) throw new NotFoundError(`unknown stage: ${id}`);
  const attempts = attemptsOf(store, Number(id));
  if (attempts.length === 0) throw new NotFoundError(`unknown stage: ${id}`);
  const details = boolParam(q, 'details', true);
  if (attempt === undefined) return json(attempts.map((s) => detail(s, details)));
  const s = /^\d+$/.test(attempt) ? attempts.find((x) => x.attemptId === Number(attempt)) : undefined;
  if (!s) throw new NotFoundError(`unknown attempt for stage ${id}.  Found attempts: [${attempts.map((x) => x.attemptId).join(',')}]`);
  if (sub === undefined) return json(detail(s, details));
  if (seg.length > 3) throw new NotFoundError(`no such resource: stages/${seg.join('/')}`);
  if (sub === 'taskSummary') {
    const summary = taskMetricDistributions(s, quantilesParam(q, '0.05,0.25,0.5,0.75,0.95'));
    if (!summary) throw new NotFoundError(`No tasks reported metrics for ${s.stageId} / ${s.attemptId} yet.`);
    return json(summary);
  }
  if (sub === 'taskList') return json(taskList(s, q));
  throw new NotFoundError(`no such resource: stages/${seg.join('/')}`);
}

const SORTINGS: Record<string, 'ID' | 'INCREASING_RUNTIME' | 'DECREASING_RUNTIME'> = {
  id: 'ID', runtime: 'INCREASING_RUNTIME', increasing_runtime: 'INCREASING_RUNTIME', '-runtime': 'DECREASING_RUNTIME', decreasing_runtime: 'DECREASING_RUNTIME',
};

function taskList(s: StageRecord, q: URLSearchParams): unknown[] {
  const offset = intParam(q, 'offset', 0);
  const length = intParam(q, 'length', 20);
  const rawSort = q.get('sortBy') ?? 'ID';
  const sortBy = SORTINGS[rawSort.toLowerCase()];
  if (!sortBy) throw new BadParameterError('sortBy', 'TaskSorting', rawSort);
  const statuses = enumParams(q, 'status', TASK_STATUS, 'TaskStatus');
  const runtime = (t: { taskMetrics?: { executorRunTime: number } }) => t.taskMetrics?.executorRunTime ?? -1;
  const tasks = [...s.tasks.values()].filter((t) => statuses.length === 0 || statuses.includes(t.status === 'GET RESULT' ? 'RUNNING' : t.status as (typeof TASK_STATUS)[number]));
  tasks.sort((x, y) => (sortBy === 'ID' ? x.taskId - y.taskId : sortBy === 'INCREASING_RUNTIME' ? runtime(x) - runtime(y) : runtime(y) - runtime(x)) || x.taskId - y.taskId);
  return tasks.slice(offset, offset + length).map(taskData);
}
