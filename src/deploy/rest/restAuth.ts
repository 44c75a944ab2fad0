/**
 * Whether the REST server demands a bearer token. Going beyond Spark (whose REST server let anyone who could reach
 * it run code, CVE-2018-11770): beyond loopback a token is required, unless the operator opts out explicitly with
 * `spark.mesos.dispatcher.rest.allowUnauthenticated` (a stock Spark client cannot send a token), and then the
 * dispatcher says so at start and on its UI.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface RestAuthSettings {
  host: string;
  token?: string | undefined;
  allowUnauthenticated?: boolean | undefined;
}

export type RestAuth = { kind: 'token'; token: string } | { kind: 'open'; warning?: string };

/**
 * Whether an Authorization header carries the token: `Bearer <token>` (tools, `submit`) or HTTP Basic with the token
 * as the password and any user name (what a browser sends after its login prompt). Compared in constant time.
 */
export function credentialMatches(header: string | undefined, token: string): boolean {
  const h = header ?? '';
  let given: string | undefined;
  if (h.startsWith('Bearer ')) given = h.slice('Bearer '.length);
  else if (h.startsWith('Basic ')) {
    const decoded = Buffer.from(h.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) given = decoded.slice(colon + 1);
  }
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** The server's authentication, or an error when it would listen beyond loopback unauthenticated without consent. */
export function restAuth(s: RestAuthSettings): RestAuth {
  if (s.token) return { kind: 'token', token: s.token };
  if (s.allowUnauthenticated) {
    return { kind: 'open', warning: `REST submissions to ${s.host} are unauthenticated (spark.mesos.dispatcher.rest.allowUnauthenticated=true, no spark.mesos.dispatcher.rest.token): anyone who can reach the REST port can run code on the cluster` };
  }
  if (isLoopback(s.host)) return { kind: 'open' };
  throw new Error(`The REST server would listen on ${s.host} without authentication: set spark.mesos.dispatcher.rest.token (or listen on 127.0.0.1, or accept unauthenticated submissions explicitly with spark.mesos.dispatcher.rest.allowUnauthenticated=true)`);
}
