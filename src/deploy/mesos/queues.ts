/**
 * The dispatcher's priority queues (Spark 3.1+): `spark.mesos.dispatcher.queue.<name>=<weight>` declares a queue,
 * a driver joins one with `spark.mesos.dispatcher.queue` (absent means `default`), and drivers launch in order of
 * their queue's weight, highest first. `default` weighs 0 unless `spark.mesos.dispatcher.queue.default` says
 * otherwise; other names must be declared.
 */
export const DEFAULT_QUEUE = 'default';
const PREFIX = 'spark.mesos.dispatcher.queue.';

/** The declared weights; a value that is not a finite number is an error naming its key. */
export function parseQueueWeights(declared: Iterable<readonly [string, string]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, raw] of declared) {
    const w = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(w)) throw new Error(`${PREFIX}${name} should be a number (the queue's weight), but was '${raw}'`);
    out.set(name, w);
  }
  return out;
}

/** The queue a driver's `spark.mesos.dispatcher.queue` names. */
export function queueOf(value: string | undefined): string {
  return value === undefined || value === '' ? DEFAULT_QUEUE : value;
}

/** A queue's weight: its declared weight; `default` weighs 0 when undeclared; other undeclared names have none. */
export function queueWeight(queue: string, weights: ReadonlyMap<string, number>): number | undefined {
  return weights.get(queue) ?? (queue === DEFAULT_QUEUE ? 0 : undefined);
}

/**
 * Why a submission's `spark.mesos.dispatcher.queue` is refused (it names no declared queue), naming the key and the
 * declared queues; undefined when the queue exists.
 */
export function unknownQueue(value: string | undefined, weights: ReadonlyMap<string, number>): string | undefined {
  const queue = queueOf(value);
  if (queueWeight(queue, weights) !== undefined) return undefined;
  const declared = [...new Set([DEFAULT_QUEUE, ...weights.keys()])].sort().join(', ');
  return `spark.mesos.dispatcher.queue should name a declared queue (${declared}), but was '${queue.length > 40 ? `${queue.slice(0, 40)}...` : queue}'; declare it on the dispatcher with ${PREFIX}<name>=<weight>`;
}
