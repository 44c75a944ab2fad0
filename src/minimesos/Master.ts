import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { getLogger } from '../util/logging.js';
import { parseMasterUrl, packIp } from '../mesos/masterUrl.js';
import { pickLeader, endpointFromZnode } from '../mesos/client/detector.js';
import type { FrameworkInfo, MasterInfo, Offer, Operation } from '../mesos/wire/framework.js';
import type { Resource } from '../mesos/wire/resources.js';
import type { SchedulerCall } from '../mesos/wire/scheduler.js';
import { isTerminalTaskState, type ExecutorInfo, type TaskInfo, type TaskState, type TaskStatus } from '../mesos/wire/task.js';
import { checkMediaTypes, parseSchedulerCall, readCall } from './callParsing.js';
import { EventStream } from './EventStream.js';
import { authenticate, json, readBody, text } from './http.js';
import { MasterRegistry } from './registry.js';
import { add, contains, forRole, isAllocatable, normalize, roleOf, subtract, toV0 } from './resources.js';
import { validateTask } from './validation.js';
import type { Agent } from './Agent.js';

const log = getLogger('minimesos.Master');
const VERSION = '1.11.0';

export interface MasterOptions {
  host?: string;
  port?: number;
  hostname?: string;
  /** How often offers are made (Mesos `--allocation_interval`, default 1 s). */
  allocationIntervalMs?: number;
  /** Offers are rescinded after this long (Mesos `--offer_timeout`, default never). */
  offerTimeoutMs?: number;
  /** Seconds between scheduler heartbeats (15 in Mesos). */
  heartbeatIntervalSeconds?: number;
  /** When set, schedulers must authenticate with HTTP basic credentials from this list. */
  credentials?: { principal: string; secret: string }[];
  /** Role whitelist (Mesos `--roles`); unset accepts any role. */
  roles?: string[];
  /** `zk://host:port/path`: join the master group there and follow its election. */
  zk?: string;
  /** Re-chunk event records at random byte offsets (exercises clients' RecordIO framing). */
  chunkSplit?: boolean;
}

interface MTask {
  info: TaskInfo;
  frameworkId: string;
  agentId: string;
  executorId: string | undefined;
  role: string;
  state: TaskState;
  statuses: TaskStatus[];
  /** Resources the task holds (its own; executor resources are held by the executor). */
  resources: Resource[];
  terminalUuid: string | undefined;
}

interface MOffer {
  offer: Offer;
  role: string;
  timer: NodeJS.Timeout | undefined;
}

interface Filter {
  frameworkId: string;
  role: string;
  agentId: string;
  resources: Resource[];
  expires: number;
}

interface MFramework {
  id: string;
  info: FrameworkInfo;
  roles: string[];
  stream: EventStream | undefined;
  active: boolean;
  recovered: boolean;
  suppressed: Set<string>;
  offers: Map<string, MOffer>;
  tasks: Map<string, MTask>;
  completedTasks: MTask[];
  /** agentId → executorId → ExecutorInfo, for custom executors the master tracks. */
  executors: Map<string, Map<string, ExecutorInfo>>;
  registeredTime: number;
  reregisteredTime: number | undefined;
  unregisteredTime: number | undefined;
  failoverTimer: NodeJS.Timeout | undefined;
  principal: string | undefined;
  /** Offers made so far: breaks ties between equal shares, so equal frameworks take turns. */
  offersMade: number;
}

interface MAgent {
  id: string;
  agent: Agent;
  hostname: string;
  port: number;
  total: Resource[];
  attributes: NonNullable<Offer['attributes']>;
  registeredTime: number;
  reregisteredTime: number | undefined;
  active: boolean;
}

export interface TaskSnapshot {
  info: TaskInfo;
  frameworkId: string;
  executorId: string | undefined;
  state: TaskState;
  statuses: TaskStatus[];
}

export interface AgentRegistration {
  hostname: string;
  port: number;
  resources: Resource[];
  attributes: NonNullable<Offer['attributes']>;
  /** On re-registration: the agent's id, its tasks, frameworks and executors. */
  id?: string;
  tasks?: TaskSnapshot[];
  frameworks?: FrameworkInfo[];
  executors?: { frameworkId: string; info: ExecutorInfo }[];
}

const fmtId = (n: number) => String(n).padStart(4, '0');
const now = () => Date.now() / 1000;
const hasCapability = (info: FrameworkInfo, cap: string) => (info.capabilities ?? []).some((c) => c.type === cap);

/**
 * A simulated Mesos master speaking the v1 scheduler HTTP API: subscriptions and heartbeats, the offer cycle
 * (filters, decline, revive, suppress, offer timeout, fair sharing), LAUNCH validation, status updates with
 * acknowledgements, reconciliation, kill/shutdown/teardown, framework failover timeouts, leader election in
 * ZooKeeper, and the v0 `/state` endpoint.
 */
export class Master {
  readonly id = randomUUID();
  private readonly opts: Required<Pick<MasterOptions, 'host' | 'allocationIntervalMs' | 'heartbeatIntervalSeconds'>> & MasterOptions;
  private server: http.Server | undefined;
  private address: { host: string; port: number } | undefined;
  private allocationTimer: NodeJS.Timeout | undefined;
  private readonly frameworks = new Map<string, MFramework>();
  private readonly completedFrameworks: MFramework[] = [];
  private readonly removedFrameworkIds = new Set<string>();
  private readonly agents = new Map<string, MAgent>();
  private filters: Filter[] = [];
  private nextFramework = 0;
  private nextOffer = 0;
  private nextAgent = 0;
  private readonly startTime = now();
  private electedTime: number | undefined;
  private leader: { host: string; port: number } | undefined;
  private zk: zookeeper.Client | undefined;
  private zkNode: string | undefined;
  private stopped = false;
  private leaderKnown: (() => void) | undefined;

  constructor(opts: MasterOptions = {}) {
    this.opts = { host: '127.0.0.1', allocationIntervalMs: 1000, heartbeatIntervalSeconds: 15, ...opts };
  }

