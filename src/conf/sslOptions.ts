/**
 * TLS settings of one `spark.ssl.<namespace>` (with `spark.ssl.*` as defaults), read into what Node's TLS servers
 * and clients take. PEM files, not Java key stores: the form Spark 4 accepts for its own TLS, and Node's.
 */
import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { SparkConf } from './SparkConf.js';
import { SSL_HISTORY_SERVER, SSL_STANDALONE, SSL_UI } from './catalog.js';

export type SslNamespace = 'ui' | 'standalone' | 'historyServer';

const NAMESPACES = { ui: SSL_UI, standalone: SSL_STANDALONE, historyServer: SSL_HISTORY_SERVER } as const;

function readPem(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${key}: cannot read the PEM file '${path}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Server options for a TLS listener, or undefined when `spark.ssl.<ns>.enabled` is off. Missing files fail naming the key. */
export function sslServerOptions(conf: SparkConf, ns: SslNamespace): TlsOptions | undefined {
  const e = NAMESPACES[ns];
  if (!conf.get(e.enabled)) return undefined;
  const keyPath = conf.get(e.privateKey);
  const certPath = conf.get(e.certChain);
  if (!keyPath) throw new Error(`${e.privateKey.key} must name a PEM private key when ${e.enabled.key} is true`);
  if (!certPath) throw new Error(`${e.certChain.key} must name a PEM certificate chain when ${e.enabled.key} is true`);
  const trust = conf.get(e.trustStore);
  const needClientAuth = conf.get(e.needClientAuth) ?? false;
  if (needClientAuth && !trust) throw new Error(`${e.trustStore.key} must name the PEM certificate authorities of clients when ${e.needClientAuth.key} is true`);
  const ciphers = conf.get(e.enabledAlgorithms);
  const passphrase = conf.get(e.privateKeyPassword);
  return {
    key: readPem(e.privateKey.key, keyPath),
    cert: readPem(e.certChain.key, certPath),
    ...(passphrase ? { passphrase } : {}),
    ...(trust ? { ca: readPem(e.trustStore.key, trust) } : {}),
    requestCert: needClientAuth,
    rejectUnauthorized: needClientAuth,
    minVersion: (conf.get(e.protocol) ?? 'TLSv1.2') as 'TLSv1.2' | 'TLSv1.3',
    ...(ciphers ? { ciphers: ciphers.split(',').map((c) => c.trim()).join(':') } : {}),
  };
}

/** What a client of that namespace's server needs: whether to use TLS, and the authorities it trusts (none: the system's). */
export function sslClientOptions(conf: SparkConf, ns: SslNamespace): { enabled: true; ca?: Buffer; key?: Buffer; cert?: Buffer } | undefined {
  const e = NAMESPACES[ns];
  if (!conf.get(e.enabled)) return undefined;
  const trust = conf.get(e.trustStore);
  const keyPath = conf.get(e.privateKey);
  const certPath = conf.get(e.certChain);
  return {
    enabled: true,
    ...(trust ? { ca: readPem(e.trustStore.key, trust) } : {}),
    // A client certificate, for servers that require one.
    ...(keyPath && certPath ? { key: readPem(e.privateKey.key, keyPath), cert: readPem(e.certChain.key, certPath) } : {}),
  };
}
