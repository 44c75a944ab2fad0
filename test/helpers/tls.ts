/** A throwaway certificate authority and server/client certificates for TLS tests (Debian's openssl). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki { dir: string; caCert: string; serverKey: string; serverCert: string; clientKey: string; clientCert: string }

export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'spark-mesos-pki-'));
  const p = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', p('ca.key'), '-out', p('ca.crt'));
  writeFileSync(p('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${who}`, '-keyout', p(`${who}.key`), '-out', p(`${who}.csr`));
    ssl('x509', '-req', '-in', p(`${who}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', p('san.cnf'), '-out', p(`${who}.crt`));
  }
  return { dir, caCert: p('ca.crt'), serverKey: p('server.key'), serverCert: p('server.crt'), clientKey: p('client.key'), clientCert: p('client.crt') };
}
