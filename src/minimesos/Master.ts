import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { getLogger } from '../util/logging.js';
import { packIp } from '../mesos/masterUrl.js';
import type { FrameworkInfo, MasterInfo } from '../mesos/wire/framework.js';
import type { TaskState, TaskStatus } from '../mesos/wire/task.js';
import { text } from './http.js';
import type { AgentLink } from './master/AgentLink.js';
import { AgentRegistry } from './master/AgentRegistry.js';
import { Allocator } from './master/Allocator.js';
import { FrameworkRegistry } from './master/FrameworkRegistry.js';
import { handleMasterRequest } from './master/httpEndpoints.js';
import { InverseOffers } from './master/inverseOffers.js';
import { LeaderElection } from './master/LeaderElection.js';
import { Maintenance } from './master/maintenance.js';
import { Registrar } from './master/Registrar.js';
import { MAX_TIMER_MS, now, VERSION, type AgentRegistration, type MasterContext, type MasterOptions, type ResolvedMasterOptions } from './master/model.js';
import { masterState } from './master/stateJson.js';

export type { AgentRegistration, MasterOptions, TaskSnapshot } from './master/model.js';

const log = getLogger('minimesos.Master');

/**
 * A simulated Mesos master speaking the v1 scheduler HTTP API: subscriptions and heartbeats, the offer cycle
 * (filters, decline, revive, suppress, offer timeout, fair sharing), LAUNCH validation, status updates with
 * acknowledgements, reconciliation, kill/shutdown/teardown, framework failover timeouts, leader election in
 * ZooKeeper, and the v0 `/state` endpoint. The parts live in `master/`, split as Mesos' `src/master/` is.
 */
export class Master implements MasterContext {
  readonly id = randomUUID();
  readonly opts: ResolvedMasterOptions;
  readonly frameworks: FrameworkRegistry;
  readonly agents: AgentRegistry;
  readonly allocator: Allocator;
  readonly election: LeaderElection;
  readonly maintenance = new Maintenance();
  readonly inverseOffers: InverseOffers;
  readonly registrar: Registrar;
  readonly startTime = now();
  private server: http.Server | undefined;
  private address: { host: string; port: number } | undefined;
  private allocationTimer: NodeJS.Timeout | undefined;
  private registryGcTimer: NodeJS.Timeout | undefined;
  private isStopped = false;
  private isRecovering = false;

  constructor(opts: MasterOptions = {}) {
    this.opts = {
      host: '127.0.0.1', allocationIntervalMs: 1000, heartbeatIntervalSeconds: 15, agentPingTimeoutMs: 15_000, maxAgentPingTimeouts: 5,
      agentReregisterTimeoutMs: 600_000, registryMaxAgentAgeMs: 14 * 24 * 3600_000, registryMaxAgentCount: 102_400, registryGcIntervalMs: 15 * 60_000,
      maxCompletedTasksPerFramework: 1000, maxUnreachableTasksPerFramework: 1000,
      ...opts,
    };
    this.frameworks = new FrameworkRegistry(this);
    this.agents = new AgentRegistry(this);
    this.allocator = new Allocator(this);
    this.inverseOffers = new InverseOffers(this);
    this.election = new LeaderElection(() => this.address, () => this.masterInfo);
    this.election.onLostLeadership = () => {
      this.frameworks.closeStreams();
      this.agents.leadershipLost();
    };
    this.registrar = new Registrar(() => this.election.registryLocation());
    this.election.onElected = () => void this.recoverRegistry();
  }

  /**
   * Elected: the agents the registry holds are recovered until they re-register (Mesos' master recovery). Until the
   * registry is read, schedulers and agents get 503 "Master has not finished recovery", as from Mesos.
   */
  private async recoverRegistry(): Promise<void> {
    this.isRecovering = true;
    try {
      const registry = await this.registrar.read();
      if (this.isStopped || !this.isLeader) return;
      if (registry === undefined) {
        // A real master aborts here; this one leads without the registry (and does not store a partial one).
        log.error('could not read the agent registry: agents the previous leader admitted are not recovered');
        return;
      }
      if (registry.agents.length > 0) log.info({ agents: registry.agents.length }, 'recovered agents from the registry; waiting for them to re-register');
      this.agents.recover(registry);
    } finally {
      this.isRecovering = false;
    }
  }

