/** Set to `true` in an executor's environment when its block server and fetches encrypt (`spark.network.crypto.enabled`). */
export const CRYPTO_ENV = 'SPARK_NETWORK_CRYPTO_ENABLED';
