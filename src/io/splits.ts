/**
 * Input splits of text files, as Hadoop's FileInputFormat makes them: files cut into byte ranges of about
 * total/minPartitions (capped by the store's block size), whole files for compressed or non-rangeable ones.
 */
import { codecForPath } from './codecs.js';
import type { FileStatus } from './FileSystem.js';

export interface Split {
  path: string;
  start: number;
  end: number;
}

/** `maxSplit` is the store's block size (32 MiB locally and on S3, as `fs.local.block.size`/`fs.s3a.block.size`). */
export function planSplits(files: readonly FileStatus[], minPartitions: number, maxSplit = 32 * 1024 * 1024): Split[] {
  const total = files.reduce((n, f) => n + f.size, 0);
  const goal = Math.max(1, Math.floor(total / Math.max(1, minPartitions)));
  const splitSize = Math.max(1, Math.min(goal, maxSplit));
  const splits: Split[] = [];
  for (const f of files) {
    if (f.size === 0) continue;
    if (codecForPath(f.path) || !f.rangeable) {
      // Compressed streams cannot be entered in the middle: one split reads the whole file.
      splits.push({ path: f.path, start: 0, end: f.size });
      continue;
    }
    let off = 0;
    // Hadoop's SPLIT_SLOP: a tail under 10% of a split joins the previous one.
    while (f.size - off > splitSize * 1.1) {
      splits.push({ path: f.path, start: off, end: off + splitSize });
      off += splitSize;
    }
    if (f.size - off > 0) splits.push({ path: f.path, start: off, end: f.size });
  }
  return splits;
}