  get url(): string {
    if (!this.address) throw new Error('master not started');
    return `http://${this.address.host}:${this.address.port}`;
  }

  get endpoint(): { host: string; port: number } {
    if (!this.address) throw new Error('master not started');
    return this.address;
  }

  get isLeader(): boolean {
    return this.leader !== undefined && this.address !== undefined && this.leader.host === this.address.host && this.leader.port === this.address.port;
  }

  get masterInfo(): MasterInfo {
    const a = this.endpoint;
    const hostname = this.opts.hostname ?? a.host;
    return {
      id: this.id,
      ip: packIp(a.host === 'localhost' ? '127.0.0.1' : a.host),
      port: a.port,
      pid: `master@${a.host}:${a.port}`,
      hostname,
      version: VERSION,
      address: { hostname, ip: a.host, port: a.port },
    };
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        log.error({ err }, 'request failed');
        if (!res.headersSent) text(res, 500, String((err as Error).message));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host, () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    this.address = { host: this.opts.host, port: a.port };
    MasterRegistry.add(`${this.address.host}:${this.address.port}`, this);
    if (this.opts.zk) {
      // start() returns once this master knows who leads (itself or another), so it answers 307, not 503.
      const known = new Promise<void>((r) => (this.leaderKnown = r));
      await this.contend(this.opts.zk);
      await Promise.race([known, new Promise((r) => setTimeout(r, 10_000).unref())]);
    } else this.becomeLeader();
    this.allocationTimer = setInterval(() => this.allocate(), this.opts.allocationIntervalMs);
    this.allocationTimer.unref();
  }

