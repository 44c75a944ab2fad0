import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, type AgentOptions } from './Agent.js';
import { AgentProcess } from './AgentProcess.js';
import { Master, type MasterOptions } from './Master.js';
import { DEFAULT_AGENT_RESOURCES, parseAttributesSpec, parseResourcesSpec } from './specs.js';
import { IllegalArgumentException } from '../util/errors.js';

export interface MiniClusterOptions {
  host?: string;
  port?: number;
  agents?: number;
  /**
   * Each agent's host, in order (others use `host`): loopback addresses such as 127.0.0.2 give agents distinct hosts,
   * so processes on different agents can listen on the same port.
   */
  agentHosts?: string[];
  /** Agent resources in Mesos flag syntax, the same for every agent (e.g. `cpus:4;mem:4096;ports:[31000-32000]`). */
  resources?: string;
  /** Agent attributes in Mesos flag syntax. */
  attributes?: string;
  roles?: string[];
  /** `zk://host:port/path`: the master registers there. */
  zk?: string;
  workDir?: string;
  /** Required scheduler credentials (Mesos `--credentials` file content). */
  credentials?: { principal: string; secret: string }[];
  master?: Partial<MasterOptions>;
  agent?: Partial<AgentOptions>;
  /**
   * Agents run as processes of their own (`spark-mesos mini-cluster --role agent`) that register with the master
   * over HTTP, instead of objects in this process; they are in `agentProcesses`.
   */
  agentProcesses?: boolean;
  /** Extra `--role agent` arguments for process agents. */
  agentArgs?: string[];
}

/** Reads a Mesos credentials file: `{"credentials":[{"principal":"p","secret":"s"}]}`. */
export function readCredentialsFile(path: string): { principal: string; secret: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new IllegalArgumentException(`--credentials: cannot read '${path}' as JSON: ${(err as Error).message}`);
  }
  const list = (parsed as { credentials?: unknown }).credentials;
  if (!Array.isArray(list) || !list.every((c) => typeof c?.principal === 'string' && typeof c?.secret === 'string')) {
    throw new IllegalArgumentException(`--credentials: '${path}' should hold {"credentials":[{"principal":"...","secret":"..."}]}`);
  }
  return list as { principal: string; secret: string }[];
}

/** A master and N agents, in this process or (with `agentProcesses`) as processes of their own, on loopback. */
export class MiniCluster {
  readonly master: Master;
  readonly agents: Agent[] = [];
  readonly agentProcesses: AgentProcess[] = [];
  readonly workDir: string;
  private readonly opts: MiniClusterOptions;

  constructor(opts: MiniClusterOptions = {}) {
    this.opts = opts;
    this.workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'minimesos-'));
    this.master = new Master({
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      ...(opts.roles ? { roles: opts.roles } : {}),
      ...(opts.zk ? { zk: opts.zk } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      ...opts.master,
    });
  }

  /** `mesos://host:port` of the master, or `mesos://zk://...` when it registered in ZooKeeper. */
  get masterUrl(): string {
    return this.opts.zk ? `mesos://${this.opts.zk}` : `mesos://${this.master.endpoint.host}:${this.master.endpoint.port}`;
  }

  async start(): Promise<this> {
    const resources = parseResourcesSpec(this.opts.resources ?? DEFAULT_AGENT_RESOURCES);
    const attributes = parseAttributesSpec(this.opts.attributes ?? '');
    await this.master.start();
    try {
      if (this.opts.agentProcesses) {
        // Started together: each takes a second or two to boot.
        await Promise.all(Array.from({ length: this.opts.agents ?? 1 }, (_, i) => this.addAgentProcess(this.opts.agentHosts?.[i])));
      } else {
        for (let i = 0; i < (this.opts.agents ?? 1); i++) await this.addAgent(resources, attributes, this.opts.agentHosts?.[i]);
      }
      await this.waitForAgents(this.agents.length + this.agentProcesses.length);
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this;
  }

  /** Starts one more agent process; resolves once it registered. */
  async addAgentProcess(host?: string, extraArgs: string[] = this.opts.agentArgs ?? []): Promise<AgentProcess> {
    const i = this.agents.length + this.agentProcesses.length;
    const a = new AgentProcess({
      master: this.opts.zk ?? `${this.master.endpoint.host}:${this.master.endpoint.port}`,
      resources: this.opts.resources ?? DEFAULT_AGENT_RESOURCES,
      ...(this.opts.attributes ? { attributes: this.opts.attributes } : {}),
      workDir: join(this.workDir, `agent-${i}`),
      host: host ?? this.opts.host ?? '127.0.0.1',
      extraArgs,
    });
    this.agentProcesses.push(a);
    await a.start();
    return a;
  }

  async addAgent(resources = parseResourcesSpec(this.opts.resources ?? DEFAULT_AGENT_RESOURCES), attributes = parseAttributesSpec(this.opts.attributes ?? ''), host?: string): Promise<Agent> {
    const i = this.agents.length;
    const agent = new Agent({
      master: this.opts.zk ?? this.master,
      resources,
      attributes,
      workDir: join(this.workDir, `agent-${i}`),
      host: this.opts.host ?? '127.0.0.1',
      ...this.opts.agent,
      ...(host !== undefined ? { host } : {}),
    });
    await agent.start();
    this.agents.push(agent);
    return agent;
  }

  private async waitForAgents(n: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((this.master.state().slaves as unknown[]).length < n) {
      if (Date.now() > deadline) throw new Error(`only ${(this.master.state().slaves as unknown[]).length} of ${n} agents registered`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.agents.map((a) => a.stop()), ...this.agentProcesses.map((a) => a.stop())]);
    await this.master.stop();
  }
}
