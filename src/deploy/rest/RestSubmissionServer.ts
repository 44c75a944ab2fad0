import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenWithRetries } from '../../util/listen.js';
import type { AddressInfo } from 'node:net';
import { SPARK_VERSION, type CreateSubmissionRequest, type SubmitRestProtocolResponse } from './messages.js';
import { getLogger } from '../../util/logging.js';
import { invalidSubmissionProperty } from '../mesos/submissionChecks.js';
import { credentialMatches, restAuth, type RestAuth } from './restAuth.js';
import { readBody, BodyTooLargeError } from '../../util/readBody.js';
import type { TlsOptions } from 'node:tls';
import { standbyMessage, type StandbyInfo } from '../ha/standby.js';

const log = getLogger('RestSubmissionServer');

/** What the REST layer asks of the driver scheduler (the Mesos cluster scheduler, or a test double). */
type MaybeAsync<T> = T | Promise<T>;

/** What the REST layer asks of the driver scheduler; a submission is acknowledged only after `submit` resolves. */
export interface SubmissionHandler {
  submit(req: CreateSubmissionRequest): MaybeAsync<{ success: boolean; submissionId?: string; message?: string }>;
  kill(id: string): MaybeAsync<{ success: boolean; message?: string }>;
  status(id: string): MaybeAsync<{ success: boolean; driverState?: string; message?: string }>;
  /** False while the handler cannot take requests yet (an HA leader still recovering): answered 503, Retry-After. */
  readonly isReady?: boolean;
  /** The dispatcher's declared queues (`spark.mesos.dispatcher.queue.<name>`): a submission naming another gets 400. */
  readonly queueWeights?: ReadonlyMap<string, number>;
}

export interface RestServerOptions {
  host: string;
  port: number;
  /**
   * Bearer token required from clients. Going beyond Spark (whose REST server let anyone who could reach it run
   * code): a server listening beyond loopback refuses to start without one, unless `allowUnauthenticated`.
   */
  token?: string;
  /** Accept unauthenticated requests beyond loopback (`spark.mesos.dispatcher.rest.allowUnauthenticated`). */
  allowUnauthenticated?: boolean;
  /** Further ports tried when `port` is taken (`spark.port.maxRetries`). */
  retries?: number;
  /** Largest request body accepted (`spark.mesos.dispatcher.rest.maxRequestSize`); larger ones get 413. */
  maxBodyBytes?: number;
  /** Serve HTTPS (`spark.ssl.standalone.*`). */
  tls?: TlsOptions;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The default cap on a submission's body: far above any real submission, far below what would hurt the daemon. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const SUFFIX = ' Please submit requests through http://[host]:[port]/v1/submissions/...';
const CREATE_FIELDS = new Set(['action', 'appResource', 'mainClass', 'appArgs', 'sparkProperties', 'environmentVariables', 'clientSparkVersion', 'message']);


/**
 * The dispatcher's side of Spark's REST submission protocol: `/v1/submissions/create|kill|status`, the protocol
 * version checks, Spark's validation messages and status codes (400 malformed, 468 unknown version, 200 otherwise),
 * and unknown fields echoed back.
 */
export class RestSubmissionServer {
  private server: http.Server | undefined;
  address: { host: string; port: number } | undefined;
  readonly auth: RestAuth;
  /** Set in HA mode: what a standby says (undefined while this dispatcher leads). */
  standby: (() => StandbyInfo | undefined) | undefined;

  constructor(
    private readonly opts: RestServerOptions,
    private readonly handler: SubmissionHandler,
  ) {
    this.auth = restAuth(opts);
  }

  async start(): Promise<void> {
    this.server = await listenWithRetries(this.opts.host, this.opts.port, this.opts.retries ?? 0, (req, res) => {
      this.handle(req, res).catch((err: Error) => {
        // E.g. the state store is unreachable: the submission was not accepted, and the client is told so.
        log.error({ err: err.message }, 'request failed');
        if (!res.headersSent) this.error(res, 500, `The dispatcher could not handle the request: ${err.message}`);
        else res.end();
      });
    }, this.opts.tls);
    this.address = { host: this.opts.host, port: (this.server.address() as AddressInfo).port };
    log.info({ address: this.address }, 'REST submission server started');
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private send(res: ServerResponse, status: number, body: SubmitRestProtocolResponse): void {
    const sorted = Object.fromEntries(Object.entries({ ...body, serverSparkVersion: SPARK_VERSION }).sort(([a], [b]) => (a < b ? -1 : 1)));
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(sorted, null, 2));
  }

  private error(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
    this.send(res, status, { action: 'ErrorResponse', serverSparkVersion: SPARK_VERSION, message, ...extra });
  }

  private authorized(req: IncomingMessage): boolean {
    return this.auth.kind === 'open' || credentialMatches(req.headers.authorization, this.auth.token);
  }

