import { EventEmitter } from 'node:events';
import net from 'node:net';
import { serialize, deserialize } from 'node:v8';
import { FrameDecoder, MAX_MESSAGE } from './framing.js';
import { FrameCipher } from './FrameCipher.js';
import {
  answerChallenge, makeChallenge, verifyAnswer, PRE_AUTH_MAX_FRAME, DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_MAX_PENDING_HANDSHAKES,
  type Challenge, type SessionKeys,
} from './handshake.js';

export type Message = { t: string; [k: string]: unknown };

/** The shared secret of `spark.authenticate`, and whether this side wants frames encrypted (`spark.network.crypto.enabled`). */
export interface RpcAuth {
  secret: string;
  encrypt?: boolean;
}

/** A bare secret, the secret with its encryption setting, or nothing (no authentication). */
export type RpcAuthLike = string | RpcAuth | undefined;

function normalise(auth: RpcAuthLike): RpcAuth | undefined {
  if (auth === undefined) return undefined;
  return typeof auth === 'string' ? { secret: auth, encrypt: false } : auth;
}

/** Bodies up to this size go out joined to their header in one write; larger ones as they are (no copy). */
const JOIN_BELOW = 64 * 1024;
/**
 * The buffer a connecting side reads its socket into, reused for every read: larger reads than the stream default
 * (64 KiB) and no allocation per read, for the side that receives shuffle blocks.
 */
const READ_BUFFER = 256 * 1024;
/** A frame still missing at least this much is read in place rather than through the read buffer. */
const IN_PLACE_MIN = 16 * 1024;

/**
 * One framed connection. With a secret, nothing but the handshake (handshake.ts) is read until both sides have
 * proved the secret: frames above a few KiB close the connection, and so does any other message. After it, frames
 * are encrypted when either side asked for it.
 *
 * A message may carry raw bytes (sendWithPayload): it announces `payloadBytes`, and the next frame is those bytes
 * as they are, not v8-serialized, handed to the receiver as the message's `payload` (sealed like any frame when
 * encrypted).
 */
export class Connection extends EventEmitter {
  private readonly decoder = new FrameDecoder();
  private readonly auth: RpcAuth | undefined;
  private closed = false;
  private authed: boolean;
  private challenge: Challenge | undefined;
  private finish: ((reply: unknown) => SessionKeys) | undefined;
  private cipher: FrameCipher | undefined;
  /** A received message whose raw payload is the next frame. */
  private awaitingPayload: Message | undefined;
  /** Who the peer said it is in its handshake (proved only together with the secret). */
  peer: string | undefined;
  /** When the peer last sent any byte (a large frame still arriving is progress). */
  lastReceivedAt = 0;

