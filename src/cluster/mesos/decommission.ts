/**
 * Decisions of graceful executor decommission on Mesos maintenance (pure; `ExecutorDecommissioner.ts` acts on
 * them): which offers maintenance makes unusable, how long a draining executor has, what to do next with it, where
 * its shuffle output goes, and how tasks made before the move read it from its new place.
 */
import type { MapStatus, TaskDescription } from '../../core/plan.js';
import type { Offer } from '../../mesos/wire/framework.js';
import { reasons } from './offerTally.js';

type Unavailability = NonNullable<Offer['unavailability']>;

const nanosToMs = (n: number) => n / 1e6;

/** True while an offer's agent is in (or before) a maintenance window that has not ended: no executor goes there. */
export function offerInMaintenance(offer: Pick<Offer, 'unavailability'>, nowMs: number): boolean {
  const u = offer.unavailability;
  if (!u) return false;
  if (!u.duration) return true;
  return nanosToMs(u.start.nanoseconds + u.duration.nanoseconds) > nowMs;
}

/** Why an offer is declined for maintenance (counted in the offer tally), or undefined when it is usable. */
export function maintenanceDeclineReason(offer: Pick<Offer, 'unavailability' | 'agent_id'>, nowMs: number, drainingAgents: ReadonlySet<string>): string | undefined {
  return offerInMaintenance(offer, nowMs) || drainingAgents.has(offer.agent_id.value) ? reasons.maintenance : undefined;
}

/** A kill the master may have lost (calls are not retried) is sent again after this long while the executor lives. */
export const KILL_RETRY_MS = 5000;

export function killRetryDue(nowMs: number, lastKillAtMs: number, executorAlive: boolean): boolean {
  return executorAlive && nowMs - lastKillAtMs >= KILL_RETRY_MS;
}

/** An accept that failed is sent again after this long (while the inverse offer stands). */
export const ACCEPT_RETRY_MS = 1000;

/**
 * The filter sent with an accepted inverse offer: without one the master offers again every 5 s. Until the window
 * ends (the agent is down by then), at least 5 s and at most an hour (a window without end, or far off).
 */
export function inverseOfferRefuseSeconds(nowMs: number, unavailability: Unavailability | undefined): number {
  const HOUR = 3600;
  if (!unavailability?.duration) return HOUR;
  const endMs = nanosToMs(unavailability.start.nanoseconds + unavailability.duration.nanoseconds);
  return Math.min(HOUR, Math.max(5, Math.ceil((endMs - nowMs) / 1000)));
}

/** How long after an inverse offer is rescinded a new one may come before the maintenance counts as cancelled. */
export const CANCEL_CONFIRM_MS = 2000;

/**
 * Whether the maintenance of an agent whose inverse offers were all rescinded was called off, so its draining
 * executors get tasks again: an offer from it without a window came since, or no new inverse offer came within
 * `CANCEL_CONFIRM_MS` (a changed window brings a new inverse offer at the next allocation).
 */
export function maintenanceCancelled(v: { nowMs: number; rescindedAtMs: number; inverseOffersPending: boolean; offerWithoutWindowSince: boolean }): boolean {
  if (v.inverseOffersPending) return false;
  return v.offerWithoutWindowSince || v.nowMs - v.rescindedAtMs >= CANCEL_CONFIRM_MS;
}

/**
 * When a draining executor must be gone: the grace period from now, or the window's start when that comes first
 * (a window that has already started leaves the whole grace period).
 */
export function decommissionDeadline(nowMs: number, unavailability: Unavailability | undefined, gracePeriodMs: number): number {
  const byGrace = nowMs + gracePeriodMs;
  if (!unavailability) return byGrace;
  const start = nanosToMs(unavailability.start.nanoseconds);
  return start > nowMs ? Math.min(byGrace, start) : byGrace;
}

/** What a draining executor is doing, as far as the next step depends on it. */
export interface DrainView {
  now: number;
  deadline: number;
  /** Tasks still running on the executor (they finish; it gets no new ones). */
  runningOnExecutor: number;
  /** Its map outputs not served by an external shuffle service. */
  outputsToMove: number;
  /** Whether its outputs were handed over (or that was tried and failed). */
  migrated: boolean;
  /** Another executor, not draining, can take the outputs. */
  hasTarget: boolean;
  /** Tasks on other executors launched before the move that still read its outputs. */
  readersRunning: number;
}

export type DrainStep = { step: 'wait' | 'migrate' | 'kill'; why: string };

/** The next step of a draining executor. */
export function nextDrainStep(v: DrainView): DrainStep {
  if (v.now >= v.deadline) return { step: 'kill', why: 'the grace period is over' };
  if (v.runningOnExecutor > 0) return { step: 'wait', why: `${v.runningOnExecutor} running task(s) to finish` };
  if (!v.migrated && v.outputsToMove > 0) {
    if (v.hasTarget) return { step: 'migrate', why: `${v.outputsToMove} map output(s) to hand over` };
    return { step: 'kill', why: 'no other executor can take its map outputs; they will be recomputed' };
  }
  if (v.readersRunning > 0) return { step: 'wait', why: `${v.readersRunning} task(s) elsewhere still read its map outputs` };
  return { step: 'kill', why: 'drained' };
}

/** The executor that takes a draining one's outputs: a live one, not draining, preferably on another agent. */
export function chooseMigrationTarget<E extends { id: string; agentId: string | undefined; draining: boolean }>(candidates: readonly E[], from: { id: string; agentId: string }): E | undefined {
  const live = candidates.filter((c) => c.id !== from.id && !c.draining);
  return live.find((c) => c.agentId !== from.agentId) ?? live[0];
}

export const outputKey = (s: Pick<MapStatus, 'shuffleId' | 'mapId' | 'executorId'>) => `${s.shuffleId}/${s.mapId}/${s.executorId}`;

/**
 * A task made before outputs moved still names their old place: at launch its inputs are pointed at the new one.
 * Returns the same description when nothing it reads moved.
 */
export function relocateInputs(desc: TaskDescription, moved: ReadonlyMap<string, MapStatus>): TaskDescription {
  if (moved.size === 0) return desc;
  let changed = false;
  const inputs: Record<number, MapStatus[]> = {};
  for (const [id, statuses] of Object.entries(desc.shuffleInputs)) {
    inputs[Number(id)] = statuses.map((s) => {
      const to = s.external ? undefined : moved.get(outputKey(s));
      if (!to) return s;
      changed = true;
      return to;
    });
  }
  return changed ? { ...desc, shuffleInputs: inputs } : desc;
}

/** The executors whose own block servers a task reads map outputs from. */
export function executorsRead(desc: TaskDescription): Set<string> {
  const out = new Set<string>();
  for (const statuses of Object.values(desc.shuffleInputs)) for (const s of statuses) if (!s.external) out.add(s.executorId);
  return out;
}