  /** Answers without reading the rest of the request, and closes the connection so nothing more is taken in. */
  private refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, extra: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', Connection: 'close', ...headers });
    res.end(JSON.stringify({ action: 'ErrorResponse', message, serverSparkVersion: SPARK_VERSION, ...extra }, null, 2), () => res.socket?.destroy());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Credentials first: an unauthenticated client gets no byte of its body read.
    if (!this.authorized(req)) return this.refuse(res, 401, 'Missing or invalid credentials.', { 'WWW-Authenticate': 'Bearer realm="spark-mesos-dispatcher"' });
    // A standby takes nothing in: 503 naming the leader (see ha/standby.ts).
    const standby = this.standby?.();
    if (standby) return this.refuse(res, 503, standbyMessage(standby), { 'Retry-After': '1' }, standby.leader ? { leaderUrl: standby.leader.rest } : {});
    // Elected but not yet recovered and registered with Mesos: a moment's wait, not a failed submission.
    if (this.handler.isReady === false) return this.refuse(res, 503, 'The dispatcher is not ready to take requests yet (it is recovering its state and registering with Mesos); try again in a few seconds.', { 'Retry-After': '1' });
    let body: string;
    try {
      body = STRICT_UTF8.decode(await readBody(req, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return this.refuse(res, 413, `${err.message} (spark.mesos.dispatcher.rest.maxRequestSize)`);
      if (err instanceof TypeError) return this.error(res, 400, 'Malformed request: the body is not valid UTF-8.');
      throw err;
    }
    const segments = new URL(req.url ?? '/', 'http://x').pathname.split('/').filter(Boolean);
    const [version, prefix, action, id] = segments;
    if (version === undefined) return this.error(res, 400, `Missing protocol version.${SUFFIX}`);
    if (version !== 'v1') return this.error(res, 468, `Unknown protocol version '${version}'.${SUFFIX}`, { highestProtocolVersion: 'v1' });
    if (prefix !== 'submissions') return this.error(res, 400, `Missing the /submissions prefix.${SUFFIX}`);
    const method = req.method ?? 'GET';
    switch (action) {
      case 'create':
        if (method !== 'POST') return this.methodNotAllowed(res, 'POST');
        return this.create(body, res);
      case 'kill': {
        if (method !== 'POST') return this.methodNotAllowed(res, 'POST');
        if (!id) return this.error(res, 400, 'Submission ID is missing in kill request.');
        const r = await this.handler.kill(id);
        return this.send(res, 200, { action: 'KillSubmissionResponse', serverSparkVersion: SPARK_VERSION, submissionId: id, ...r });
      }
      case 'status': {
        if (method !== 'GET' && method !== 'HEAD') return this.methodNotAllowed(res, 'GET');
        if (!id) return this.error(res, 400, 'Submission ID is missing in status request.');
        const r = await this.handler.status(id);
        return this.send(res, 200, { action: 'SubmissionStatusResponse', serverSparkVersion: SPARK_VERSION, submissionId: id, ...r });
      }
      default:
        return this.error(res, 400, `Missing an action: please specify one of /create, /kill, or /status.${SUFFIX}`);
    }
  }

  private methodNotAllowed(res: ServerResponse, allow: string): void {
    res.writeHead(405, { Allow: allow, 'Content-Type': 'text/plain' });
    res.end(`HTTP method not allowed (expected ${allow})`);
  }

  private async create(body: string, res: ServerResponse): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      return this.error(res, 400, `Malformed request: the body is not JSON (${(err as Error).message})`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json) || typeof (json as { action?: unknown }).action !== 'string') {
      return this.error(res, 400, 'Malformed request: Action field not found in JSON');
    }
    const msg = json as Record<string, unknown>;
    if (msg.action !== 'CreateSubmissionRequest') return this.error(res, 400, `Received message of unexpected type ${String(msg.action)}.`);
    // Validation as Spark's message classes do it, with the field named (Spark's message hides it).
    const missing: [string, string][] = [
      ['appResource', "Application jar 'appResource' is missing."],
      ['mainClass', "Main class 'mainClass' is missing."],
      ['appArgs', "Application arguments 'appArgs' are missing."],
      ['environmentVariables', "Environment variables 'environmentVariables' are missing."],
    ];
    if (typeof msg.clientSparkVersion !== 'string') return this.error(res, 400, "Malformed request: Validation of message CreateSubmissionRequest failed: 'clientSparkVersion' is missing.");
    const props = msg.sparkProperties;
    if (!props || typeof props !== 'object' || Array.isArray(props) || Object.values(props).some((v) => typeof v !== 'string')) {
      return this.error(res, 400, "Malformed request: Validation of message CreateSubmissionRequest failed: 'sparkProperties' must be an object of strings.");
    }
    if (typeof (props as Record<string, string>)['spark.app.name'] !== 'string') {
      return this.error(res, 400, "Malformed request: Validation of message CreateSubmissionRequest failed: 'spark.app.name' is missing from sparkProperties.");
    }
    for (const [field, text] of missing) if (msg[field] === undefined || msg[field] === null) return this.error(res, 400, `Malformed request: ${text}`);
    if (!Array.isArray(msg.appArgs) || msg.appArgs.some((a) => typeof a !== 'string')) return this.error(res, 400, "Malformed request: 'appArgs' must be an array of strings.");
    const env = msg.environmentVariables;
    if (typeof env !== 'object' || Array.isArray(env) || Object.values(env as object).some((v) => typeof v !== 'string')) {
      return this.error(res, 400, "Malformed request: 'environmentVariables' must be an object of strings.");
    }
    // Bad or impossible property values are the request's fault: 400 naming the key, not an acknowledged failure.
    const invalid = invalidSubmissionProperty(props as Record<string, string>, this.handler.queueWeights);
    if (invalid !== undefined) return this.error(res, 400, `Malformed request: ${invalid}`);
    const unknownFields = Object.keys(msg).filter((k) => !CREATE_FIELDS.has(k) || msg[k] === null);
    const r = await this.handler.submit(msg as unknown as CreateSubmissionRequest);
    this.send(res, 200, {
      action: 'CreateSubmissionResponse',
      serverSparkVersion: SPARK_VERSION,
      ...r,
      ...(unknownFields.length > 0 ? { unknownFields } : {}),
    });
  }
}