  /** Stops serving: streams close (schedulers see EOF), the ZooKeeper node goes away, agents look for a new leader. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.allocationTimer);
    for (const f of this.frameworks.values()) {
      clearTimeout(f.failoverTimer);
      for (const o of f.offers.values()) clearTimeout(o.timer);
      f.stream?.close();
    }
    if (this.zk) {
      const zk = this.zk;
      await new Promise<void>((resolve) => {
        zk.once('disconnected', () => resolve());
        zk.close();
        setTimeout(resolve, 2000).unref();
      });
    }
    if (this.address) MasterRegistry.remove(`${this.address.host}:${this.address.port}`, this);
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  // ------------------------------------------------------------------------------------------ leader election

  private becomeLeader(): void {
    this.leaderKnown?.();
    if (this.isLeader) return;
    this.leader = this.address;
    this.electedTime = now();
    log.info({ master: this.address }, 'elected leading master');
  }

  private contend(zkUrl: string): Promise<void> {
    const loc = parseMasterUrl(zkUrl);
    if (loc.kind !== 'zookeeper') throw new Error(`--zk should be zk://host:port/path, but was '${zkUrl}'`);
    const zk = zookeeper.createClient(loc.servers, { sessionTimeout: 4000, spinDelay: 200 });
    if (loc.auth) zk.addAuthInfo('digest', Buffer.from(`${loc.auth.user}:${loc.auth.password}`));
    this.zk = zk;
    return new Promise((resolve, reject) => {
      // Fail loudly rather than wait forever for a ZooKeeper that does not answer.
      const timer = setTimeout(() => reject(new Error(`could not register with ZooKeeper at ${loc.servers} within 30 s`)), 30_000);
      timer.unref();
      zk.once('connected', () => {
        zk.mkdirp(loc.path, (err) => {
          if (err) return reject(err);
          const data = Buffer.from(JSON.stringify(this.masterInfo));
          zk.create(`${loc.path}/json.info_`, data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (err2, created) => {
            if (err2) return reject(err2);
            this.zkNode = created.slice(loc.path.length + 1);
            this.watchElection(loc.path);
            clearTimeout(timer);
            resolve();
          });
        });
      });
      zk.connect();
    });
  }

  private watchElection(path: string): void {
    if (this.stopped || !this.zk) return;
    this.zk.getChildren(path, () => this.watchElection(path), (err, children) => {
      if (this.stopped) return;
      // A failed read (connection loss under load) is tried again: a missed election would leave agents leaderless.
      if (err) return void setTimeout(() => this.watchElection(path), 200).unref();
      const lead = pickLeader(children);
      if (!lead) return;
      if (lead.name === this.zkNode) return this.becomeLeader();
      this.zk!.getData(`${path}/${lead.name}`, (e2, data) => {
        if (e2 || !data) return this.watchElection(path);
        this.leader = endpointFromZnode(lead.label, data);
        if (this.leader) this.leaderKnown?.();
      });
    });
  }

  // ------------------------------------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p === '/api/v1/scheduler' || p === '/master/api/v1/scheduler') return this.handleScheduler(req, res, p);
    if (p === '/redirect' || p === '/master/redirect') {
      if (!this.leader) return text(res, 503, 'No leader elected');
      return text(res, 307, '', { Location: `//${this.leader.host}:${this.leader.port}` });
    }
    if (p === '/state' || p === '/master/state' || p === '/state.json' || p === '/master/state.json') {
      if (!this.isLeader && this.leader) return text(res, 307, '', { Location: `//${this.leader.host}:${this.leader.port}${p}` });
      return json(res, 200, this.state());
    }
    if (p === '/health' || p === '/master/health') return text(res, 200);
    if ((p === '/teardown' || p === '/master/teardown') && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const id = form.get('frameworkId');
      if (!id) return text(res, 400, "Missing 'frameworkId' query parameter in the request body");
      if (!this.frameworks.has(id)) return text(res, 400, `No framework found with specified ID`);
      this.removeFramework(id, 'operator teardown');
      return text(res, 200);
    }
    text(res, 404);
  }

  private async handleScheduler(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const auth = authenticate(req, this.opts.credentials);
    if (!auth.ok) return text(res, 401, '401 Unauthorized.', { 'WWW-Authenticate': 'Basic realm="mesos-master-scheduler"' });
    if (!this.isLeader) {
      if (!this.leader) return text(res, 503, 'No leader elected');
      return text(res, 307, '', { Location: `//${this.leader.host}:${this.leader.port}${path}` });
    }
    const call = await readCall(req, res, parseSchedulerCall);
    if (!call) return;
    if (call.type === 'SUBSCRIBE') {
      const accept = checkMediaTypes(req.headers, true);
      if (accept) return text(res, accept.status, accept.message);
      if (auth.principal !== undefined && call.subscribe.framework_info.principal !== undefined && call.subscribe.framework_info.principal !== auth.principal) {
        return text(res, 400, `Failed to validate scheduler::Call: Authenticated principal '${auth.principal}' does not match principal '${call.subscribe.framework_info.principal}' set in 'FrameworkInfo'`);
      }
      if (req.headers['mesos-stream-id'] !== undefined) return text(res, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      return this.subscribe(call, res, auth.principal);
    }
    const fid = call.framework_id!.value;
    const f = this.frameworks.get(fid);
    if (!f) return text(res, 400, 'Framework cannot be found');
    if (auth.principal !== undefined && f.principal !== undefined && f.principal !== auth.principal) {
      return text(res, 400, `Authenticated principal '${auth.principal}' does not match principal '${f.principal}' of the framework`);
    }
    if (!f.stream?.isOpen) return text(res, 403, 'Framework is not subscribed');
    const sid = req.headers['mesos-stream-id'];
    if (sid === undefined) return text(res, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    if (sid !== f.stream.id) {
      return text(res, 400, `The stream ID '${String(sid)}' included in this request didn't match the stream ID currently associated with framework ID ${fid}`);
    }
    if (call.type === 'UPDATE_FRAMEWORK') {
      const info = call.update_framework.framework_info;
      if (info.principal !== f.info.principal) return text(res, 400, "Changing framework's principal is not allowed.");
      f.info = { ...info, user: f.info.user, checkpoint: f.info.checkpoint };
      f.roles = frameworkRoles(info);
      f.suppressed = new Set(call.update_framework.suppressed_roles ?? []);
      return text(res, 200);
    }
    text(res, 202);
    this.dispatch(f, call);
  }

  // ------------------------------------------------------------------------------------------ frameworks

  private subscribe(call: Extract<SchedulerCall, { type: 'SUBSCRIBE' }>, res: ServerResponse, principal: string | undefined): void {
    const info = structuredClone(call.subscribe.framework_info);
    const stream = new EventStream(res, { streamIdHeader: true, chunkSplit: this.opts.chunkSplit ?? false });
    const fail = (message: string) => {
      stream.send({ type: 'ERROR', error: { message } });
      stream.close();
    };
    const err = this.validateFrameworkInfo(info, call.subscribe.suppressed_roles ?? []);
    if (err) return fail(err);
    if (principal !== undefined && info.principal === undefined) info.principal = principal;
    const requestedId = info.id?.value;
    if (requestedId && this.removedFrameworkIds.has(requestedId)) return fail('Framework has been removed');
    let f = requestedId ? this.frameworks.get(requestedId) : undefined;
    if (f) {
      if (f.info.principal !== undefined && info.principal !== f.info.principal && !f.recovered) {
        return fail("Changing framework's principal is not allowed.");
      }
      if (f.stream?.isOpen) {
        f.stream.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        f.stream.close();
      }
      clearTimeout(f.failoverTimer);
      f.failoverTimer = undefined;
      // Old offers are discarded without RESCIND; the framework must forget them.
      this.discardOffers(f, false);
      const keep = f.recovered ? info : { ...info, user: f.info.user, checkpoint: f.info.checkpoint };
      f.info = { ...keep, id: { value: f.id } };
      f.roles = frameworkRoles(info);
      f.recovered = false;
      f.reregisteredTime = now();
      f.unregisteredTime = undefined;
    } else {
      const id = requestedId ?? `${this.id}-${fmtId(this.nextFramework++)}`;
      f = {
        id,
        info: { ...info, id: { value: id } },
        roles: frameworkRoles(info),
        stream: undefined,
        active: true,
        recovered: false,
        suppressed: new Set(),
        offers: new Map(),
        tasks: new Map(),
        completedTasks: [],
        executors: new Map(),
        registeredTime: now(),
        reregisteredTime: requestedId ? now() : undefined,
        unregisteredTime: undefined,
        failoverTimer: undefined,
        principal: info.principal,
        offersMade: 0,
      };
      this.frameworks.set(id, f);
    }
    const fw = f;
    fw.suppressed = new Set(call.subscribe.suppressed_roles ?? []);
    fw.stream = stream;
    fw.active = true;
    fw.principal = fw.info.principal;
    stream.onClose(() => this.disconnected(fw, stream));
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: fw.id }, heartbeat_interval_seconds: this.opts.heartbeatIntervalSeconds, master_info: this.masterInfo },
    });
    stream.startHeartbeats(this.opts.heartbeatIntervalSeconds * 1000);
    log.info({ framework: fw.id, name: fw.info.name }, 'framework subscribed');
    // Agents resend pending status updates to a (re)subscribed framework at once.
    for (const a of this.agents.values()) a.agent.resendUpdates(fw.id);
    setImmediate(() => this.allocate());
  }

  private validateFrameworkInfo(info: FrameworkInfo, suppressed: string[]): string | undefined {
    const multi = hasCapability(info, 'MULTI_ROLE');
    if (multi && info.role !== undefined) return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
    if (!multi && info.roles !== undefined && info.roles.length > 0) return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
    const roles = frameworkRoles(info);
    if (new Set(roles).size !== roles.length) return `'FrameworkInfo.roles' contains duplicate items`;
    for (const r of roles) {
      if (r === '' || r === '.' || r === '..' || r.startsWith('-') || /[\s\\]/.test(r)) return `Role '${r}' is invalid`;
    }
    if (this.opts.roles) {
      const bad = roles.filter((r) => r !== '*' && !this.opts.roles!.includes(r));
      if (bad.length > 0) return `Roles { ${bad.join(', ')} } are not present in the master's --roles`;
    }
    const notIn = suppressed.filter((r) => !roles.includes(r));
    if (notIn.length > 0) return `Suppressed roles { ${notIn.join(', ')} } are not contained in the set of roles`;
    const ft = info.failover_timeout ?? 0;
    if (!Number.isFinite(ft) || ft < 0) return `The framework failover_timeout (${ft}) is invalid`;
    return undefined;
  }

  private disconnected(f: MFramework, stream: EventStream): void {
    if (f.stream !== stream || this.stopped) return;
    f.stream = undefined;
    f.active = false;
    f.unregisteredTime = now();
    this.discardOffers(f, false);
    const timeoutMs = (f.info.failover_timeout ?? 0) * 1000;
    log.info({ framework: f.id, failoverTimeoutMs: timeoutMs }, 'framework disconnected');
    // Beyond a timer's range (about 24.8 days; e.g. Spark's dispatcher asks for 2^31-1 s) it never elapses here.
    if (timeoutMs > 2 ** 31 - 1) return;
    f.failoverTimer = setTimeout(() => this.removeFramework(f.id, 'failover timeout elapsed'), timeoutMs);
    f.failoverTimer.unref();
  }

  /** Removes a framework: its tasks are killed and its executors shut down on every agent. */
  removeFramework(id: string, reason: string): void {
    const f = this.frameworks.get(id);
    if (!f) return;
    log.info({ framework: id, reason }, 'removing framework');
    clearTimeout(f.failoverTimer);
    this.discardOffers(f, true);
    this.frameworks.delete(id);
    this.removedFrameworkIds.add(id);
    for (const t of f.tasks.values()) {
      if (!isTerminalTaskState(t.state)) t.state = 'TASK_KILLED';
      f.completedTasks.push(t);
    }
    f.tasks.clear();
    this.filters = this.filters.filter((x) => x.frameworkId !== id);
    f.active = false;
    f.unregisteredTime = now();
    const stream = f.stream;
    f.stream = undefined;
    stream?.close();
    for (const a of this.agents.values()) a.agent.shutdownFramework(id);
    this.completedFrameworks.push(f);
    if (this.completedFrameworks.length > 50) this.completedFrameworks.shift();
  }

