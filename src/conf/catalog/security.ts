/**
 * Security keys: authentication, wire and disk encryption, redaction, and TLS per `spark.ssl[.<namespace>]`.
 * The catalog's `Security` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

export const REDACTION_REGEX = entry({ key: 'spark.redaction.regex', type: 'string', default: '(?i)secret|password|token|access[.]?key', category: 'Security',
  doc: 'Keys or values matching this regular expression are shown as `*********(redacted)` wherever configuration is printed. A leading `(?i)` makes it case-insensitive.' });
export const IO_ENCRYPTION_ENABLED = entry({ key: 'spark.io.encryption.enabled', type: 'boolean', default: 'false', category: 'Security',
  doc: 'Encrypt what executors write to local disk: shuffle files, spill files and blocks cached on disk (AES-GCM, each block sealed on its own, after compression). The driver makes a key per application and gives it to executors as a Mesos secret (Spark refuses this setting on Mesos).' });
export const IO_ENCRYPTION_KEY_SIZE_BITS = entry({ key: 'spark.io.encryption.keySizeBits', type: 'int', default: '128', category: 'Security',
  doc: 'Size of the I/O encryption key: 128, 192 or 256.' });
export const IO_ENCRYPTION_KEY = entry({ key: 'spark.io.encryption.key', type: 'string', secret: true, category: 'Security', defaultDoc: 'made by the driver',
  doc: 'Internal: the application\'s I/O encryption key (base64), set by the driver when `spark.io.encryption.enabled`; never shown.' });
export const AUTHENTICATE = entry({ key: 'spark.authenticate', type: 'boolean', default: 'false', category: 'Security',
  doc: 'Executors, the driver and the shuffle service prove they share `spark.authenticate.secret` before talking.' });
export const AUTHENTICATE_SECRET = entry({ key: 'spark.authenticate.secret', type: 'string', secret: true, category: 'Security',
  doc: 'The shared secret for `spark.authenticate`.' });
export const NETWORK_CRYPTO_ENABLED = entry({ key: 'spark.network.crypto.enabled', type: 'boolean', default: 'false', category: 'Security',
  doc: 'With `spark.authenticate`: encrypt and authenticate every frame between driver, executors and the shuffle service after the handshake (AES-256-GCM with per-connection keys from an X25519 exchange). Either side asking is enough; nobody in the middle can switch it off.' });
export const NETWORK_AUTH_RPC_TIMEOUT = entry({ key: 'spark.network.auth.rpcTimeout', type: 'time', unit: 's', default: '30s', min: 1, category: 'Security',
  doc: 'How long an accepted connection (driver, executors\' block servers, shuffle service) may take to complete the authentication handshake before it is closed; at least 1 s (0 would close every connection).' });

/** One `spark.ssl[.ns]` namespace: each key falls back to the same key of `spark.ssl`, as Spark's SSLOptions do. */
function sslEntries(ns: string, what: string) {
  const k = (name: string) => (ns ? `spark.ssl.${ns}.${name}` : `spark.ssl.${name}`);
  const fb = (name: string) => (ns ? { fallback: `spark.ssl.${name}` } : {});
  const def = (name: string, d: string) => (ns ? {} : { default: d });
  return {
    enabled: entry({ key: k('enabled'), type: 'boolean', ...def('enabled', 'false'), ...fb('enabled'), category: 'Security',
      doc: ns ? `Serve ${what} over TLS.` : 'Default for every `spark.ssl.<namespace>.enabled`: `ui` (driver HTTP server), `standalone` (dispatcher UI and REST server), `historyServer`.' }),
    privateKey: entry({ key: k('privateKey'), type: 'string', ...fb('privateKey'), category: 'Security',
      doc: `PEM file of the private key${ns ? ` for ${what}` : ''}.` }),
    certChain: entry({ key: k('certChain'), type: 'string', ...fb('certChain'), category: 'Security',
      doc: `PEM file of the certificate chain${ns ? ` for ${what}` : ''}, the server's certificate first.` }),
    privateKeyPassword: entry({ key: k('privateKeyPassword'), type: 'string', secret: true, ...fb('privateKeyPassword'), category: 'Security',
      doc: 'Passphrase of an encrypted private key.' }),
    trustStore: entry({ key: k('trustStore'), type: 'string', ...fb('trustStore'), category: 'Security',
      doc: 'PEM file of the certificate authorities trusted for client certificates (servers) or for the server (clients such as `submit`).' }),
    needClientAuth: entry({ key: k('needClientAuth'), type: 'boolean', ...def('needClientAuth', 'false'), ...fb('needClientAuth'), category: 'Security',
      doc: 'Require clients to present a certificate signed by `trustStore` (mutual TLS).' }),
    protocol: entry({ key: k('protocol'), type: 'enum', values: ['TLSv1.2', 'TLSv1.3'], ...def('protocol', 'TLSv1.2'), ...fb('protocol'), category: 'Security',
      doc: 'Lowest TLS version accepted.' }),
    enabledAlgorithms: entry({ key: k('enabledAlgorithms'), type: 'string', ...fb('enabledAlgorithms'), category: 'Security', defaultDoc: 'Node\'s defaults',
      doc: 'Comma-separated cipher suites (OpenSSL names).' }),
  };
}
export const SSL = sslEntries('', '');
export const SSL_UI = sslEntries('ui', 'the driver\'s HTTP server (UI, API, metrics)');
export const SSL_STANDALONE = sslEntries('standalone', 'the dispatcher\'s UI and REST submission server');
export const SSL_HISTORY_SERVER = sslEntries('historyServer', 'the history server');
