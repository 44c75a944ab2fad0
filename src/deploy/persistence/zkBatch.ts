/**
 * Group commit for the ZooKeeper store: writes that arrive while one multi-op is in flight wait and go together in
 * the next one, so N concurrent submissions cost one round trip and one ZooKeeper log sync, not N. Every caller is
 * still answered only after ZooKeeper committed its write.
 */
import zookeeper from 'node-zookeeper-client';
import { zkCode } from './zkClient.js';

/** Create-or-replace, or remove-if-present: both idempotent, so a multi-op cut off by a lost connection can be sent again. */
export type WriteOp = { kind: 'set'; path: string; data: Buffer } | { kind: 'delete'; path: string };

/** A leader's write refused because its election znode is gone (another dispatcher may lead now). */
export class FencedError extends Error {
  constructor(fence: string) {
    super(`this dispatcher no longer leads (its election znode ${fence} is gone): the write was refused`);
  }
}

/**
 * ZooKeeper refused one op of a multi-op (e.g. its parent znode is missing): `index` is that op's place in the
 * ops given to commitMulti. Only this kind of failure is worth retrying the other ops of the batch.
 */
export class OpRefusedError extends Error {
  constructor(
    readonly index: number,
    cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

/** Batches no larger than this (data bytes): well below ZooKeeper's default 1 MiB request limit (jute.maxbuffer). */
export const MAX_BATCH_BYTES = 512 * 1024;
/**
 * The largest document: ZooKeeper drops the connection of a request over jute.maxbuffer (1 MiB by default), which
 * would look like a connection loss and be retried until the deadline, so larger ones fail at once.
 */
export const MAX_DOCUMENT_BYTES = 1024 * 1024 - 4096;
export const MAX_BATCH_OPS = 1000;

interface Pending {
  op: WriteOp;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Takes the longest prefix of `queue` within the limits (always at least one op). */
export function takeBatch<T extends { op: WriteOp }>(queue: T[], maxBytes = MAX_BATCH_BYTES, maxOps = MAX_BATCH_OPS): T[] {
  let bytes = 0;
  let n = 0;
  while (n < queue.length && n < maxOps) {
    const op = queue[n]!.op;
    const size = op.path.length + (op.kind === 'set' ? op.data.length : 0);
    if (n > 0 && bytes + size > maxBytes) break;
    bytes += size;
    n++;
  }
  return queue.splice(0, n);
}

/**
 * One multi-op in flight at a time; what arrives meanwhile forms the next. When ZooKeeper refuses one op of a batch
 * (OpRefusedError), only that op's caller fails and the others go again in the next batch. Any other failure
 * (connection loss, timeout, session expiry past the store's deadline, fencing) fails the whole batch at once:
 * retrying its ops one by one would wait out the deadline once per op.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private running = false;
  /** Multi-ops committed (tests and the benchmark compare it with the writes). */
  commits = 0;
  writes = 0;

  constructor(private readonly commit: (ops: WriteOp[]) => Promise<void>) {}

  write(op: WriteOp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        // Lets the requests already read in this turn of the event loop join the batch (microseconds, not a timer).
        await new Promise((r) => setImmediate(r));
        const batch = takeBatch(this.queue);
        try {
          await this.commit(batch.map((p) => p.op));
          this.commits++;
          this.writes += batch.length;
          for (const p of batch) p.resolve();
        } catch (err) {
          const refused = err instanceof OpRefusedError ? batch[err.index] : undefined;
          if (!refused) {
            for (const p of batch) p.reject(err as Error);
            continue;
          }
          refused.reject(err as Error);
          // Nothing of the multi-op was applied: the rest go first in the next one.
          this.queue.unshift(...batch.filter((p) => p !== refused));
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/** `i`: the op's index in the ops given (ops dropped from the plan shift the others). */
type Planned = ({ kind: 'create' | 'setData'; path: string; data: Buffer } | { kind: 'remove'; path: string }) & { i: number };

/** The first op a failed multi-op names (ZooKeeper marks the others OK or RUNTIME_INCONSISTENCY). */
function failedIndex(results: unknown): { index: number; code: number } | undefined {
  if (!Array.isArray(results)) return undefined;
  const ok = new Set([zkCode('OK'), zkCode('RUNTIME_INCONSISTENCY')]);
  const index = results.findIndex((r: { err?: number }) => r?.err !== undefined && !ok.has(r.err));
  return index < 0 ? undefined : { index, code: (results[index] as { err: number }).err };
}

/**
 * Commits `ops` in one multi-op, preceded by a check that `fence` (the leader's election znode) still exists. A
 * create of a znode that exists becomes a setData, a setData of one that is gone a create, and a remove of one that
 * is gone is dropped; then the multi-op is sent again (nothing of a failed multi-op was applied). Any other op
 * ZooKeeper refuses fails as an OpRefusedError naming it; a failure of the whole request is thrown as it is.
 */
export async function commitMulti(client: zookeeper.Client, ops: readonly WriteOp[], acls: zookeeper.ACL[], fence?: string): Promise<void> {
  let plan: Planned[] = ops.map((o, i) => (o.kind === 'set' ? { kind: 'create', path: o.path, data: o.data, i } : { kind: 'remove', path: o.path, i }));
  const offset = fence ? 1 : 0;
  for (let attempt = 0; attempt <= 2 * ops.length + 1; attempt++) {
    if (plan.length === 0 && !fence) return;
    const tx = client.transaction();
    if (fence) tx.check(fence);
    for (const p of plan) {
      if (p.kind === 'create') tx.create(p.path, p.data, acls, zookeeper.CreateMode.PERSISTENT);
      else if (p.kind === 'setData') tx.setData(p.path, p.data, -1);
      else tx.remove(p.path, -1);
    }
    const outcome = await new Promise<{ err: Error | zookeeper.Exception | null; results: unknown }>((r) => tx.commit((err, results) => r({ err, results })));
    if (!outcome.err) return;
    const failed = failedIndex(outcome.results);
    const err = outcome.err instanceof Error ? outcome.err : new Error(outcome.err.toString(), { cause: outcome.err });
    if (!failed) throw err;
    if (fence && failed.index === 0) throw new FencedError(fence);
    const i = failed.index - offset;
    const p = plan[i]!;
    if (p.kind === 'create' && failed.code === zkCode('NODE_EXISTS')) plan[i] = { ...p, kind: 'setData' };
    else if (p.kind === 'setData' && failed.code === zkCode('NO_NODE')) plan[i] = { ...p, kind: 'create' };
    else if (p.kind === 'remove' && failed.code === zkCode('NO_NODE')) plan = plan.filter((_, j) => j !== i);
    else throw new OpRefusedError(p.i, err);
  }
  throw new Error(`ZooKeeper multi-op of ${ops.length} writes kept failing`);
}