  private send(f: MFramework, event: unknown): void {
    f.stream?.send(event);
  }

  // ------------------------------------------------------------------------------------------ calls

  private dispatch(f: MFramework, call: SchedulerCall): void {
    switch (call.type) {
      case 'TEARDOWN':
        return this.removeFramework(f.id, 'TEARDOWN call');
      case 'ACCEPT':
        return this.accept(f, call.accept.offer_ids ?? [], call.accept.operations ?? [], call.accept.filters?.refuse_seconds);
      case 'DECLINE':
        return this.decline(f, call.decline.offer_ids ?? [], call.decline.filters?.refuse_seconds);
      case 'REVIVE':
        return this.revive(f, call.revive?.roles);
      case 'SUPPRESS': {
        const roles = call.suppress?.roles?.length ? call.suppress.roles : f.roles;
        if (roles.some((r) => !f.roles.includes(r))) return;
        for (const r of roles) f.suppressed.add(r);
        return;
      }
      case 'KILL':
        return this.kill(f, call.kill.task_id.value, call.kill.agent_id?.value, call.kill.kill_policy?.grace_period?.nanoseconds);
      case 'SHUTDOWN': {
        const a = this.agents.get(call.shutdown.agent_id.value);
        a?.agent.shutdownExecutor(f.id, call.shutdown.executor_id.value);
        return;
      }
      case 'ACKNOWLEDGE':
        return this.acknowledge(f, call.acknowledge.agent_id.value, call.acknowledge.task_id.value, call.acknowledge.uuid);
      case 'RECONCILE':
        return this.reconcile(f, call.reconcile.tasks ?? []);
      case 'MESSAGE': {
        const a = this.agents.get(call.message.agent_id.value);
        a?.agent.frameworkMessage(f.id, call.message.executor_id.value, call.message.data);
        return;
      }
      default:
        // REQUEST and inverse-offer answers are accepted and ignored, as the built-in allocator does.
        return;
    }
  }

  private refuseFilter(f: MFramework, role: string, agentId: string, resources: Resource[], refuseSeconds: number | undefined): void {
    let secs = refuseSeconds ?? 5;
    if (secs < 0) secs = 5;
    if (secs === 0 || resources.length === 0) return;
    secs = Math.min(secs, 365 * 24 * 3600);
    const ms = Math.max(secs * 1000, this.opts.allocationIntervalMs);
    this.filters.push({ frameworkId: f.id, role, agentId, resources: normalize(resources), expires: Date.now() + ms });
  }

  private takeOffer(f: MFramework, id: string): MOffer | undefined {
    const o = f.offers.get(id);
    if (o) {
      clearTimeout(o.timer);
      f.offers.delete(id);
    }
    return o;
  }

  private decline(f: MFramework, offerIds: { value: string }[], refuseSeconds: number | undefined): void {
    for (const { value } of offerIds) {
      const o = this.takeOffer(f, value);
      if (o) this.refuseFilter(f, o.role, o.offer.agent_id.value, o.offer.resources ?? [], refuseSeconds);
    }
  }

  private revive(f: MFramework, roles: string[] | undefined): void {
    const which = roles?.length ? roles : f.roles;
    if (which.some((r) => !f.roles.includes(r))) return;
    for (const r of which) f.suppressed.delete(r);
    this.filters = this.filters.filter((x) => x.frameworkId !== f.id || !which.includes(x.role));
    setImmediate(() => this.allocate());
  }

