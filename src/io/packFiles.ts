/**
 * The driver's side of `wholeTextFiles` and `binaryFiles`: whole files packed into partitions, as Spark's
 * CombineFileInputFormat does with a largest split of ceil(total / minPartitions) bytes. Files keep their listing
 * order (so collecting gives them in path order) and a file never spans partitions.
 */
import type { FileStatus } from './FileSystem.js';
import { listInputs } from './inputs.js';

export interface WholeFilesSplit {
  files: { path: string; size: number }[];
  /** Settings of the store, when a file is remote. */
  io?: Record<string, string>;
}

/**
 * Consecutive files grouped into at most max(minPartitions, 1) groups: a group closes once it holds at least
 * ceil(total / minPartitions) bytes (the file that crosses the mark stays in it, as in Hadoop). Empty files count
 * as files, so they are read (as empty content) too.
 */
export function packFiles<F extends { size: number }>(files: readonly F[], minPartitions: number): F[][] {
  const n = Math.max(1, Math.floor(minPartitions) || 1);
  const total = files.reduce((s, f) => s + Math.max(0, f.size), 0);
  const maxSplit = Math.max(1, Math.ceil(total / n));
  const groups: F[][] = [];
  let cur: F[] = [];
  let curSize = 0;
  for (const f of files) {
    cur.push(f);
    curSize += Math.max(0, f.size);
    if (curSize >= maxSplit && groups.length < n - 1) {
      groups.push(cur);
      cur = [];
      curSize = 0;
    }
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

/** Lists `paths` (the forms `textFile` takes) and packs the files; `checkCodecs` is off for raw bytes. */
export function wholeFilesSplits(paths: string, minPartitions: number, io: Record<string, string>, checkCodecs: boolean): WholeFilesSplit[] {
  const files: FileStatus[] = listInputs(paths, io, checkCodecs);
  return packFiles(files, minPartitions).map((group) => {
    const split: WholeFilesSplit = { files: group.map((f) => ({ path: f.path, size: f.size })) };
    if (group.some((f) => f.path.includes('://'))) split.io = io;
    return split;
  });
}
