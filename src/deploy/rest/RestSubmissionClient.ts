import { SPARK_VERSION, type CreateSubmissionRequest, type SubmitRestProtocolResponse } from './messages.js';
import { SparkException } from '../../util/errors.js';
import { Agent, fetch as tlsFetch } from 'undici';

/** TLS towards a dispatcher that serves HTTPS (`spark.ssl.standalone.*` on the client): trusted authorities and a client certificate. */
export interface RestClientTls {
  ca?: Buffer;
  key?: Buffer;
  cert?: Buffer;
}

/** Errors raised before a request reached any server: trying another dispatcher cannot submit twice. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Whether `err` or an error it wraps (fetch wraps the socket's) is one of NOT_CONNECTED. */
function notConnected(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code !== undefined && NOT_CONNECTED.has(e.code)) return true;
  }
  return false;
}

/** `mesos://h1:7077,h2:7077` → the dispatchers' `host:port`s, as Spark's client takes a list of masters. */
export function dispatcherAddresses(master: string): string[] {
  const m = /^(?:mesos|spark):\/\/(.+?)\/*$/.exec(master.trim());
  const list = m && !m[1]!.startsWith('zk://') ? m[1]!.split(',').map((a) => a.trim()) : [];
  if (list.length === 0 || list.some((a) => !/^[^/,\s]+:\d+$/.test(a))) {
    throw new SparkException(`Cluster mode, --kill and --status need the dispatcher's URL as master (mesos://host:port, or mesos://host1:port1,host2:port2 for dispatchers in high availability), but got '${master}'`);
  }
  return list;
}

/** The `host:port` of a standby's `leaderUrl` (`mesos|http|https://host:port`), or undefined. */
export function leaderAddress(url: unknown): string | undefined {
  const m = typeof url === 'string' ? /^(?:mesos|https?):\/\/([^/\s]+:\d+)\/?$/.exec(url) : null;
  return m ? m[1] : undefined;
}

/**
 * The client side of Spark's REST submission protocol, as `spark-submit` uses it against a Mesos cluster dispatcher
 * (`mesos://host:7077`): create, kill and status. An optional bearer token authenticates to dispatchers that
 * require one. With several dispatchers (`mesos://h1:7077,h2:7077`), a request goes to the one that answered last,
 * then to the others when one cannot be reached, and from a standby to the leader it names (a standby's 503 means
 * it took nothing in, so nothing is submitted twice).
 */
export class RestSubmissionClient {
  private readonly addresses: string[];
  private readonly scheme: string;
  /** The dispatcher that answered last (possibly a leader a standby named), asked first. */
  private first: string;

  constructor(
    master: string,
    private readonly token?: string,
    private readonly timeoutMs = 10_000,
    tls?: RestClientTls,
  ) {
    this.addresses = dispatcherAddresses(master);
    this.first = this.addresses[0]!;
    this.scheme = tls ? 'https' : 'http';
    if (tls) this.agent = new Agent({ connect: { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.key && tls.cert ? { key: tls.key, cert: tls.cert } : {}) } });
  }

  private readonly agent: Agent | undefined;

  /** The submissions URL of the dispatcher requests go to first. */
  get baseUrl(): string {
    return this.urlOf(this.first);
  }

  private urlOf(address: string): string {
    return `${this.scheme}://${address}/v1/submissions`;
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<SubmitRestProtocolResponse> {
    const order = [this.first, ...this.addresses.filter((a) => a !== this.first)];
    const tried = new Set<string>();
    let answer: SubmitRestProtocolResponse | undefined;
    let failure: unknown;
    for (let i = 0; i < order.length; i++) {
      const address = order[i]!;
      if (tried.has(address)) continue;
      tried.add(address);
      let r: { status: number; response: SubmitRestProtocolResponse };
      try {
        r = await this.sendTo(address, method, path, body);
      } catch (err) {
        if (!notConnected(err)) throw err;
        failure = err;
        continue;
      }
      const leader = r.status === 503 && r.response.action === 'ErrorResponse' ? leaderAddress(r.response.leaderUrl) : undefined;
      if (leader !== undefined) {
        answer = r.response;
        if (!tried.has(leader)) order.splice(i + 1, 0, leader);
        continue;
      }
      this.first = address;
      return r.response;
    }
    if (answer) return answer;
    throw failure instanceof Error ? failure : new SparkException(`Unable to connect to server ${this.baseUrl}`);
  }

  private async sendTo(address: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; response: SubmitRestProtocolResponse }> {
    const base = this.urlOf(address);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      const init = { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(this.timeoutMs) };
      res = this.agent ? ((await tlsFetch(`${base}${path}`, { ...init, dispatcher: this.agent })) as unknown as Response) : await fetch(`${base}${path}`, init);
    } catch (err) {
      throw new SparkException(`Unable to connect to server ${base}: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (res.status !== 200) {
      // Non-200 bodies are wrapped as an ErrorResponse, as Spark's client does.
      let parsed: { message?: string; leaderUrl?: string } = {};
      try {
        parsed = JSON.parse(text) as { message?: string; leaderUrl?: string };
      } catch {
        /* plain text */
      }
      return {
        status: res.status,
        response: {
          action: 'ErrorResponse',
          serverSparkVersion: '',
          message: `HTTP ${res.status}: ${parsed.message ?? text}`,
          ...(res.status === 468 ? { highestProtocolVersion: 'v1' } : {}),
          ...(typeof parsed.leaderUrl === 'string' ? { leaderUrl: parsed.leaderUrl } : {}),
        },
      };
    }
    try {
      return { status: 200, response: JSON.parse(text) as SubmitRestProtocolResponse };
    } catch {
      throw new SparkException(`Malformed response from ${base}${path}: ${text.slice(0, 200)}`);
    }
  }

  createSubmission(req: Omit<CreateSubmissionRequest, 'action' | 'clientSparkVersion'>): Promise<SubmitRestProtocolResponse> {
    return this.send('POST', '/create', { action: 'CreateSubmissionRequest', clientSparkVersion: SPARK_VERSION, ...req });
  }

  killSubmission(id: string): Promise<SubmitRestProtocolResponse> {
    return this.send('POST', `/kill/${encodeURIComponent(id)}`);
  }

  requestSubmissionStatus(id: string): Promise<SubmitRestProtocolResponse> {
    return this.send('GET', `/status/${encodeURIComponent(id)}`);
  }
}