  private accept(f: MFramework, offerIds: { value: string }[], operations: Operation[], refuseSeconds: number | undefined): void {
    const launchTasks = operations.flatMap((op) =>
      op.type === 'LAUNCH' ? (op.launch?.task_infos ?? []) : op.type === 'LAUNCH_GROUP' ? (op.launch_group?.task_group.tasks ?? []) : [],
    );
    const ids = offerIds.map((o) => o.value);
    let invalid: string | undefined;
    if (ids.length === 0) invalid = 'No offers specified';
    else if (new Set(ids).size !== ids.length) invalid = 'Duplicate offers specified';
    const offers: MOffer[] = [];
    if (!invalid) {
      for (const id of ids) {
        const o = f.offers.get(id);
        if (!o) {
          invalid = `Offer ${id} is no longer valid`;
          break;
        }
        offers.push(o);
      }
    }
    if (!invalid && new Set(offers.map((o) => o.offer.agent_id.value)).size > 1) invalid = 'Aggregated offers must belong to one single agent';
    if (!invalid && new Set(offers.map((o) => o.role)).size > 1) invalid = 'Aggregated offers must be allocated to the same role';
    if (invalid) {
      // Valid offers go back to the pool without a filter; launched tasks are lost.
      for (const o of offers) this.takeOffer(f, o.offer.id.value);
      const pa = hasCapability(f.info, 'PARTITION_AWARE');
      for (const t of launchTasks) {
        this.send(f, updateEvent(masterStatus(t.task_id.value, pa ? 'TASK_DROPPED' : 'TASK_LOST', 'REASON_INVALID_OFFERS', `Task launched with invalid offers: ${invalid}`, t.agent_id?.value)));
      }
      setImmediate(() => this.allocate());
      return;
    }
    for (const o of offers) this.takeOffer(f, o.offer.id.value);
    const agentId = offers[0]!.offer.agent_id.value;
    const role = offers[0]!.role;
    const agent = this.agents.get(agentId);
    let pool = normalize(offers.flatMap((o) => o.offer.resources ?? []));
    const launchedHere = new Set<string>();
    for (const op of operations) {
      if (op.type !== 'LAUNCH' && op.type !== 'LAUNCH_GROUP') continue;
      const group = op.type === 'LAUNCH_GROUP';
      const tasks = group ? (op.launch_group?.task_group.tasks ?? []) : (op.launch?.task_infos ?? []);
      const groupExecutor = group ? op.launch_group?.executor : undefined;
      if (op.id !== undefined) {
        for (const t of tasks) this.send(f, updateEvent(masterStatus(t.task_id.value, 'TASK_ERROR', 'REASON_TASK_INVALID', "'Offer.Operation.id' must not be set for LAUNCH or LAUNCH_GROUP", agentId)));
        continue;
      }
      const known = new Map(f.executors.get(agentId) ?? []);
      for (const t of tasks) {
        const task: TaskInfo = groupExecutor ? { ...t, executor: t.executor ?? groupExecutor } : t;
        const active = new Set([...[...f.tasks.values()].filter((x) => !isTerminalTaskState(x.state)).map((x) => x.info.task_id.value), ...launchedHere]);
        const [validationError, needs] = validateTask(task, { agentId, activeTaskIds: active, knownExecutors: known, available: pool });
        let error = validationError;
        if (!error && group && groupExecutor?.type === undefined) error = "'ExecutorInfo.type' must be set";
        if (!error && group && task.container?.type === 'DOCKER') error = 'Docker ContainerInfo is not supported on the task';
        if (error || !agent) {
          this.send(f, updateEvent(masterStatus(t.task_id.value, 'TASK_ERROR', group ? 'REASON_TASK_GROUP_INVALID' : 'REASON_TASK_INVALID', error ?? `Agent ${agentId} is not available`, agentId)));
          continue;
        }
        pool = subtract(pool, needs)!;
        launchedHere.add(task.task_id.value);
        const executorId = task.executor?.executor_id.value;
        if (task.executor && !known.has(executorId!)) {
          known.set(executorId!, task.executor);
          if (!f.executors.has(agentId)) f.executors.set(agentId, new Map());
          f.executors.get(agentId)!.set(executorId!, { ...task.executor, framework_id: { value: f.id } });
        }
        const mt: MTask = {
          info: task,
          frameworkId: f.id,
          agentId,
          executorId: executorId ?? task.task_id.value,
          role,
          state: 'TASK_STAGING',
          statuses: [],
          resources: normalize(task.resources ?? []),
          terminalUuid: undefined,
        };
        f.tasks.set(task.task_id.value, mt);
        agent.agent.launchTask(f.info, task);
      }
    }
    // What no operation used is declined with the ACCEPT's filter.
    this.refuseFilter(f, role, agentId, pool, refuseSeconds);
  }

  private kill(f: MFramework, taskId: string, agentId: string | undefined, graceNanos: number | undefined): void {
    const t = f.tasks.get(taskId);
    if (!t) return this.reconcile(f, [{ task_id: { value: taskId }, ...(agentId ? { agent_id: { value: agentId } } : {}) }]);
    if (agentId !== undefined && agentId !== t.agentId) return;
    this.agents.get(t.agentId)?.agent.killTask(f.id, taskId, graceNanos === undefined ? undefined : graceNanos / 1e6);
  }

  private acknowledge(f: MFramework, agentId: string, taskId: string, uuid: string): void {
    const a = this.agents.get(agentId);
    if (!a) return; // unknown or disconnected agent: the update is resent later
    a.agent.acknowledge(f.id, taskId, uuid);
    const t = f.tasks.get(taskId);
    if (t && t.terminalUuid === uuid) {
      f.tasks.delete(taskId);
      f.completedTasks.push(t);
      if (f.completedTasks.length > 1000) f.completedTasks.shift();
    }
  }

  private reconcile(f: MFramework, tasks: { task_id: { value: string }; agent_id?: { value: string } }[]): void {
    const pa = hasCapability(f.info, 'PARTITION_AWARE');
    const answer = (t: MTask) => {
      const last = t.statuses[t.statuses.length - 1];
      const s: TaskStatus = {
        task_id: t.info.task_id,
        state: t.state,
        source: 'SOURCE_MASTER',
        reason: 'REASON_RECONCILIATION',
        message: 'Reconciliation: Latest task state',
        agent_id: { value: t.agentId },
        timestamp: now(),
      };
      if (t.executorId !== undefined) s.executor_id = { value: t.executorId };
      if (last?.container_status) s.container_status = last.container_status;
      if (last?.healthy !== undefined) s.healthy = last.healthy;
      this.send(f, updateEvent(s));
    };
    if (tasks.length === 0) {
      for (const t of f.tasks.values()) answer(t);
      return;
    }
    for (const req of tasks) {
      const t = f.tasks.get(req.task_id.value);
      if (t) {
        answer(t);
        continue;
      }
      const agentId = req.agent_id?.value;
      const agentKnown = agentId !== undefined && this.agents.has(agentId);
      const state: TaskState = pa ? (agentKnown ? 'TASK_GONE' : 'TASK_UNKNOWN') : 'TASK_LOST';
      const message = agentKnown ? 'Reconciliation: Task is unknown to the agent' : 'Reconciliation: Task is unknown';
      this.send(f, updateEvent(masterStatus(req.task_id.value, state, 'REASON_RECONCILIATION', message, agentId)));
    }
  }

