/**
 * Dynamic allocation's host preference for new executors (Spark's `satisfiesLocality` in the coarse Mesos backend):
 * while pending tasks prefer hosts that have no executor yet, offers from other hosts wait `spark.locality.wait`.
 */

export interface LocalityHint {
  /** Pending tasks per preferred host, as of the last executor request (Spark's `hostToLocalTaskCount`). */
  hostToLocalTaskCount: ReadonlyMap<string, number>;
  /** Hosts running at least one of this application's executors (launched ones included, registered or not). */
  hostsWithExecutors: ReadonlySet<string>;
  /** When the current wait for preferred hosts began (ms). */
  waitStart: number;
  /** `spark.locality.wait` (ms). */
  localityWaitMs: number;
  now: number;
}

/**
 * Whether an offer from `hostname` may get an executor: always when no pending task prefers a host; else when
 * `hostname` is a preferred host without an executor, or once `spark.locality.wait` has passed since `waitStart`.
 */
export function satisfiesLocality(hostname: string, h: LocalityHint): boolean {
  const desired = [...h.hostToLocalTaskCount].filter(([, n]) => n > 0).map(([host]) => host);
  if (desired.length === 0) return true;
  if (desired.includes(hostname) && !h.hostsWithExecutors.has(hostname)) return true;
  return h.now - h.waitStart > h.localityWaitMs;
}

export interface LaunchPhase {
  /** Whether the backend is below its executor limit (a launching phase is under way). */
  launching: boolean;
  waitStart: number;
}

/**
 * The wait's start for a round of offers (Spark's rule): a new launching phase, when the backend wants executors
 * again after having all it wanted, restarts the wait; within a phase it runs on.
 */
export function nextLaunchPhase(prev: LaunchPhase, atLimit: boolean, now: number): LaunchPhase {
  if (atLimit) return { launching: false, waitStart: prev.waitStart };
  return prev.launching ? prev : { launching: true, waitStart: now };
}
