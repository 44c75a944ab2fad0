/**
 * The authentication handshake of framed connections (`spark.authenticate`), as pure functions.
 *
 * Three messages, the accepting side (server) first:
 *   challenge  server → client  { nonce: Ns, crypto: Fs }
 *   auth       client → server  { who, nonce: Nc, crypto: Fc, pub: Pc, mac: HMAC(K, "client" ‖ T) }
 *   authOk     server → client  { pub: Ps, crypto: F, mac: HMAC(K, "server" ‖ T ‖ Ps ‖ F) }
 * where T is the length-prefixed transcript (Ns, Fs, who, Nc, Fc, Pc), K = HKDF(secret, Ns ‖ Nc) and F = Fs ∨ Fc.
 *
 * Each side proves knowledge of the secret over both fresh nonces, so neither proof replays on another connection,
 * and an executor never obeys a driver that cannot prove the secret. Both encryption flags sit inside both proofs, so
 * nobody in the middle can switch encryption off (no downgrade). The session keys come from an ephemeral X25519
 * exchange mixed with K: a recorded session stays unreadable even if the secret leaks later.
 */
import { createHmac, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, timingSafeEqual, createPublicKey, type KeyObject } from 'node:crypto';

/** The largest frame either side accepts before the handshake is complete. */
export const PRE_AUTH_MAX_FRAME = 4096;
/** How long an accepted connection may take to authenticate before it is closed. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** How many accepted connections may be authenticating at once; more are closed on arrival. */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 64;

export interface Challenge { t: 'challenge'; nonce: Uint8Array; crypto: boolean }
export interface AuthRequest { t: 'auth'; who: string; nonce: Uint8Array; crypto: boolean; pub: Uint8Array; mac: Uint8Array }
export interface AuthReply { t: 'authOk'; pub: Uint8Array; crypto: boolean; mac: Uint8Array }

/** Keys for one connection's frames after the handshake, one per direction. */
export interface SessionKeys { send: Buffer; receive: Buffer; encrypt: boolean }

/** Length-prefixed concatenation, so that no two different field lists give the same bytes. */
export function transcript(parts: (Uint8Array | string | boolean)[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : typeof p === 'boolean' ? Buffer.from([p ? 1 : 0]) : Buffer.from(p);
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(b.length, 0);
    out.push(len, b);
  }
  return Buffer.concat(out);
}

function authKey(secret: string, ns: Uint8Array, nc: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.concat([ns, nc]), 'spark-mesos rpc auth', 32));
}

function mac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function isBytes(v: unknown, len?: number): v is Uint8Array {
  return v instanceof Uint8Array && (len === undefined || v.length === len);
}

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' }).subarray(X25519_SPKI_PREFIX.length);
}

function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function sessionKeys(shared: Buffer, k: Buffer, t: Buffer, role: 'client' | 'server', encrypt: boolean): SessionKeys {
  const ikm = Buffer.concat([shared, k]);
  const c2s = Buffer.from(hkdfSync('sha256', ikm, t, 'spark-mesos rpc client-to-server', 32));
  const s2c = Buffer.from(hkdfSync('sha256', ikm, t, 'spark-mesos rpc server-to-client', 32));
  return role === 'client' ? { send: c2s, receive: s2c, encrypt } : { send: s2c, receive: c2s, encrypt };
}

/** The server's first message. */
export function makeChallenge(crypto: boolean): Challenge {
  return { t: 'challenge', nonce: randomBytes(16), crypto };
}

/** The client's answer to a challenge, and what it needs to check the server's proof. */
export function answerChallenge(secret: string, who: string, challenge: unknown, crypto: boolean): { request: AuthRequest; finish: (reply: unknown) => SessionKeys } {
  const c = (typeof challenge === 'object' && challenge !== null ? challenge : {}) as Partial<Challenge>;
  if (!isBytes(c.nonce, 16) || typeof c.crypto !== 'boolean') throw new Error('malformed challenge');
  const nc = randomBytes(16);
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pc = rawPublicKey(publicKey);
  const k = authKey(secret, c.nonce, nc);
  const t = transcript([c.nonce, c.crypto, who, nc, crypto, pc]);
  const request: AuthRequest = { t: 'auth', who, nonce: nc, crypto, pub: pc, mac: mac(k, Buffer.concat([Buffer.from('client'), t])) };
  const finish = (reply: unknown): SessionKeys => {
    const r = (typeof reply === 'object' && reply !== null ? reply : {}) as Partial<AuthReply>;
    if (r.t !== 'authOk' || !isBytes(r.pub, 32) || typeof r.crypto !== 'boolean' || !isBytes(r.mac)) throw new Error('malformed authentication reply');
    const expected = mac(k, Buffer.concat([Buffer.from('server'), t, r.pub, Buffer.from([r.crypto ? 1 : 0])]));
    if (!equal(r.mac, expected)) throw new Error('the server did not prove knowledge of the shared secret');
    if (r.crypto !== (c.crypto! || crypto)) throw new Error('the server answered with the wrong encryption setting');
    const shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(r.pub) });
    return sessionKeys(shared, k, Buffer.concat([t, r.pub]), 'client', r.crypto);
  };
  return { request, finish };
}

/**
 * The server's check of a client's answer. Returns the reply to send and the session keys, or undefined when the
 * client did not prove the secret (or sent anything malformed).
 */
export function verifyAnswer(secret: string, challenge: Challenge, answer: unknown): { reply: AuthReply; keys: SessionKeys; who: string } | undefined {
  const a = (typeof answer === 'object' && answer !== null ? answer : {}) as Partial<AuthRequest>;
  if (a.t !== 'auth' || typeof a.who !== 'string' || a.who.length > 256 || !isBytes(a.nonce, 16) || typeof a.crypto !== 'boolean' || !isBytes(a.pub, 32) || !isBytes(a.mac)) return undefined;
  const k = authKey(secret, challenge.nonce, a.nonce);
  const t = transcript([challenge.nonce, challenge.crypto, a.who, a.nonce, a.crypto, a.pub]);
  if (!equal(a.mac, mac(k, Buffer.concat([Buffer.from('client'), t])))) return undefined;
  let shared: Buffer;
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  try {
    shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(a.pub) });
  } catch {
    return undefined;
  }
  const ps = rawPublicKey(publicKey);
  const encrypt = challenge.crypto || a.crypto;
  const reply: AuthReply = { t: 'authOk', pub: ps, crypto: encrypt, mac: mac(k, Buffer.concat([Buffer.from('server'), t, ps, Buffer.from([encrypt ? 1 : 0])])) };
  return { reply, keys: sessionKeys(shared, k, Buffer.concat([t, ps]), 'server', encrypt), who: a.who };
}
