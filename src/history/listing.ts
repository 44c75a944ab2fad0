/**
 * What the history server lists about one event log, read as Spark's `FsHistoryProvider` does: only the
 * ApplicationStart, ApplicationEnd, LogStart and EnvironmentUpdate lines, recognised by their raw prefix. A log whose
 * ApplicationStart has no "App ID" is not listed.
 */
import type { EventLogSource } from '../ui/eventlog/EventLogReader.js';
import { replayLog } from '../ui/eventlog/EventLogReader.js';
import type { AttemptInfo } from '../ui/api/models.js';

const PREFIXES = [
  '{"Event":"SparkListenerApplicationStart"', '{"Event":"SparkListenerApplicationEnd"', '{"Event":"SparkListenerLogStart"',
  '{"Event":"SparkListenerEnvironmentUpdate",',
];

export interface LogListing {
  source: EventLogSource;
  appId: string;
  name: string;
  attemptId?: string;
  startTime: number;
  /** Set when an ApplicationEnd was found. */
  endTime?: number;
  sparkUser: string;
  appSparkVersion: string;
  /** The file name says complete and the application's end is in the log. */
  completed: boolean;
  /** Modification time when complete; when the log was last seen to change otherwise. */
  lastUpdated: number;
}

export async function scanLog(source: EventLogSource, now: number): Promise<LogListing | undefined> {
  let appId: string | undefined;
  let name = '';
  let attemptId: string | undefined;
  let startTime = 0;
  let endTime: number | undefined;
  let user = '';
  let version = '';
  await replayLog(source, (e) => {
    switch (e.Event) {
      case 'SparkListenerApplicationStart':
        appId = e['App ID'];
        name = e['App Name'];
        attemptId = e['App Attempt ID'];
        startTime = e.Timestamp;
        user = e.User;
        break;
      case 'SparkListenerApplicationEnd':
        endTime = e.Timestamp;
        break;
      case 'SparkListenerLogStart':
        version = e['Spark Version'];
        break;
      default:
    }
  }, (line) => PREFIXES.some((p) => line.startsWith(p)));
  if (appId === undefined) return undefined;
  const completed = !source.inProgress && endTime !== undefined;
  const l: LogListing = { source, appId, name, startTime, sparkUser: user, appSparkVersion: version, completed, lastUpdated: completed ? source.mtime : now };
  if (attemptId !== undefined) l.attemptId = attemptId;
  if (endTime !== undefined) l.endTime = endTime;
  return l;
}

/** The REST attempt of a listed log (an attempt still running ends at epoch −1 with duration 0). */
export function attemptOf(l: LogListing): AttemptInfo {
  const end = l.completed ? l.endTime! : -1;
  const a: AttemptInfo = {
    startTime: l.startTime, endTime: end, lastUpdated: l.lastUpdated, duration: l.completed ? Math.max(0, end - l.startTime) : 0,
    sparkUser: l.sparkUser, completed: l.completed, appSparkVersion: l.appSparkVersion,
  };
  if (l.attemptId !== undefined) a.attemptId = l.attemptId;
  return a;
}
