import { EventEmitter } from 'node:events';
import net from 'node:net';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encode, FrameDecoder } from './framing.js';

export type Message = { t: string; [k: string]: unknown };

/** The MAC that proves knowledge of the shared secret for one challenge. */
export function authMac(secret: string, nonce: string, who: string): string {
  return createHmac('sha256', secret).update(`${nonce}:${who}`).digest('hex');
}

function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * One framed connection. With a secret, the accepting side first sends a challenge and drops the peer unless its
 * first message is `{t:'auth', who, mac}` with the right HMAC (`spark.authenticate`): nothing else is read before.
 */
export class Connection extends EventEmitter {
  private readonly decoder = new FrameDecoder();
  private closed = false;
  private authed: boolean;
  private nonce: string | undefined;
  /** Who the peer said it is in its handshake. */
  peer: string | undefined;

  constructor(
    readonly socket: net.Socket,
    private readonly role: 'accept' | 'connect',
    private readonly secret: string | undefined,
    private readonly who = 'peer',
  ) {
    super();
    this.authed = secret === undefined;
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('close', () => this.markClosed('connection closed'));
    socket.on('error', (err) => this.markClosed(err.message));
    if (role === 'accept' && secret !== undefined) {
      this.nonce = randomBytes(16).toString('hex');
      this.send({ t: 'challenge', nonce: this.nonce });
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(msg: Message): void {
    if (!this.closed) this.socket.write(encode(msg));
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

  private onData(chunk: Buffer): void {
    let msgs: unknown[];
    try {
      msgs = this.decoder.push(chunk);
    } catch (err) {
      this.emit('protocolError', (err as Error).message);
      return this.close();
    }
    for (const m of msgs as Message[]) {
      if (this.closed) return;
      if (!this.authed) {
        if (this.role === 'accept') {
          if (m.t === 'auth' && typeof m.mac === 'string' && typeof m.who === 'string' && macEquals(m.mac, authMac(this.secret!, this.nonce!, m.who))) {
            this.authed = true;
            this.peer = m.who;
            this.send({ t: 'authOk' });
            this.emit('authenticated', m.who);
          } else {
            this.emit('authFailed', m.t === 'auth' ? `bad credentials from ${String(m.who)}` : `'${m.t}' before authentication`);
            this.send({ t: 'refused', reason: 'authentication failed' });
            this.close();
          }
        } else if (m.t === 'challenge') {
          this.send({ t: 'auth', who: this.who, mac: authMac(this.secret!, String(m.nonce), this.who) });
        } else if (m.t === 'authOk') {
          this.authed = true;
          this.emit('authenticated', 'server');
        } else {
          this.emit('message', m);
        }
        continue;
      }
      this.emit('message', m);
    }
  }

  /** Connects, answering the server's challenge when a secret is given; resolves once usable. */
  static connect(host: string, port: number, secret: string | undefined, who: string, timeoutMs = 10_000): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const conn = new Connection(socket, 'connect', secret, who);
      const timer = setTimeout(() => {
        conn.close();
        reject(new Error(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      const fail = (reason: string) => {
        clearTimeout(timer);
        reject(new Error(`connection to ${host}:${port} failed: ${reason}`));
      };
      conn.once('close', fail);
      const ok = () => {
        clearTimeout(timer);
        conn.off('close', fail);
        resolve(conn);
      };
      if (secret === undefined) socket.once('connect', ok);
      else {
        conn.once('authenticated', ok);
        conn.on('message', (m: Message) => {
          if (m.t === 'refused') fail(String(m.reason));
        });
      }
    });
  }
}

/** A TCP server of framed connections on `host:port` (0 = any free port). */
export async function listen(host: string, port: number, secret: string | undefined, onConnection: (c: Connection) => void): Promise<net.Server> {
  const server = net.createServer((socket) => onConnection(new Connection(socket, 'accept', secret)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