  constructor(
    readonly socket: net.Socket,
    private readonly role: 'accept' | 'connect',
    auth: RpcAuthLike,
    private readonly who = 'peer',
  ) {
    super();
    this.auth = normalise(auth);
    this.authed = this.auth === undefined;
    if (!this.authed) this.decoder.maxFrame = PRE_AUTH_MAX_FRAME;
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('close', () => this.markClosed('connection closed'));
    socket.on('error', (err) => this.markClosed(err.message));
    if (role === 'accept' && this.auth) {
      this.challenge = makeChallenge(this.auth.encrypt === true);
      this.write(this.challenge);
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Whether the handshake (if any) is complete. */
  get isAuthenticated(): boolean {
    return this.authed;
  }

  /** Whether frames on this connection are encrypted. */
  get encrypted(): boolean {
    return this.cipher !== undefined;
  }

  send(msg: Message): void {
    if (this.closed) return;
    if (!this.authed) throw new Error(`cannot send '${msg.t}' before the connection is authenticated`);
    this.write(msg);
  }

  /**
   * Sends `msg` and then `payload` as a raw frame of its own: bulk bytes (shuffle blocks) are neither copied into a
   * v8 message nor serialized. The peer receives the message with the bytes as `payload`. `written` is called once
   * the socket no longer needs `payload` (it has been written, or the connection failed).
   */
  sendWithPayload(msg: Message, payload: Buffer, written?: () => void): void {
    if (this.closed) return;
    if (!this.authed) throw new Error(`cannot send '${msg.t}' before the connection is authenticated`);
    this.socket.cork();
    this.write({ ...msg, payloadBytes: payload.length });
    this.writeBody(payload, written);
    this.socket.uncork();
  }

  private write(msg: object): void {
    this.writeBody(serialize(msg));
  }

  /** One frame: a 4-byte big-endian length (framing.ts), then the body, sealed when encrypted. */
  private writeBody(body: Buffer, written?: () => void): void {
    const parts = this.cipher ? this.cipher.sealParts(body) : [body];
    let len = 0;
    for (const p of parts) len += p.length;
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(len, 0);
    const done = written && (() => written());
    if (len < JOIN_BELOW) {
      this.socket.write(Buffer.concat([head, ...parts], 4 + len), done);
      return;
    }
    // Written as they are (corked, so they leave in one writev), not copied into one buffer.
    this.socket.cork();
    this.socket.write(head);
    for (let i = 0; i < parts.length - 1; i++) if (parts[i]!.length > 0) this.socket.write(parts[i]);
    this.socket.write(parts[parts.length - 1]!, done);
    this.socket.uncork();
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
    this.markClosed('closed locally');
  }

  private markClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', reason);
  }

  private fail(event: 'protocolError' | 'authFailed', why: string): void {
    this.emit(event, why);
    this.close();
  }

  private onData(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    let frames: Buffer[];
    try {
      frames = this.decoder.pushFrames(chunk);
    } catch (err) {
      return this.fail(this.authed ? 'protocolError' : 'authFailed', (err as Error).message);
    }
    this.onFrames(frames);
  }

  /** `n` bytes the socket read straight into the frame being received (readTarget). */
  private onReadInPlace(n: number): void {
    this.lastReceivedAt = Date.now();
    this.onFrames(this.decoder.advance(n));
  }

  /** Where the socket should read next: into the large frame being received, or undefined for its own buffer. */
  private readTarget(): Buffer | undefined {
    return this.closed ? undefined : this.decoder.directTarget(IN_PLACE_MIN);
  }

  private onFrames(frames: Buffer[]): void {
    for (const f of frames) {
      if (this.closed) return;
      let m: Message;
      try {
        const body = this.cipher ? this.cipher.open(f) : f;
        if (this.awaitingPayload) {
          m = this.awaitingPayload;
          this.awaitingPayload = undefined;
          if (body.length !== m.payloadBytes) throw new Error(`'${m.t}' announced a payload of ${String(m.payloadBytes)} bytes but ${body.length} came`);
          m.payload = body;
          this.emit('message', m);
          continue;
        }
        m = deserialize(body) as Message;
        if (typeof m !== 'object' || m === null || typeof m.t !== 'string') throw new Error('a frame that is not a message');
        if (this.authed && m.payloadBytes !== undefined) {
          const n = m.payloadBytes;
          if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`'${m.t}' announced a payload of ${String(n).slice(0, 24)} bytes`);
          this.awaitingPayload = m;
          continue;
        }
      } catch (err) {
        return this.fail(this.authed ? 'protocolError' : 'authFailed', (err as Error).message);
      }
      if (this.authed) this.emit('message', m);
      else if (this.role === 'accept') this.onAnswer(m);
      else this.onServerHandshake(m);
    }
  }

  private authenticated(keys: SessionKeys | undefined, peer: string): void {
    this.authed = true;
    this.peer = peer;
    this.decoder.maxFrame = MAX_MESSAGE;
    if (keys?.encrypt) this.cipher = new FrameCipher(keys.send, keys.receive);
    this.emit('authenticated', peer);
  }

