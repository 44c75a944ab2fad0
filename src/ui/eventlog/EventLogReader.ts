/**
 * Reads event logs back: a single file or a rolling directory, plain or compressed, line by line. The last line of
 * a log still in progress may be cut short by the writer; it is skipped, so a live log replays up to its last
 * complete event. Lines can be filtered by their raw text before parsing (the history server's listing reads only
 * a few event kinds, recognised by prefix as Spark does).
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { SparkEvent } from '../events/sparkEvents.js';
import { decompressor } from './codec.js';
import { IN_PROGRESS, ROLLING_DIR_PREFIX, ROLLING_FILE_PREFIX, STATUS_FILE_PREFIX, codecOf, rollingIndex } from './names.js';

export interface EventLogSource {
  /** The file, or the rolling directory. */
  path: string;
  /** Data files in order. */
  files: string[];
  inProgress: boolean;
  /** Bytes of all data files, and the newest modification time (ms): what the history server watches for growth. */
  size: number;
  mtime: number;
}

/** The log at `path` (a directory entry of a log directory), or undefined when it is not an event log. */
export function describeLog(path: string): EventLogSource | undefined {
  const name = basename(path);
  if (name.startsWith('.')) return undefined;
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (st.isFile()) {
    if (name.startsWith(ROLLING_FILE_PREFIX) || name.startsWith(STATUS_FILE_PREFIX)) return undefined;
    return { path, files: [path], inProgress: name.endsWith(IN_PROGRESS), size: st.size, mtime: st.mtimeMs };
  }
  if (!st.isDirectory() || !name.startsWith(ROLLING_DIR_PREFIX)) return undefined;
  const entries = readdirSync(path);
  const status = entries.find((f) => f.startsWith(STATUS_FILE_PREFIX));
  if (status === undefined) return undefined;
  const files = entries.filter((f) => rollingIndex(f) !== undefined).sort((a, b) => rollingIndex(a)! - rollingIndex(b)!).map((f) => join(path, f));
  let size = 0;
  let mtime = st.mtimeMs;
  for (const f of files) {
    const s = statSync(f);
    size += s.size;
    mtime = Math.max(mtime, s.mtimeMs);
  }
  return { path, files, inProgress: status.endsWith(IN_PROGRESS), size, mtime };
}

export interface ReplayResult {
  /** Lines read (including skipped ones). */
  lines: number;
  /** Whether a cut-off last line was skipped. */
  truncated: boolean;
}

/** Feeds every event of the log to `onEvent`; `accept` filters raw lines first. */
export async function replayLog(src: EventLogSource, onEvent: (e: SparkEvent) => void, accept: (line: string) => boolean = () => true): Promise<ReplayResult> {
  const result: ReplayResult = { lines: 0, truncated: false };
  for (let i = 0; i < src.files.length; i++) {
    const last = i === src.files.length - 1;
    await replayFile(src.files[i]!, src.inProgress && last, onEvent, accept, result);
  }
  return result;
}

async function replayFile(file: string, maybeTruncated: boolean, onEvent: (e: SparkEvent) => void, accept: (line: string) => boolean, result: ReplayResult): Promise<void> {
  const codec = codecOf(basename(file));
  let input: Readable = createReadStream(file);
  if (codec !== undefined) {
    const raw = input;
    input = raw.pipe(decompressor(codec, file));
    raw.on('error', (err) => input.destroy(err));
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let pending: { text: string; no: number } | undefined;
  const handle = (text: string, no: number, isLast: boolean) => {
    if (text.trim() === '') return;
    if (!accept(text)) return;
    let e: SparkEvent;
    try {
      e = JSON.parse(text) as SparkEvent;
    } catch (err) {
      if (isLast && maybeTruncated) {
        result.truncated = true;
        return;
      }
      throw new Error(`${file}:${no}: not a JSON event (${(err as Error).message})`);
    }
    try {
      onEvent(e);
    } catch (err) {
      throw new Error(`${file}:${no}: cannot replay ${String((e as { Event?: unknown }).Event)}: ${(err as Error).message}`);
    }
  };
  try {
    for await (const text of lines) {
      result.lines++;
      if (pending) handle(pending.text, pending.no, false);
      pending = { text, no: result.lines };
    }
  } catch (err) {
    // A compressed log still being written ends mid-frame.
    if (!maybeTruncated) throw err;
    result.truncated = true;
  }
  if (pending) handle(pending.text, pending.no, true);
}
