/**
 * Where the dispatcher keeps its state so a restart loses no submission (Spark's `MesosClusterPersistenceEngine`):
 * named JSON documents in a few directories. Every write is durable when its promise resolves, so the dispatcher
 * acknowledges only what is stored. Unlike Spark (Java serialization), the format is plain JSON, readable and
 * migratable; see docs/dispatcher.md.
 */
export type StateDir = 'scheduler' | 'driverQueue' | 'launchedDrivers' | 'retryList' | 'finishedDrivers';

export const STATE_DIRS: readonly StateDir[] = ['scheduler', 'driverQueue', 'launchedDrivers', 'retryList', 'finishedDrivers'];

/** A document's name as both stores accept it: a file name and a znode name, never a path. */
export function checkStateName(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new Error(`bad state document name '${name}'`);
  return name;
}

export interface PersistenceEngine {
  /** Where the state lives, for messages (a directory, a ZooKeeper path). */
  readonly location: string;
  /** Creates or replaces `dir/name`. */
  persist(dir: StateDir, name: string, value: unknown): Promise<void>;
  /** Removes `dir/name` (nothing if absent). */
  expunge(dir: StateDir, name: string): Promise<void>;
  fetch<T>(dir: StateDir, name: string): Promise<T | undefined>;
  /** Every document of `dir`; unreadable ones are logged and removed, as Spark does. */
  fetchAll<T>(dir: StateDir): Promise<T[]>;
  close(): Promise<void>;
}

/** Recovery mode NONE: nothing is kept. */
export class BlackHolePersistenceEngine implements PersistenceEngine {
  readonly location = '(none: spark.deploy.recoveryMode=NONE)';
  async persist(): Promise<void> {}
  async expunge(): Promise<void> {}
  async fetch<T>(): Promise<T | undefined> {
    return undefined;
  }
  async fetchAll<T>(): Promise<T[]> {
    return [];
  }
  async close(): Promise<void> {}
}
