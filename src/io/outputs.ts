/**
 * Which committer and task output a save uses, by the output path's scheme: the driver's side (`jobCommitter`)
 * and the executor's side (`writeTaskOutput`, which streams a task's records and commits them).
 */
import { codecByName } from './codecs.js';
import { LocalJobCommitter } from './LocalJobCommitter.js';
import { LocalTaskOutput } from './LocalTaskOutput.js';
import { formatPath, parsePath } from './uri.js';
import type { AttemptContext, JobCommitter, OutputSpec, TaskCommitMessage, TaskOutput } from './commitProtocol.js';
import { IllegalArgumentException } from '../util/errors.js';

/** The committer for an output path, and the path in the form tasks get it. The S3 client loads only when needed. */
export async function jobCommitter(path: string, io: Record<string, string>): Promise<{ committer: JobCommitter; dir: string }> {
  const p = parsePath(path);
  switch (p.scheme) {
    case 'file':
      return { committer: new LocalJobCommitter(p.path), dir: formatPath(p) };
    case 's3a': {
      const dirKey = p.path.replace(/\/+$/, '');
      const dir = formatPath({ ...p, path: dirKey });
      const [{ S3FileSystem }, { S3JobCommitter }] = await Promise.all([import('./S3FileSystem.js'), import('./S3JobCommitter.js')]);
      return { committer: new S3JobCommitter(S3FileSystem.forBucket(p.authority, io), dirKey, dir), dir };
    }
    default:
      throw new IllegalArgumentException(`cannot write to '${path}': ${p.scheme}:// output is not supported`);
  }
}

async function openTaskOutput(spec: OutputSpec, ctx: AttemptContext): Promise<TaskOutput> {
  const codec = spec.codec ? codecByName(spec.codec) : undefined;
  await codec?.ready();
  const p = parsePath(spec.dir);
  switch (p.scheme) {
    case 'file':
      return new LocalTaskOutput(p.path, spec.jobId, ctx, codec);
    case 's3a': {
      const [{ S3FileSystem }, { S3TaskOutput }] = await Promise.all([import('./S3FileSystem.js'), import('./S3TaskOutput.js')]);
      return S3TaskOutput.open(S3FileSystem.forBucket(p.authority, spec.io ?? {}), p.path, spec.jobId, ctx, codec);
    }
    default:
      throw new IllegalArgumentException(`cannot write to '${spec.dir}': ${p.scheme}:// output is not supported`);
  }
}

/**
 * Runs a task's save: `produce` pushes every record of the partition into the writer it is given; the attempt
 * commits when all were written and aborts (removing its temporary output) when producing fails.
 */
export async function writeTaskOutput(
  spec: OutputSpec,
  ctx: AttemptContext,
  produce: (write: (line: string) => void) => Promise<unknown>,
): Promise<{ message: TaskCommitMessage; lines: number; bytes: number }> {
  const out = await openTaskOutput(spec, ctx);
  let lines = 0;
  try {
    await produce((line) => {
      lines++;
      out.write(line);
    });
  } catch (err) {
    await out.abort().catch(() => undefined);
    throw err;
  }
  const message = await out.commit();
  return { message, lines, bytes: out.bytesWritten };
}
