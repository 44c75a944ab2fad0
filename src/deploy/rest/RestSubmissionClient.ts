import { SPARK_VERSION, type CreateSubmissionRequest, type SubmitRestProtocolResponse } from './messages.js';
import { SparkException } from '../../util/errors.js';
import { Agent, fetch as tlsFetch } from 'undici';

/** TLS towards a dispatcher that serves HTTPS (`spark.ssl.standalone.*` on the client): trusted authorities and a client certificate. */
export interface RestClientTls {
  ca?: Buffer;
  key?: Buffer;
  cert?: Buffer;
}

/**
 * The client side of Spark's REST submission protocol, as `spark-submit` uses it against a Mesos cluster dispatcher
 * (`mesos://host:7077`): create, kill and status. An optional bearer token authenticates to dispatchers that
 * require one.
 */
export class RestSubmissionClient {
  readonly baseUrl: string;

  constructor(
    master: string,
    private readonly token?: string,
    private readonly timeoutMs = 10_000,
    tls?: RestClientTls,
  ) {
    const m = /^(?:mesos|spark):\/\/(.+?)\/*$/.exec(master.trim());
    if (!m || m[1]!.startsWith('zk://')) {
      throw new SparkException(`Cluster mode, --kill and --status need the dispatcher's URL as master (mesos://host:port), but got '${master}'`);
    }
    this.baseUrl = `${tls ? 'https' : 'http'}://${m[1]}/v1/submissions`;
    if (tls) this.agent = new Agent({ connect: { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.key && tls.cert ? { key: tls.key, cert: tls.cert } : {}) } });
  }

  private readonly agent: Agent | undefined;

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<SubmitRestProtocolResponse> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      const init = { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(this.timeoutMs) };
      res = this.agent ? ((await tlsFetch(`${this.baseUrl}${path}`, { ...init, dispatcher: this.agent })) as unknown as Response) : await fetch(`${this.baseUrl}${path}`, init);
    } catch (err) {
      throw new SparkException(`Unable to connect to server ${this.baseUrl}: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (res.status !== 200) {
      // Non-200 bodies are wrapped as an ErrorResponse, as Spark's client does.
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* plain text */
      }
      return {
        action: 'ErrorResponse',
        serverSparkVersion: '',
        message: `HTTP ${res.status}: ${message}`,
        ...(res.status === 468 ? { highestProtocolVersion: 'v1' } : {}),
      };
    }
    try {
      return JSON.parse(text) as SubmitRestProtocolResponse;
    } catch {
      throw new SparkException(`Malformed response from ${this.baseUrl}${path}: ${text.slice(0, 200)}`);
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
