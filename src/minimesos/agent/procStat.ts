/**
 * `/proc/<pid>/stat` (proc(5)): the fields the agent needs to tell whether a recorded container process still runs.
 */
import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** Field 3: R, S, D, Z (zombie: exited, not yet reaped), T, X (dead), ... */
  state: string;
  /** Field 22: start time in clock ticks since boot (tells a reused pid from the recorded process). */
  startTime: string;
}

/** Parses one `/proc/<pid>/stat` line; undefined when it is not one. */
export function parseProcStat(stat: string): ProcStat | undefined {
  // The command name (field 2) is in parentheses and may hold spaces and parentheses: count from after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = stat.slice(close + 2).trim().split(/\s+/);
  const state = rest[0];
  const startTime = rest[19];
  if (!state || !startTime) return undefined;
  return { state, startTime };
}

/** A process that has exited (zombie or dead) is not running, even while its pid still exists. */
export function isRunningState(state: string): boolean {
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