  // ------------------------------------------------------------------------------------------ agents

  /** An agent (re)registers; returns its id. Re-registration brings back its tasks (after a master failover). */
  registerAgent(agent: Agent, reg: AgentRegistration): string {
    const id = reg.id ?? `${this.id}-S${this.nextAgent++}`;
    const existing = this.agents.get(id);
    this.agents.set(id, {
      id, agent, hostname: reg.hostname, port: reg.port, total: normalize(reg.resources), attributes: reg.attributes,
      registeredTime: existing?.registeredTime ?? now(), reregisteredTime: reg.id ? now() : undefined, active: true,
    });
    for (const fi of reg.frameworks ?? []) {
      const fid = fi.id!.value;
      if (this.frameworks.has(fid) || this.removedFrameworkIds.has(fid)) continue;
      // A framework this master has not seen since it was elected: known from the agent until it re-subscribes.
      this.frameworks.set(fid, {
        id: fid, info: fi, roles: frameworkRoles(fi), stream: undefined, active: false, recovered: true, suppressed: new Set(),
        offers: new Map(), tasks: new Map(), completedTasks: [], executors: new Map(), registeredTime: now(),
        reregisteredTime: undefined, unregisteredTime: undefined, failoverTimer: undefined, principal: fi.principal, offersMade: 0,
      });
    }
    for (const e of reg.executors ?? []) {
      const f = this.frameworks.get(e.frameworkId);
      if (!f) continue;
      if (!f.executors.has(id)) f.executors.set(id, new Map());
      f.executors.get(id)!.set(e.info.executor_id.value, e.info);
    }
    for (const t of reg.tasks ?? []) {
      const f = this.frameworks.get(t.frameworkId);
      if (!f || f.tasks.has(t.info.task_id.value)) continue;
      f.tasks.set(t.info.task_id.value, {
        info: t.info, frameworkId: t.frameworkId, agentId: id, executorId: t.executorId, role: roleOfTask(t.info, f),
        state: t.state, statuses: t.statuses, resources: normalize(t.info.resources ?? []), terminalUuid: undefined,
      });
    }
    log.info({ agent: id, hostname: reg.hostname, reregistered: reg.id !== undefined }, 'agent registered');
    setImmediate(() => this.allocate());
    return id;
  }

