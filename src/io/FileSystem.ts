/**
 * What the engine needs of a store: list what a path names (a file, a directory's visible files, or a glob's
 * matches) and read a byte range of a file as a stream. Paths are strings in the form `formatPath` gives.
 */
import type { Readable } from 'node:stream';

export interface FileStatus {
  /** The file's full path or URI. */
  path: string;
  size: number;
  /** False when only the whole file can be read (an HTTP server without range requests). */
  rangeable: boolean;
}

export interface FileSystem {
  /** Files a path names, sorted by path; empty when it names nothing. */
  list(path: string): Promise<FileStatus[]>;
  /** Bytes `[start, end)` of a file (to its end when `end` is undefined). */
  open(path: string, start: number, end?: number): Promise<Readable>;
}
