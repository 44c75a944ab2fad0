/**
 * The output commit protocol shared by every store. A job (driver) sets up a job id and a temporary area; each task
 * attempt (executor) streams its records to a location of its own and then commits; the first attempt to commit a
 * partition wins and later ones are discarded; the job writes `_SUCCESS` only after every partition committed, and
 * removes whatever uncommitted attempts left. A final name only ever holds a complete file.
 */
import { randomBytes } from 'node:crypto';

export const TEMP_DIR = '_temporary';
export const SUCCESS = '_SUCCESS';

/** What the save sink of a task carries: the output directory (a path or URI), the job and the codec. */
export interface OutputSpec {
  dir: string;
  jobId: string;
  /** A codec name (`gzip`, `bzip2`, `zstd`, `lz4`). */
  codec?: string;
  /** `spark.hadoop.*` settings with the prefix removed (`fs.s3a.endpoint`), for remote stores. */
  io?: Record<string, string>;
}

/** Which attempt of which task is writing. */
export interface AttemptContext {
  partition: number;
  attempt: number;
  taskId: number;
  /** The executor's local directory (spool files). */
  localDir: string;
}

/** What a task attempt reports to the driver after committing. */
export interface TaskCommitMessage {
  partition: number;
  /** The final file name (`part-00003.gz`). */
  name: string;
  /** False when another attempt of the partition had committed first (this one was discarded). */
  committed: boolean;
  /** S3: the multipart upload the driver completes at job commit. */
  upload?: { key: string; uploadId: string; parts: { PartNumber: number; ETag: string }[] };
}

/** An attempt's output: records in synchronously (buffered and streamed out), then commit or abort. */
export interface TaskOutput {
  /** Bytes written out so far (after compression). */
  readonly bytesWritten: number;
  write(line: string): void;
  commit(): Promise<TaskCommitMessage>;
  abort(): Promise<void>;
}

/** The driver's side of a job's output. */
export interface JobCommitter {
  /** Refuses an existing output, creates the temporary area; returns the job id tasks carry. */
  setupJob(): Promise<string>;
  commitJob(messages: TaskCommitMessage[]): Promise<void>;
  /** Best effort: removes the temporary area and this job's output. */
  abortJob(): Promise<void>;
}

/** `part-00007` plus the codec's extension, as Hadoop names task output. */
export function partFileName(partition: number, extension = ''): string {
  return `part-${String(partition).padStart(5, '0')}${extension}`;
}

/** The name of an attempt's own temporary directory inside the job's temporary area. */
export function attemptDirName(a: AttemptContext): string {
  return `attempt_${a.partition}_${a.attempt}_${a.taskId}`;
}

/** Unique per job, sortable by time. */
export function newJobId(now = Date.now()): string {
  return `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Spark's text form of a record: strings as they are, tuples (arrays) as `(a,b)`. */
export function recordText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `(${v.map(recordText).join(',')})`;
  return String(v);
}
