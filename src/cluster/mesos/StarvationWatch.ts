/**
 * Why the coarse backend's executors do not come: Spark's starvation warning every `spark.starvation.timeout` while
 * tasks wait and no executor has registered, what the UI shows the application is waiting for, and, going beyond
 * Spark (which waits forever), failing the active jobs once every agent that offered has stayed excluded for a few
 * warnings in a row. Each agent's latest offer and why it was declined (`offers`) is what both explain from.
 */
import type { BackendEvents } from '../../scheduler/SchedulerBackend.js';
import { getLogger, warn } from '../../util/logging.js';
import { STARVATION_WARNING, starvationWarning, waitingReasons, type StarvationFacts } from './launchDiagnostics.js';
import { MAX_AGENT_FAILURES } from './CoarseOfferPlanner.js';
import { RecentOffers } from './offerTally.js';

const log = getLogger('MesosCoarseGrainedSchedulerBackend');

/** Starvation warnings in a row, with every agent excluded, after which the active jobs fail. */
const EXCLUDED_WARNINGS_BEFORE_ABORT = 4;

/** What the watch reads from the backend. */
export interface StarvationSources {
  stopping(): boolean;
  /** Executors registered with the driver. */
  registeredExecutors(): number;
  /** Executors launched (Mesos tasks not ended). */
  launching(): number;
  /** Agents that ran executors, with their failures. */
  agents(): Iterable<{ hostname: string; failures: number; lastFailure?: string | undefined }>;
  /** Agents known from offers, and the failures of each. */
  offeringAgents(): string[];
  failuresOn(agentId: string): number;
}

export class StarvationWatch {
  readonly offers = new RecentOffers();
  /** Consecutive starvation warnings while every agent that offered is excluded. */
  private excludedWarnings = 0;
  private timer: NodeJS.Timeout | undefined;
  private events: BackendEvents | undefined;

  constructor(private readonly src: StarvationSources) {}

  start(events: BackendEvents, intervalMs: number): void {
    this.events = events;
    this.timer = setInterval(() => this.check(events), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Why the application waits for executors (tasks pending, none registered), for the UI; undefined when it does not. */
  waitingForExecutors(): string | undefined {
    if (!this.starved(this.events)) return undefined;
    const why = waitingReasons(this.facts());
    return why.length > 0 ? why.join('; ') : 'waiting for offers';
  }

  private starved(events: BackendEvents | undefined): events is BackendEvents {
    return !this.src.stopping() && events !== undefined && events.pendingTasks() > 0 && this.src.registeredExecutors() === 0;
  }

  private check(events: BackendEvents): void {
    if (!this.starved(events)) return;
    const message = starvationWarning(this.facts());
    warn(log, 'MesosCoarseGrainedSchedulerBackend', message);
    const known = this.src.offeringAgents();
    const allExcluded = known.length > 0 && this.src.launching() === 0 && known.every((id) => this.src.failuresOn(id) >= MAX_AGENT_FAILURES);
    this.excludedWarnings = allExcluded ? this.excludedWarnings + 1 : 0;
    if (this.excludedWarnings >= EXCLUDED_WARNINGS_BEFORE_ABORT) {
      this.excludedWarnings = 0;
      log.error({ reason: message }, 'every agent is excluded; failing the active jobs');
      events.abort?.(`no executor can start: ${message.slice(STARVATION_WARNING.length).replace(/^ \(|\)$/g, '')}`);
    }
  }

  private facts(): StarvationFacts {
    const excluded = [...this.src.agents()].filter((a) => a.failures >= MAX_AGENT_FAILURES)
      .map((a) => ({ hostname: a.hostname, failures: a.failures, lastFailure: a.lastFailure }));
    return { tally: this.offers.tally(), excluded, launching: this.src.launching() };
  }
}