  private onAnswer(m: Message): void {
    const ok = verifyAnswer(this.auth!.secret, this.challenge!, m);
    if (!ok) {
      this.write({ t: 'refused', reason: 'authentication failed' });
      return this.fail('authFailed', m.t === 'auth' ? `bad credentials from ${String(m.who).slice(0, 256)}` : `'${m.t}' before authentication`);
    }
    this.write(ok.reply);
    this.authenticated(ok.keys, ok.who);
  }

  private onServerHandshake(m: Message): void {
    try {
      if (m.t === 'challenge' && !this.finish) {
        const { request, finish } = answerChallenge(this.auth!.secret, this.who, m, this.auth!.encrypt === true);
        this.finish = finish;
        this.write(request);
      } else if (m.t === 'authOk' && this.finish) {
        this.authenticated(this.finish(m), 'server');
      } else if (m.t === 'refused') {
        this.fail('authFailed', `refused: ${String(m.reason).slice(0, 256)}`);
      } else {
        // A peer that skips or reorders the handshake is not the server we share a secret with.
        this.fail('authFailed', `'${m.t}' before authentication`);
      }
    } catch (err) {
      this.fail('authFailed', (err as Error).message);
    }
  }

  /** Connects, completing the handshake when a secret is given; resolves once usable. */
  static connect(host: string, port: number, auth: RpcAuthLike, who: string, timeoutMs = 10_000): Promise<Connection> {
    return new Promise((resolve, reject) => {
      // Reads go into one buffer of our own (the decoder copies out what it keeps), or, while a large frame is
      // arriving, straight into that frame's body. No 'data' events then.
      const scratch = Buffer.allocUnsafe(READ_BUFFER);
      // The socket asks for its first buffer before the connection exists.
      const owner: { conn?: Connection } = {};
      const buffer = (): Buffer => owner.conn?.readTarget() ?? scratch;
      const callback = (n: number, into: Uint8Array): boolean => {
        if (into === scratch) owner.conn!.onData(scratch.subarray(0, n));
        else owner.conn!.onReadInPlace(n);
        return true;
      };
      const socket = net.connect({ host, port, onread: { buffer, callback } });
      const conn = new Connection(socket, 'connect', auth, who);
      owner.conn = conn;
      let why: string | undefined;
      const timer = setTimeout(() => {
        conn.close();
        reject(new Error(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      conn.once('authFailed', (reason: string) => (why = reason));
      const fail = (reason: string) => {
        clearTimeout(timer);
        reject(new Error(`connection to ${host}:${port} failed: ${why ?? reason}`));
      };
      conn.once('close', fail);
      const ok = () => {
        clearTimeout(timer);
        conn.off('close', fail);
        resolve(conn);
      };
      if (conn.isAuthenticated) socket.once('connect', ok);
      else conn.once('authenticated', ok);
    });
  }
}

export interface ListenOptions {
  /** How long a connection may take to authenticate. */
  handshakeTimeoutMs?: number;
  /** How many connections may be authenticating at once. */
  maxPendingHandshakes?: number;
}

/**
 * A TCP server of framed connections on `host:port` (0 = any free port). With a secret, connections still
 * authenticating are bounded in time and in number, so idle or hostile peers cannot pile up.
 */
export async function listen(host: string, port: number, auth: RpcAuthLike, onConnection: (c: Connection) => void, opts: ListenOptions = {}): Promise<net.Server> {
  const timeoutMs = opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const maxPending = opts.maxPendingHandshakes ?? DEFAULT_MAX_PENDING_HANDSHAKES;
  let pending = 0;
  const server = net.createServer((socket) => {
    if (auth !== undefined && pending >= maxPending) {
      socket.destroy();
      server.emit('handshakeRejected', 'too many connections authenticating');
      return;
    }
    const conn = new Connection(socket, 'accept', auth);
    if (!conn.isAuthenticated) {
      pending++;
      const timer = setTimeout(() => {
        conn.emit('authFailed', `no authentication within ${timeoutMs} ms`);
        conn.close();
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        pending--;
        conn.off('authenticated', settle);
        conn.off('close', settle);
      };
      conn.on('authenticated', settle);
      conn.on('close', settle);
    }
    onConnection(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
