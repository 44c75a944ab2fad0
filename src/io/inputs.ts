/**
 * The driver's side of `textFile`: expands each comma-separated path (a file, a directory, a glob) on its store and
 * plans the splits. Local paths are listed directly; remote ones through a short-lived worker thread the driver
 * waits for, since `textFile` returns its RDD synchronously, as in Spark.
 */
import { SparkException } from '../util/errors.js';
import { SparkConf } from '../conf/SparkConf.js';
import { HADOOP_PREFIX, S3A_BLOCK_SIZE } from '../conf/catalog.js';
import { listLocal } from './LocalFileSystem.js';
import type { FileStatus } from './FileSystem.js';
import { planSplits, type Split } from './splits.js';
import { formatPath, parsePath, splitPaths } from './uri.js';
import { codecForPath } from './codecs.js';
import { listSync } from './syncBridge.js';

export interface TextSplit extends Split {
  /** Settings of the store, and the file's size, for remote paths only. */
  io?: Record<string, string>;
  fileSize?: number;
}

/** The files `paths` names; `checkCodecs` refuses unreadable compressed formats (off for `binaryFiles`' raw bytes). */
export function listInputs(paths: string, io: Record<string, string>, checkCodecs = true): FileStatus[] {
  const parsed = splitPaths(paths).map((raw) => parsePath(raw));
  // Remote paths are listed together in one worker thread.
  const remote = parsed.filter((p) => p.scheme !== 'file').map(formatPath);
  const remoteFiles = remote.length > 0 ? listSync({ paths: remote, io }) : [];
  const files: FileStatus[] = [];
  let r = 0;
  for (const p of parsed) {
    const matched = p.scheme === 'file' ? listLocal(p.path) : remoteFiles[r++]!;
    if (matched.length === 0) throw new SparkException(`Input path does not exist: ${p.scheme === 'file' ? 'file:' : ''}${formatPath(p)}`);
    files.push(...matched);
  }
  // Fail on the driver for a compressed format we cannot read, rather than in every task.
  if (checkCodecs) for (const f of files) codecForPath(f.path);
  return files;
}

export function textFileSplits(paths: string, minPartitions: number, io: Record<string, string>): TextSplit[] {
  const files = listInputs(paths, io);
  const maxSplit = files.some((f) => f.path.startsWith('s3a://')) ? blockSize(io) : undefined;
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  // Remote readers bound their ranged reads by the file's size (src/io/textInput.ts).
  return planSplits(files, minPartitions, maxSplit).map((s) => (s.path.includes('://') ? { ...s, io, fileSize: sizes.get(s.path)! } : s));
}

/** `fs.s3a.block.size`, the largest split of an S3 object. */
function blockSize(io: Record<string, string>): number {
  return new SparkConf(Object.entries(io).map(([k, v]) => [HADOOP_PREFIX + k, v] as [string, string])).get(S3A_BLOCK_SIZE);
}
