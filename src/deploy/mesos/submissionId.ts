/** Submission ids as Spark's dispatcher makes them: `driver-<yyyyMMddHHmmss>-<counter, at least 4 digits>`. */
export function submissionId(now: Date, counter: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `driver-${stamp}-${p(counter, 4)}`;
}

/** The submission a Mesos task id belongs to (`<id>` or `<id>-retry-<n>`). */
export function submissionOfTask(taskId: string): string {
  const i = taskId.indexOf('-retry-');
  return i < 0 ? taskId : taskId.slice(0, i);
}

/** The task id of an attempt: the submission id, with `-retry-<n>` from the first retry on. */
export function driverTaskId(id: string, retries: number | undefined): string {
  return retries ? `${id}-retry-${retries}` : id;
}
