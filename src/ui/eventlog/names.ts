/**
 * Event log file names as Spark writes and reads them (`EventLogFileWriters`/`Readers`): `<name>[.<codec>]` for a
 * single file, `eventlog_v2_<name>/events_<N>_<name>[.<codec>]` plus an `appstatus_<name>` marker for a rolling
 * log, `.inprogress` until the application ends.
 */
import { fileURLToPath } from 'node:url';
import { IllegalArgumentException } from '../../util/errors.js';

export const IN_PROGRESS = '.inprogress';
export const ROLLING_DIR_PREFIX = 'eventlog_v2_';
export const ROLLING_FILE_PREFIX = 'events_';
export const STATUS_FILE_PREFIX = 'appstatus_';

/** Spark's `Utils.sanitizeDirName`. */
export function sanitize(s: string): string {
  return s.replace(/[ :/]/g, '-').replace(/[.${}'"]/g, '_').toLowerCase();
}

/** `<app id>[_<attempt id>]`, sanitized. */
export function logName(appId: string, attemptId?: string): string {
  return sanitize(appId) + (attemptId !== undefined ? `_${sanitize(attemptId)}` : '');
}

/** A local directory from a path or a `file:` URI; other file systems are refused, naming the key. */
export function localDir(key: string, value: string): string {
  if (value.startsWith('file:')) {
    if (value.startsWith('file://') && !value.startsWith('file:///')) {
      throw new IllegalArgumentException(`${key}: only local directories are supported, but '${value}' names a host`);
    }
    return fileURLToPath(value.startsWith('file:///') ? value : `file://${value.slice('file:'.length)}`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new IllegalArgumentException(`${key}: only local directories (a path or a file: URI) are supported, but was '${value}'`);
  }
  return value;
}

/** The rolling files of a log directory in order (`events_1_x`, `events_2_x`, ...). */
export function rollingIndex(file: string): number | undefined {
  const m = /^events_(\d+)_/.exec(file);
  return m ? Number(m[1]) : undefined;
}

/** The codec of a log file from its extension (`.zstd`), after `.inprogress` and `.compact` are set aside. */
export function codecOf(file: string): string | undefined {
  const base = file.replace(/\.inprogress$/, '').replace(/\.compact$/, '');
  const m = /\.(zstd|lz4|lzf|snappy)$/.exec(base);
  return m ? m[1] : undefined;
}
