/**
 * Which event logs the history server's cleaner deletes (`spark.history.fs.cleaner.*`): every log not updated for
 * `maxAge`, then the oldest completed ones beyond `maxNum`.
 */
export interface CleanableLog {
  path: string;
  lastUpdated: number;
  completed: boolean;
}

export function logsToDelete(logs: readonly CleanableLog[], now: number, maxAgeMs: number, maxNum: number): string[] {
  const old = new Set(logs.filter((l) => l.lastUpdated < now - maxAgeMs).map((l) => l.path));
  const kept = logs.filter((l) => !old.has(l.path));
  const excess = kept.length - maxNum;
  if (excess > 0) {
    const completed = kept.filter((l) => l.completed).sort((a, b) => a.lastUpdated - b.lastUpdated);
    for (const l of completed.slice(0, excess)) old.add(l.path);
  }
  return [...old];
}
