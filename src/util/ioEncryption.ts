/**
 * Encryption of what executors write to local disk (`spark.io.encryption.enabled`): shuffle frames, spill batches and
 * blocks cached on disk. Each block is sealed on its own with AES-GCM under the application's key and a fresh random
 * IV (`iv ‖ ciphertext ‖ tag`), so segments stay independently readable, and, unlike Spark's CTR streams, a block
 * altered on disk fails to open instead of decoding to garbage. Compression happens before sealing, as in Spark.
 *
 * The key is per process (each executor thread sets it from its configuration): every block of one application is
 * written and read by processes holding the same key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The executor environment variable carrying the key (base64), as a Mesos SECRET. */
export const IO_KEY_ENV = 'SPARK_IO_ENCRYPTION_KEY';

const IV = 12;
const TAG = 16;
let key: Buffer | undefined;

/** A new random key of `bits` (128, 192 or 256), base64. */
export function newIoEncryptionKey(bits: number): string {
  if (bits !== 128 && bits !== 192 && bits !== 256) throw new Error(`spark.io.encryption.keySizeBits should be 128, 192 or 256, but was ${bits}`);
  return randomBytes(bits / 8).toString('base64');
}

/** Sets (or, with undefined, clears) this thread's key, from its base64 form. */
export function useIoEncryptionKey(base64: string | undefined): void {
  if (base64 === undefined || base64 === '') {
    key = undefined;
    return;
  }
  const k = Buffer.from(base64, 'base64');
  if (k.length !== 16 && k.length !== 24 && k.length !== 32) throw new Error(`the I/O encryption key should be 16, 24 or 32 bytes, but has ${k.length}`);
  key = k;
}

export function ioEncryptionOn(): boolean {
  return key !== undefined;
}

function algorithm(k: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  return k.length === 16 ? 'aes-128-gcm' : k.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
}

/** The block as it goes to disk: sealed when encryption is on, unchanged otherwise. */
export function sealIo(plain: Buffer): Buffer {
  if (!key) return plain;
  const iv = randomBytes(IV);
  const c = createCipheriv(algorithm(key), key, iv);
  const body = c.update(plain);
  const tail = c.final();
  return Buffer.concat([iv, body, tail, c.getAuthTag()]);
}

/** The block as read from disk, opened when encryption is on; throws when it was altered or sealed under another key. */
export function openIo(sealed: Buffer): Buffer {
  if (!key) return sealed;
  if (sealed.length < IV + TAG) throw new Error('an encrypted block on disk is too short (spark.io.encryption.enabled)');
  const d = createDecipheriv(algorithm(key), key, sealed.subarray(0, IV));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  const body = d.update(sealed.subarray(IV, sealed.length - TAG));
  try {
    return Buffer.concat([body, d.final()]);
  } catch {
    throw new Error('an encrypted block on disk failed authentication: altered, or written under another key (spark.io.encryption.enabled)');
  }
}
