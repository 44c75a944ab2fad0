/**
 * Whose state a recovery store holds. A dispatcher's drivers and framework id belong to one Mesos cluster: the
 * default FILESYSTEM store is one directory per Mesos master URL and framework name, and the master a store was
 * used with is stored with it (`scheduler/identity`), so a dispatcher pointed at another master refuses to recover
 * (and fail over to) an unrelated dispatcher's drivers and framework id unless told to.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface StoreIdentity {
  /** The Mesos master URL without `mesos://` (`host:port` or `zk://hosts/path`). */
  master: string;
  frameworkName: string;
}

/** The master as compared: without `mesos://` and trailing slashes. */
export function normalizeMaster(master: string): string {
  return master.trim().replace(/^mesos:\/\//, '').replace(/\/+$/, '');
}

/** `<base>/<master>--<framework name>-<hash>`: readable, and distinct even where the readable part collides. */
export function defaultRecoveryDirectory(base: string, id: StoreIdentity): string {
  const master = normalizeMaster(id.master);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^[._]+/, '').slice(0, 60);
  const hash = createHash('sha256').update(`${master}\n${id.frameworkName}`).digest('hex').slice(0, 10);
  return join(base, `${slug(master)}--${slug(id.frameworkName)}-${hash}`);
}

/**
 * The default FILESYSTEM store: the scoped directory, unless only the single store of an earlier version (state
 * folders straight under `base`) exists: that one is kept, so an upgrade does not orphan its drivers and framework
 * id; the identity check then claims it for this master and protects it from others.
 */
export function chooseDefaultRecoveryDirectory(base: string, id: StoreIdentity, exists: (path: string) => boolean): { dir: string; legacy: boolean } {
  const scoped = defaultRecoveryDirectory(base, id);
  if (!exists(scoped) && exists(join(base, 'scheduler'))) return { dir: base, legacy: true };
  return { dir: scoped, legacy: false };
}

export type IdentityDecision =
  /** Nothing stored yet (a new store, or one written before identities were stored): claim it. */
  | { action: 'claim' }
  | { action: 'keep' }
  /** Another master, recovered as asked: the stored identity is replaced. */
  | { action: 'adopt'; warning: string };

/** What to do with a store's state; an Error (naming both masters and the way out) when it must not be recovered. */
export function checkStoreIdentity(stored: StoreIdentity | undefined, current: StoreIdentity, allowMasterChange: boolean, where: string): IdentityDecision {
  if (!stored || typeof stored.master !== 'string') return { action: 'claim' };
  if (normalizeMaster(stored.master) === normalizeMaster(current.master)) return { action: 'keep' };
  const what = `The recovery store ${where} holds the state (drivers and framework id) of a dispatcher registered with Mesos master '${normalizeMaster(stored.master)}'`;
  if (allowMasterChange) return { action: 'adopt', warning: `${what}; recovering it for master '${normalizeMaster(current.master)}' as spark.mesos.dispatcher.recovery.allowMasterChange=true asks` };
  throw new Error(
    `${what}, but this dispatcher's master is '${normalizeMaster(current.master)}'. Refusing to recover another cluster's drivers and framework id: ` +
      'give this dispatcher its own store (spark.deploy.recoveryDirectory, or spark.deploy.zookeeper.dir), or, if it is the same cluster under a new address, ' +
      'set spark.mesos.dispatcher.recovery.allowMasterChange=true.',
  );
}
