import type { TaskStatus } from '../../mesos/wire/task.js';

/** A Mesos status as one line: state, message, reason, source, time (what the UI and status responses show). */
export function describeStatus(s: TaskStatus | undefined): string {
  if (!s) return '';
  return [`State: ${s.state}`, s.message ? `Message: ${s.message}` : '', s.healthy !== undefined ? `Healthy: ${s.healthy}` : '', s.source ? `Source: ${s.source}` : '', s.reason ? `Reason: ${s.reason}` : '', s.timestamp !== undefined ? `Time: ${s.timestamp}` : '']
    .filter(Boolean)
    .join(', ');
}
