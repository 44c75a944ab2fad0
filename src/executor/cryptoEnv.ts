import { NETWORK_AUTH_RPC_TIMEOUT } from '../conf/catalog.js';
import { parseTime } from '../conf/units.js';

/** Set to `true` in an executor's environment when its block server and fetches encrypt (`spark.network.crypto.enabled`). */
export const CRYPTO_ENV = 'SPARK_NETWORK_CRYPTO_ENABLED';

/** Milliseconds an executor's block server gives a connection to authenticate (`spark.network.auth.rpcTimeout`). */
export const AUTH_TIMEOUT_ENV = 'SPARK_NETWORK_AUTH_RPC_TIMEOUT_MS';

/** The default of `spark.network.auth.rpcTimeout`, for executors started without the variable. */
export const DEFAULT_AUTH_TIMEOUT_MS = parseTime(NETWORK_AUTH_RPC_TIMEOUT.default!, 'ms');

/** The handshake timeout from an executor's environment: a positive whole number of ms, else the default. */
export function authTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[AUTH_TIMEOUT_ENV];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_AUTH_TIMEOUT_MS;
}