  /** Elected and still reading the registry. */
  get recovering(): boolean {
    return this.isRecovering;
  }

  get stopped(): boolean {
    return this.isStopped;
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
    return this.election.isLeader;
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
      handleMasterRequest(this, req, res).catch((err) => {
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
    await this.election.start(this.opts.zk);
    this.allocationTimer = setInterval(() => this.allocate(), this.opts.allocationIntervalMs);
    this.allocationTimer.unref();
    if (this.opts.registryGcIntervalMs <= MAX_TIMER_MS) {
      this.registryGcTimer = setInterval(() => {
        if (this.isLeader && !this.isRecovering) void this.agents.forgetOldUnreachable();
      }, this.opts.registryGcIntervalMs);
      this.registryGcTimer.unref();
    }
  }

  /** Stops serving: streams close (schedulers see EOF), the ZooKeeper node goes away, agents look for a new leader. */
  async stop(): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    clearInterval(this.allocationTimer);
    clearInterval(this.registryGcTimer);
    this.frameworks.closeAll();
    this.agents.closeAll();
    // What was admitted reaches the registry before the session (and leadership) goes; bounded, as ZooKeeper may be
    // gone already, and then its client would wait for it forever.
    await Promise.race([this.registrar.flushed(), new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.election.stop();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  allocateSoon(): void {
    setImmediate(() => this.allocate());
  }

  /** One allocation round (also run every `allocationIntervalMs`). */
  allocate(): void {
    this.allocator.allocate();
  }

  /** Removes a framework: its tasks are killed and its executors shut down on every agent. */
  removeFramework(id: string, reason: string): void {
    this.frameworks.remove(id, reason);
  }

  /** An agent (re)registers; returns its id. Re-registration brings back its tasks (after a master failover). */
  registerAgent(link: AgentLink, reg: AgentRegistration): string {
    return this.agents.register(link, reg);
  }

  /**
   * The agent unregistered (left the cluster on its own, as a Mesos agent does when told to shut down): removed
   * without unreachability, each of its tasks ends `TASK_LOST` / `REASON_AGENT_REMOVED`, and frameworks get
   * `FAILURE{agent_id}`.
   */
  removeAgent(agentId: string, cause = 'the agent unregistered'): void {
    this.agents.remove(agentId, cause);
  }

  /** A status update from an agent's status-update manager (carries a uuid; resent until acknowledged). */
  statusUpdate(agentId: string, frameworkId: string, status: TaskStatus, latestState?: TaskState): void {
    this.agents.statusUpdate(agentId, frameworkId, status, latestState);
  }

  /** A custom executor ended: the scheduler gets FAILURE with the wait status. */
  executorExited(agentId: string, frameworkId: string, executorId: string, waitStatus: number): void {
    this.agents.executorExited(agentId, frameworkId, executorId, waitStatus);
  }

  executorMessage(agentId: string, frameworkId: string, executorId: string, data: string): void {
    this.agents.executorMessage(agentId, frameworkId, executorId, data);
  }

  /** Test control: the framework's stream stops sending bytes while its connection stays open. */
  stallFramework(frameworkId: string): void {
    this.frameworks.get(frameworkId)?.stream?.stall();
  }

  frameworkInfo(frameworkId: string): FrameworkInfo | undefined {
    return this.frameworks.get(frameworkId)?.info;
  }

  /** The v0 `/master/state` JSON, shaped as a real master returns it (without secret values, as Mesos shows none). */
  state(): Record<string, unknown> {
    return masterState(this);
  }
}
