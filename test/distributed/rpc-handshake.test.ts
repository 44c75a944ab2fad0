import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerChallenge, makeChallenge, verifyAnswer, transcript } from '../../src/rpc/handshake.js';
import { FrameCipher } from '../../src/rpc/FrameCipher.js';

test('both sides prove the secret and derive the same session keys', () => {
  for (const [serverCrypto, clientCrypto] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const ch = makeChallenge(serverCrypto);
    const { request, finish } = answerChallenge('s3cret', 'exec-1', ch, clientCrypto);
    const ok = verifyAnswer('s3cret', ch, request);
    assert.ok(ok, 'server accepts the right secret');
    assert.equal(ok.who, 'exec-1');
    const client = finish(ok.reply);
    assert.equal(client.encrypt, serverCrypto || clientCrypto, 'encryption when either side asks');
    assert.deepEqual(client.send, ok.keys.receive);
    assert.deepEqual(client.receive, ok.keys.send);
    assert.notDeepEqual(client.send, client.receive, 'one key per direction');
  }
});

test('a client without the secret is refused', () => {
  const ch = makeChallenge(false);
  const { request } = answerChallenge('wrong', 'exec-1', ch, false);
  assert.equal(verifyAnswer('s3cret', ch, request), undefined);
});

test('a server without the secret cannot pass its proof: an executor does not obey a fake driver', () => {
  const ch = makeChallenge(false);
  const { request, finish } = answerChallenge('s3cret', 'exec-1', ch, false);
  const fake = verifyAnswer('not-the-secret', ch, { ...request, mac: Buffer.alloc(32) });
  assert.equal(fake, undefined);
  // A fake server that replies anyway, with its own key and a made-up proof.
  const real = verifyAnswer('s3cret', ch, request)!;
  assert.throws(() => finish({ ...real.reply, mac: Buffer.alloc(32, 1) }), /did not prove knowledge of the shared secret/);
  // A reply produced with another secret (the attacker answers a challenge of its own choosing).
  const other = makeChallenge(false);
  const theirs = answerChallenge('attacker', 'exec-1', other, false);
  const theirReply = verifyAnswer('attacker', other, theirs.request)!;
  assert.throws(() => finish(theirReply.reply), /did not prove/);
});

test('an answer does not replay on another connection (a fresh challenge)', () => {
  const first = makeChallenge(false);
  const { request } = answerChallenge('s3cret', 'exec-1', first, false);
  assert.ok(verifyAnswer('s3cret', first, request));
  assert.equal(verifyAnswer('s3cret', makeChallenge(false), request), undefined);
});

test('no downgrade: switching encryption off in either message breaks a proof', () => {
  const ch = makeChallenge(true);
  // The middle strips the server's demand before the client sees it.
  const { request } = answerChallenge('s3cret', 'exec-1', { ...ch, crypto: false }, false);
  assert.equal(verifyAnswer('s3cret', ch, request), undefined, 'server notices the stripped flag');
  // The middle flips the client's request.
  const c2 = makeChallenge(false);
  const a2 = answerChallenge('s3cret', 'exec-1', c2, true);
  assert.equal(verifyAnswer('s3cret', c2, { ...a2.request, crypto: false }), undefined);
  // The middle flips the server's answer.
  const ok = verifyAnswer('s3cret', c2, a2.request)!;
  assert.equal(ok.reply.crypto, true);
  assert.throws(() => a2.finish({ ...ok.reply, crypto: false }), /did not prove/);
});

test('malformed handshake messages are refused, not thrown', () => {
  const ch = makeChallenge(false);
  for (const bad of [null, 7, {}, { t: 'auth' }, { t: 'auth', who: 'x', nonce: Buffer.alloc(3), crypto: false, pub: Buffer.alloc(32), mac: Buffer.alloc(32) },
    { t: 'auth', who: 'x'.repeat(1000), nonce: Buffer.alloc(16), crypto: false, pub: Buffer.alloc(32), mac: Buffer.alloc(32) },
    { t: 'auth', who: 'x', nonce: Buffer.alloc(16), crypto: 'yes', pub: Buffer.alloc(32), mac: Buffer.alloc(32) }]) {
    assert.equal(verifyAnswer('s', ch, bad), undefined);
  }
  assert.throws(() => answerChallenge('s', 'x', { nonce: 'abc', crypto: false }, false), /malformed challenge/);
});

test('the transcript encoding is unambiguous', () => {
  assert.notDeepEqual(transcript(['ab', 'c']), transcript(['a', 'bc']));
  assert.notDeepEqual(transcript([true]), transcript([false]));
});

test('frame cipher: round trip, and tampering, replay and reordering fail', () => {
  const k1 = Buffer.alloc(32, 1);
  const k2 = Buffer.alloc(32, 2);
  const a = new FrameCipher(k1, k2);
  const b = new FrameCipher(k2, k1);
  const s1 = a.seal(Buffer.from('first'));
  const s2 = a.seal(Buffer.from('second'));
  assert.equal(b.open(s1).toString(), 'first');
  assert.equal(b.open(s2).toString(), 'second');
  assert.ok(!s1.includes(Buffer.from('first')), 'ciphertext hides the text');
  const c = new FrameCipher(k2, k1);
  assert.throws(() => c.open(s2), /failed authentication/, 'out of order');
  const d = new FrameCipher(k2, k1);
  const flipped = Buffer.from(s1);
  flipped[0]! ^= 1;
  assert.throws(() => d.open(flipped), /failed authentication/, 'altered');
  const e = new FrameCipher(k2, k1);
  e.open(s1);
  assert.throws(() => e.open(s1), /failed authentication/, 'replayed');
});
