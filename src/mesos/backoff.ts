/**
 * Truncated exponential backoff with jitter: attempt 0 waits about `initialMs`, each later attempt twice the
 * previous, never more than `maxMs`. `random` in [0, 1) spreads reconnecting clients (full jitter on the upper half).
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number = Math.random()): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(base / 2 + (base / 2) * random);
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
