/**
 * Encryption of frames after the handshake (`spark.network.crypto.enabled`): AES-256-GCM, one key per direction,
 * the 96-bit IV a per-direction frame counter. A counter IV never repeats under one key, and a frame that is
 * replayed, dropped, reordered or altered fails its tag, which closes the connection.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

const TAG = 16;

export class FrameCipher {
  private sent = 0n;
  private received = 0n;

  constructor(private readonly sendKey: Buffer, private readonly receiveKey: Buffer) {}

  private static iv(counter: bigint): Buffer {
    const iv = Buffer.alloc(12);
    iv.writeBigUInt64BE(counter, 4);
    return iv;
  }

  /** Ciphertext ‖ tag of one frame body. */
  seal(plain: Buffer): Buffer {
    return Buffer.concat(this.sealParts(plain));
  }

  /** The same as seal, in pieces to write one after another (a large body is not copied once more to join them). */
  sealParts(plain: Buffer): Buffer[] {
    const c = createCipheriv('aes-256-gcm', this.sendKey, FrameCipher.iv(this.sent++));
    const head = c.update(plain);
    const tail = c.final();
    return [head, tail, c.getAuthTag()];
  }

  /** The plaintext of one received frame body; throws when it was not sealed by the peer in this order. */
  open(sealed: Buffer): Buffer {
    if (sealed.length < TAG) throw new Error('encrypted frame too short');
    const d = createDecipheriv('aes-256-gcm', this.receiveKey, FrameCipher.iv(this.received++));
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    const head = d.update(sealed.subarray(0, sealed.length - TAG));
    try {
      const tail = d.final();
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      throw new Error('encrypted frame failed authentication');
    }
  }
}