  /** An agent went away for good: its tasks are lost (or unreachable for partition-aware frameworks). */
  removeAgent(agentId: string, reason = 'Agent removed'): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    this.agents.delete(agentId);
    for (const f of this.frameworks.values()) {
      for (const o of [...f.offers.values()]) {
        if (o.offer.agent_id.value === agentId) {
          this.takeOffer(f, o.offer.id.value);
          this.send(f, { type: 'RESCIND', rescind: { offer_id: o.offer.id } });
        }
      }
      const pa = hasCapability(f.info, 'PARTITION_AWARE');
      for (const t of [...f.tasks.values()]) {
        if (t.agentId !== agentId) continue;
        const state: TaskState = pa ? 'TASK_UNREACHABLE' : 'TASK_LOST';
        const s = masterStatus(t.info.task_id.value, state, 'REASON_AGENT_REMOVED', reason, agentId);
        if (pa) s.unreachable_time = { nanoseconds: Date.now() * 1e6 };
        t.state = state;
        t.statuses.push(s);
        if (!pa) {
          f.tasks.delete(t.info.task_id.value);
          f.completedTasks.push(t);
        }
        this.send(f, updateEvent(s));
      }
      f.executors.delete(agentId);
      this.send(f, { type: 'FAILURE', failure: { agent_id: { value: agentId } } });
    }
  }

  /** A status update from an agent's status-update manager (carries a uuid; resent until acknowledged). */
  statusUpdate(agentId: string, frameworkId: string, status: TaskStatus): void {
    const f = this.frameworks.get(frameworkId);
    if (!f) return;
    const t = f.tasks.get(status.task_id.value);
    if (t) {
      if (!t.statuses.some((s) => s.uuid === status.uuid)) t.statuses.push(status);
      t.state = status.state;
      if (isTerminalTaskState(status.state)) t.terminalUuid = status.uuid;
    }
    this.send(f, updateEvent({ ...status, agent_id: { value: agentId } }));
    if (isTerminalTaskState(status.state)) setImmediate(() => this.allocate());
  }

  /** A custom executor ended: the scheduler gets FAILURE with the wait status. */
  executorExited(agentId: string, frameworkId: string, executorId: string, waitStatus: number): void {
    const f = this.frameworks.get(frameworkId);
    if (!f) return;
    f.executors.get(agentId)?.delete(executorId);
    this.send(f, { type: 'FAILURE', failure: { agent_id: { value: agentId }, executor_id: { value: executorId }, status: waitStatus } });
    setImmediate(() => this.allocate());
  }

  executorMessage(agentId: string, frameworkId: string, executorId: string, data: string): void {
    const f = this.frameworks.get(frameworkId);
    if (f) this.send(f, { type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data } });
  }

  /** Test control: the framework's stream stops sending bytes while its connection stays open. */
  stallFramework(frameworkId: string): void {
    this.frameworks.get(frameworkId)?.stream?.stall();
  }

  frameworkInfo(frameworkId: string): FrameworkInfo | undefined {
    return this.frameworks.get(frameworkId)?.info;
  }

  // ------------------------------------------------------------------------------------------ allocation

  private used(agentId: string): Resource[] {
    const parts: Resource[] = [];
    for (const f of this.frameworks.values()) {
      for (const t of f.tasks.values()) if (t.agentId === agentId && !isTerminalTaskState(t.state) && t.state !== 'TASK_UNREACHABLE') parts.push(...t.resources);
      for (const e of f.executors.get(agentId)?.values() ?? []) parts.push(...(e.resources ?? []));
      for (const o of f.offers.values()) if (o.offer.agent_id.value === agentId) parts.push(...(o.offer.resources ?? []));
    }
    return parts;
  }

  private share(f: MFramework): number {
    let cpus = 0;
    for (const t of f.tasks.values()) if (!isTerminalTaskState(t.state)) cpus += t.resources.filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    for (const o of f.offers.values()) cpus += (o.offer.resources ?? []).filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    // Executors hold resources too (Mesos' allocator counts them as allocated to the framework).
    for (const m of f.executors.values()) for (const e of m.values()) cpus += (e.resources ?? []).filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    return cpus;
  }

  /** One allocation round: each agent's free resources go to the (framework, role) with the smallest share. */
  allocate(): void {
    if (!this.isLeader || this.stopped) return;
    const t0 = Date.now();
    this.filters = this.filters.filter((x) => x.expires > t0);
    const batches = new Map<string, Offer[]>();
    for (const a of this.agents.values()) {
      if (!a.active) continue;
      let free = subtract(a.total, this.used(a.id)) ?? [];
      const candidates = [...this.frameworks.values()]
        .filter((f) => f.active && f.stream?.isOpen)
        .sort((x, y) => this.share(x) - this.share(y) || x.offersMade - y.offersMade);
      const hasGpus = a.total.some((r) => r.name === 'gpus' && (r.scalar?.value ?? 0) > 0);
      for (const f of candidates) {
        if (hasGpus && !hasCapability(f.info, 'GPU_RESOURCES')) continue;
        for (const role of f.roles) {
          if (f.suppressed.has(role)) continue;
          const offerable = forRole(free, role);
          if (!isAllocatable(offerable)) continue;
          const filtered = this.filters.some((x) => x.frameworkId === f.id && x.role === role && x.agentId === a.id && contains(x.resources, offerable));
          if (filtered) continue;
          const offer = this.makeOffer(f, a, role, offerable);
          free = subtract(free, offerable) ?? [];
          if (!batches.has(f.id)) batches.set(f.id, []);
          batches.get(f.id)!.push(offer);
        }
      }
    }
    for (const [fid, offers] of batches) {
      const f = this.frameworks.get(fid)!;
      this.send(f, { type: 'OFFERS', offers: { offers } });
    }
  }

  private makeOffer(f: MFramework, a: MAgent, role: string, resources: Resource[]): Offer {
    const multi = hasCapability(f.info, 'MULTI_ROLE');
    const res = resources.map((r) => {
      const out = structuredClone(r);
      if (multi) out.allocation_info = { role };
      return out;
    });
    const offer: Offer = {
      id: { value: `${this.id}-O${this.nextOffer++}` },
      framework_id: { value: f.id },
      agent_id: { value: a.id },
      hostname: a.hostname,
      url: { scheme: 'http', address: { hostname: a.hostname, ip: a.hostname, port: a.port }, path: '/slave(1)' },
      resources: res,
    };
    if (a.attributes.length > 0) offer.attributes = a.attributes;
    const execs = [...(f.executors.get(a.id)?.keys() ?? [])];
    if (execs.length > 0) offer.executor_ids = execs.map((value) => ({ value }));
    if (multi) offer.allocation_info = { role };
    const mo: MOffer = { offer, role, timer: undefined };
    if (this.opts.offerTimeoutMs !== undefined) {
      mo.timer = setTimeout(() => {
        if (this.takeOffer(f, offer.id.value)) {
          this.send(f, { type: 'RESCIND', rescind: { offer_id: offer.id } });
          setImmediate(() => this.allocate());
        }
      }, this.opts.offerTimeoutMs);
      mo.timer.unref();
    }
    f.offers.set(offer.id.value, mo);
    f.offersMade++;
    return offer;
  }

  /** Drops a framework's outstanding offers; with `rescind`, tells the framework. */
  private discardOffers(f: MFramework, rescind: boolean): void {
    for (const o of [...f.offers.values()]) {
      this.takeOffer(f, o.offer.id.value);
      if (rescind) this.send(f, { type: 'RESCIND', rescind: { offer_id: o.offer.id } });
    }
  }

  // ------------------------------------------------------------------------------------------ state

  /** The v0 `/master/state` JSON, shaped as a real master returns it. */
  state(): Record<string, unknown> {
    const a = this.endpoint;
    const taskJson = (t: MTask) => {
      const out: Record<string, unknown> = {
        id: t.info.task_id.value,
        name: t.info.name,
        framework_id: t.frameworkId,
        executor_id: t.info.executor?.executor_id.value ?? '',
        slave_id: t.agentId,
        state: t.state,
        resources: toV0(t.resources),
        role: t.role,
        statuses: t.statuses.map((s) => ({ state: s.state, timestamp: s.timestamp ?? 0, ...(s.container_status ? { container_status: s.container_status } : {}), ...(s.healthy !== undefined ? { healthy: s.healthy } : {}) })),
      };
      if (t.info.labels) out.labels = t.info.labels.labels ?? [];
      if (t.info.container) out.container = t.info.container;
      if (t.info.discovery) out.discovery = t.info.discovery;
      return out;
    };
    const frameworkJson = (f: MFramework) => {
      const counts: Record<string, number> = {};
      for (const t of f.tasks.values()) counts[t.state] = (counts[t.state] ?? 0) + 1;
      const used = [...f.tasks.values()].filter((t) => !isTerminalTaskState(t.state)).flatMap((t) => t.resources);
      const offered = [...f.offers.values()].flatMap((o) => o.offer.resources ?? []);
      const multi = hasCapability(f.info, 'MULTI_ROLE');
      return {
        id: f.id,
        name: f.info.name,
        pid: '',
        used_resources: toV0(used),
        offered_resources: toV0(offered),
        resources: toV0(add(used, offered)),
        capabilities: (f.info.capabilities ?? []).map((c) => c.type),
        hostname: f.info.hostname ?? '',
        webui_url: f.info.webui_url ?? '',
        active: f.active,
        connected: f.stream?.isOpen ?? false,
        recovered: f.recovered,
        user: f.info.user,
        failover_timeout: f.info.failover_timeout ?? 0,
        checkpoint: f.info.checkpoint ?? false,
        registered_time: f.registeredTime,
        unregistered_time: f.unregisteredTime ?? 0,
        ...(f.reregisteredTime !== undefined ? { reregistered_time: f.reregisteredTime } : {}),
        ...(f.info.principal !== undefined ? { principal: f.info.principal } : {}),
        ...(multi ? { roles: f.roles } : { role: f.info.role ?? '*' }),
        ...counts,
        tasks: [...f.tasks.values()].filter((t) => t.state !== 'TASK_UNREACHABLE').map(taskJson),
        unreachable_tasks: [...f.tasks.values()].filter((t) => t.state === 'TASK_UNREACHABLE').map(taskJson),
        completed_tasks: f.completedTasks.map(taskJson),
        offers: [...f.offers.values()].map((o) => ({ id: o.offer.id.value, framework_id: f.id, slave_id: o.offer.agent_id.value, resources: toV0(o.offer.resources ?? []), ...(multi ? { allocation_info: { role: o.role } } : {}) })),
        // As Mesos' model(ExecutorInfo): ids as strings, resources as a v0 object.
        executors: [...f.executors.entries()].flatMap(([agentId, m]) => [...m.values()].map((e) => ({
          executor_id: e.executor_id.value, name: e.name ?? '', source: e.source ?? '', framework_id: f.id, slave_id: agentId,
          resources: toV0(e.resources ?? []), ...(e.command ? { command: e.command } : {}), ...(e.container ? { container: e.container } : {}),
          ...(e.labels ? { labels: e.labels.labels ?? [] } : {}),
        }))),
        ...(f.info.labels ? { labels: f.info.labels.labels ?? [] } : {}),
      };
    };
    const slaves = [...this.agents.values()].map((ag) => {
      const used = [...this.frameworks.values()].flatMap((f) => [...f.tasks.values()].filter((t) => t.agentId === ag.id && !isTerminalTaskState(t.state)).flatMap((t) => t.resources));
      const offered = [...this.frameworks.values()].flatMap((f) => [...f.offers.values()].filter((o) => o.offer.agent_id.value === ag.id).flatMap((o) => o.offer.resources ?? []));
      const reserved: Record<string, Record<string, number | string>> = {};
      for (const r of ag.total) {
        const role = roleOf(r);
        if (role !== '*') reserved[role] = toV0(ag.total.filter((x) => roleOf(x) === role));
      }
      return {
        id: ag.id,
        pid: `slave(1)@${ag.hostname}:${ag.port}`,
        hostname: ag.hostname,
        port: ag.port,
        registered_time: ag.registeredTime,
        ...(ag.reregisteredTime !== undefined ? { reregistered_time: ag.reregisteredTime } : {}),
        resources: toV0(ag.total),
        used_resources: toV0(used),
        offered_resources: toV0(offered),
        reserved_resources: reserved,
        unreserved_resources: toV0(ag.total.filter((r) => roleOf(r) === '*')),
        attributes: Object.fromEntries(ag.attributes.map((at) => [at.name, attributeV0(at)])),
        active: ag.active,
        deactivated: false,
        version: VERSION,
        capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
      };
    });
    return {
      version: VERSION,
      build_date: '2024-08-01 00:00:00',
      build_time: 1722470400,
      build_user: 'minimesos',
      start_time: this.startTime,
      elected_time: this.electedTime ?? 0,
      id: this.id,
      pid: `master@${a.host}:${a.port}`,
      hostname: this.opts.hostname ?? a.host,
      capabilities: ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'],
      activated_slaves: slaves.length,
      deactivated_slaves: 0,
      unreachable_slaves: 0,
      leader: this.leader ? `master@${this.leader.host}:${this.leader.port}` : '',
      leader_info: this.masterInfo,
      flags: {
        allocation_interval: `${this.opts.allocationIntervalMs}ms`,
        authenticate_http_frameworks: this.opts.credentials ? 'true' : 'false',
        ...(this.opts.roles ? { roles: this.opts.roles.join(',') } : {}),
        ...(this.opts.zk ? { zk: this.opts.zk } : {}),
      },
      slaves,
      recovered_slaves: [],
      frameworks: [...this.frameworks.values()].filter((f) => !f.recovered || f.tasks.size > 0).map(frameworkJson),
      completed_frameworks: this.completedFrameworks.map(frameworkJson),
      orphan_tasks: [],
      unregistered_frameworks: [],
    };
  }
}

function frameworkRoles(info: FrameworkInfo): string[] {
  if (hasCapability(info, 'MULTI_ROLE')) return info.roles ?? [];
  return [info.role ?? '*'];
}

function roleOfTask(task: TaskInfo, f: MFramework): string {
  const reserved = (task.resources ?? []).map(roleOf).find((r) => r !== '*');
  return reserved ?? task.resources?.[0]?.allocation_info?.role ?? f.roles[0] ?? '*';
}

function attributeV0(at: NonNullable<Offer['attributes']>[number]): number | string {
  if (at.type === 'SCALAR') return at.scalar?.value ?? 0;
  if (at.type === 'TEXT') return at.text?.value ?? '';
  if (at.type === 'RANGES') return `[${(at.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
  return `{${(at.set?.item ?? []).join(',')}}`;
}

function masterStatus(taskId: string, state: TaskState, reason: string, message: string, agentId?: string): TaskStatus {
  const s: TaskStatus = { task_id: { value: taskId }, state, source: 'SOURCE_MASTER', reason, message, timestamp: now() };
  if (agentId !== undefined) s.agent_id = { value: agentId };
  return s;
}

function updateEvent(status: TaskStatus): unknown {
  return { type: 'UPDATE', update: { status } };
}
