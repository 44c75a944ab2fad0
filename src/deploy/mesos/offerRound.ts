/**
 * One round of offers for the dispatcher (Spark's `MesosClusterScheduler.resourceOffers`): what each agent offers is
 * remembered (to say why a driver waits), due retries and then the queue are matched to the offers (driverOffers.ts),
 * the launches are stored, and the calls to Mesos (accepts and one decline) are returned to be sent after the lock.
 * Drivers that cannot be launched end in the finished list without a task.
 */
import type { SparkConf } from '../../conf/SparkConf.js';
import { Calls, Operations, type SchedulerCallBody } from '../../mesos/calls.js';
import type { Offer } from '../../mesos/wire/framework.js';
import { installationRoot } from '../../cluster/mesos/executorTask.js';
import { MesosSchedulerUtils } from '../../cluster/mesos/MesosSchedulerUtils.js';
import { getLogger } from '../../util/logging.js';
import type { PersistenceEngine } from '../persistence/PersistenceEngine.js';
import type { MesosDriverDescription } from './MesosDriverDescription.js';
import type { MesosClusterSubmissionState } from './MesosClusterScheduler.js';
import { planDriverLaunches } from './driverOffers.js';
import { buildDriverTaskInfo } from './driverTask.js';
import { earliestRetry } from './retry.js';
import { retire, type RetryTimer } from './driverStatusUpdates.js';
import { driverTaskId } from './submissionId.js';
import { persistEach } from './persistEach.js';
import type { OfferSeen } from './waitingReason.js';

const log = getLogger('MesosClusterScheduler');

/** What a round reads and changes of the scheduler's state; the lists are the scheduler's own (live) ones. */
export interface OfferRound {
  now: number;
  queued: MesosDriverDescription[];
  retrying: MesosDriverDescription[];
  launched: Map<string, MesosClusterSubmissionState>;
  finished: MesosClusterSubmissionState[];
  /** Each agent's most recent offer: this round's agents are replaced. */
  offersSeen: Map<string, OfferSeen>;
  store: PersistenceEngine;
  frameworkId: string | undefined;
  master: string;
  conf: SparkConf;
  rejectOfferSeconds: number;
  retainedDrivers: number;
  retryTimer: RetryTimer;
}

/** Each agent's offered cpus and memory in this batch (several offers from one agent add up). */
export function tallyOffers(offers: readonly Offer[]): Map<string, OfferSeen> {
  const batch = new Map<string, OfferSeen>();
  for (const o of offers) {
    const prev = batch.get(o.agent_id.value);
    const res = o.resources ?? [];
    batch.set(o.agent_id.value, {
      cpus: (prev?.cpus ?? 0) + MesosSchedulerUtils.getResource(res, 'cpus'),
      mem: (prev?.mem ?? 0) + MesosSchedulerUtils.getResource(res, 'mem'),
      attributes: o.attributes ?? [],
    });
  }
  return batch;
}

/** Unlike Spark, a pending retry shortens the filter so the retry is not held up by it. */
export function declineSeconds(retrying: readonly MesosDriverDescription[], rejectOfferSeconds: number, now: number): number {
  const next = earliestRetry(retrying);
  return next === Infinity ? rejectOfferSeconds : Math.min(rejectOfferSeconds, Math.max(0.1, (next - now) / 1000));
}

export async function resourceOffers(offers: Offer[], r: OfferRound): Promise<SchedulerCallBody[]> {
  const { now } = r;
  for (const [agent, seen] of tallyOffers(offers)) r.offersSeen.set(agent, seen);
  const due = r.retrying.filter((d) => (d.retryState?.nextRetry ?? 0) < now);
  const plan = planDriverLaunches([...due, ...r.queued], offers);
  for (const { driver, error } of plan.invalid) await finishWithoutLaunch(r, driver, error);
  const starting: { s: MesosClusterSubmissionState; task: ReturnType<typeof buildDriverTaskInfo>; offerId: string }[] = [];
  for (const { driver: d, offer, resources } of plan.launches) {
    const taskId = driverTaskId(d.submissionId, d.retryState?.retries);
    const frameworkId = `${r.frameworkId}-${taskId}`;
    const agentId = offer.agent_id.value;
    let task;
    try {
      task = buildDriverTaskInfo(d, { taskId, agentId, resources, master: r.master, driverFrameworkId: frameworkId, dispatcherConf: r.conf, defaultHome: installationRoot() });
    } catch (err) {
      await finishWithoutLaunch(r, d, (err as Error).message);
      continue;
    }
    const history = [...(d.history ?? []), { time: now, state: 'LAUNCHED' as const, message: `task ${taskId} on agent ${agentId}` }];
    starting.push({ s: { driver: d, taskId, agentId, startDate: now, frameworkId, history }, task, offerId: offer.id.value });
  }
  // Launched is stored before the driver leaves its list (a crash between the two is resolved on recovery), all at
  // once so the ZooKeeper store commits them in shared multi-ops; one not stored stays where it was.
  const stored = await persistEach(starting, ({ s }) => r.store.persist('launchedDrivers', s.driver.submissionId, s), ({ s }, err) =>
    log.error({ submission: s.driver.submissionId, err: err.message }, 'could not store the launch: the driver waits for another offer'));
  const byOffer = new Map<string, ReturnType<typeof buildDriverTaskInfo>[]>();
  for (const { s, task, offerId } of stored) {
    r.launched.set(s.driver.submissionId, s);
    byOffer.set(offerId, [...(byOffer.get(offerId) ?? []), task]);
    log.info({ submission: s.driver.submissionId, task: s.taskId, agent: s.agentId }, 'launching driver');
  }
  await Promise.all(stored.map(({ s }) => removeFromSource(r, s.driver)));
  const calls: SchedulerCallBody[] = [];
  for (const [offerId, tasks] of byOffer) calls.push(Calls.accept([offerId], [Operations.launch(tasks)]));
  const unused = offers.filter((o) => !byOffer.has(o.id.value)).map((o) => o.id.value);
  // Read after the launches: a retry that just launched no longer shortens the filter.
  if (unused.length > 0) calls.push(Calls.decline(unused, declineSeconds(r.retrying, r.rejectOfferSeconds, now)));
  return calls;
}

/** Takes a driver out of the queue or the retry list (and the store). */
async function removeFromSource(r: OfferRound, d: MesosDriverDescription): Promise<void> {
  const qi = r.queued.indexOf(d);
  if (qi >= 0) {
    r.queued.splice(qi, 1);
    await r.store.expunge('driverQueue', d.submissionId);
  }
  const ri = r.retrying.indexOf(d);
  if (ri >= 0) {
    r.retrying.splice(ri, 1);
    await r.store.expunge('retryList', d.submissionId);
    r.retryTimer.arm(r.retrying);
  }
}

/** Ends a driver that cannot be launched (its configuration is unusable) without a task. */
async function finishWithoutLaunch(r: OfferRound, d: MesosDriverDescription, error: string): Promise<void> {
  log.error({ submission: d.submissionId, error }, 'cannot launch the driver');
  const now = Date.now();
  await retire({ driver: d, taskId: d.submissionId, agentId: '', frameworkId: '', finishDate: now, error, history: [...(d.history ?? []), { time: now, state: 'FINISHED', message: error }] }, r.finished, r.retainedDrivers, r.store);
  await removeFromSource(r, d);
}
