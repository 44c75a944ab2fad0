/**
 * What the dispatcher's ZooKeeper users share (the persistence engine and the leader election): connecting with the
 * dispatcher's settings, callbacks as promises, error codes, digest credentials.
 */
import zookeeper from 'node-zookeeper-client';

export const CONNECT_TIMEOUT_MS = 15_000;

export type Callback<T> = (err: Error | zookeeper.Exception | null, v: T) => void;

export function promisify<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err instanceof Error ? err : new Error(err.toString(), { cause: err })) : resolve(v))));
}

/** A ZooKeeper error code by name (`NODE_EXISTS`, ...). */
export const zkCode = (name: string): number => (zookeeper.Exception as unknown as Record<string, number>)[name]!;

export const isCode = (err: unknown, name: string): boolean => {
  const e = (err as { cause?: unknown })?.cause ?? err;
  return (e as { getCode?: () => number })?.getCode?.() === zkCode(name);
};

/** Errors after which an idempotent operation is tried again once the connection (or a new session) is back. */
export const isRetriable = (err: unknown): boolean => isCode(err, 'CONNECTION_LOSS') || isCode(err, 'SESSION_EXPIRED') || isCode(err, 'OPERATION_TIMEOUT');

export interface ZooKeeperOptions {
  /** Digest credentials `user:password` (`spark.deploy.zookeeper.auth`). */
  auth?: string | undefined;
  sessionTimeoutMs?: number;
}

/** `user:password`, checked; the error never shows the password. */
export function checkDigestAuth(auth: string): string {
  const colon = auth.indexOf(':');
  if (colon <= 0 || colon === auth.length - 1) throw new Error('spark.deploy.zookeeper.auth should be user:password (digest credentials), with both parts non-empty');
  return auth;
}

/** Everything for whoever authenticated as the creator (`auth` scheme), or everything for anyone. */
export function dispatcherAcls(opts: ZooKeeperOptions): zookeeper.ACL[] {
  return [new zookeeper.ACL(zookeeper.Permission.ALL, opts.auth ? new zookeeper.Id('auth', '') : new zookeeper.Id('world', 'anyone'))];
}

/** A connected client; fails after 15 s naming the connect string. */
export function connectClient(connectString: string, opts: ZooKeeperOptions): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: opts.sessionTimeoutMs ?? 60_000, spinDelay: 200, retries: 3 });
  if (opts.auth) client.addAuthInfo('digest', Buffer.from(opts.auth));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      client.close();
      reject(new Error(`could not connect to ZooKeeper at '${connectString}' (spark.deploy.zookeeper.url) within ${CONNECT_TIMEOUT_MS / 1000} s`));
    }, CONNECT_TIMEOUT_MS);
    client.once('connected', () => {
      clearTimeout(t);
      resolve(client);
    });
    client.connect();
  });
}
