/**
 * The driver's side of `saveAsTextFile(path, codec)`: sets up the job's output, runs the save tasks, and commits the
 * job when every partition committed, or aborts it (removing partial output) when the job fails.
 */
import type { SparkConf } from '../conf/SparkConf.js';
import { codecByName } from './codecs.js';
import { jobCommitter } from './outputs.js';
import { ioSettings } from './ioSettings.js';
import type { OutputSpec, TaskCommitMessage } from './commitProtocol.js';

export type SaveJobRunner = (spec: OutputSpec, onResult: (partition: number, value: unknown) => void) => Promise<void>;

export async function saveTextFile(conf: SparkConf, path: string, codec: string | undefined, run: SaveJobRunner): Promise<void> {
  const c = codec === undefined ? undefined : codecByName(codec);
  const io = ioSettings(conf);
  const { committer, dir } = await jobCommitter(path, io);
  const jobId = await committer.setupJob();
  const messages: TaskCommitMessage[] = [];
  try {
    await run({ dir, jobId, ...(c ? { codec: c.name } : {}), ...(dir.includes('://') ? { io } : {}) }, (_p, v) => messages.push(v as TaskCommitMessage));
    await committer.commitJob(messages);
  } catch (err) {
    await committer.abortJob().catch(() => undefined);
    throw err;
  }
}
