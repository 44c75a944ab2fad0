/**
 * `mini-cluster --hosts`: a master (or several, electing a leader in ZooKeeper) and N agents, each a process on a
 * simulated host of its own (network and UTS namespace, address on a private bridge, `/etc/hosts` naming every
 * host), plus extra hosts (e.g. `driver`) where callers run commands with `exec`. Everything is removed on `stop()`, also after a failed start.
 */
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { AgentProcess, MasterProcess } from '../AgentProcess.js';
import { DEFAULT_AGENT_RESOURCES } from '../specs.js';
import { HostNetwork } from './HostNetwork.js';
import { planHosts } from './plan.js';

export const MASTER_PORT = 5050;
export const ZK_PORT = 2181;

export interface HostsClusterOptions {
  /** Names the cluster's namespaces (`minimesos-<name>-<host>`); random by default. */
  name?: string;
  agents?: number;
  /** Hosts with no Mesos process, for drivers, dispatchers, ZooKeeper (default: `driver`). */
  extraHosts?: string[];
  resources?: string;
  attributes?: string;
  workDir?: string;
  masterArgs?: string[];
  agentArgs?: string[];
  /** First three octets of the private /24 the hosts live in (default 10.77.0). */
  subnet?: string;
  /** Masters, on hosts `master`, `master2`, ... (default 1); more than one needs `zkHost`. */
  masters?: number;
  /**
   * An extra host where the caller runs ZooKeeper on port 2181 (after `createHosts()`, before `startMesos()`):
   * masters elect a leader in `zk://<its address>:2181/mesos`, agents and frameworks find the leader there.
   */
  zkHost?: string;
}

/** What a process on another host does not inherit: settings that describe this host. */
const HOST_SPECIFIC_ENV = { SPARK_LOCAL_IP: undefined, SPARK_LOCAL_HOSTNAME: undefined, NODE_TEST_CONTEXT: undefined };

export function hostEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(HOST_SPECIFIC_ENV)) if (!(k in extra)) delete env[k];
  return env;
}

export class HostsCluster {
  readonly network: HostNetwork;
  readonly workDir: string;
  readonly agents: AgentProcess[] = [];
  /** The first master (the only one without `zkHost`). */
  master: MasterProcess | undefined;
  readonly masters: MasterProcess[] = [];
  private readonly started = new Set<ChildProcess>();

  constructor(private readonly opts: HostsClusterOptions = {}) {
    // `mm<pid>z<hex>`: the creating process is in the name, so a run that was killed can be found and cleaned up.
    const name = opts.name ?? `mm${process.pid}z${randomBytes(1).toString('hex')}`;
    const agentNames = Array.from({ length: opts.agents ?? 1 }, (_, i) => `agent${i + 1}`);
    if ((opts.masters ?? 1) > 1 && !opts.zkHost) throw new Error('several masters need zkHost (where ZooKeeper runs) to elect a leader');
    if (opts.zkHost && !(opts.extraHosts ?? []).includes(opts.zkHost)) throw new Error(`zkHost '${opts.zkHost}' should be one of extraHosts`);
    this.network = new HostNetwork(planHosts(name, [...this.masterHosts(), ...agentNames, ...(opts.extraHosts ?? ['driver'])], opts.subnet));
    this.workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'minimesos-hosts-'));
  }

  get name(): string {
    return this.network.plan.cluster;
  }

  /** Names of the masters' hosts: `master`, then `master2`, ... */
  masterHosts(): string[] {
    return Array.from({ length: this.opts.masters ?? 1 }, (_, i) => (i === 0 ? 'master' : `master${i + 1}`));
  }

  /** `ip:port` of the (first) master (reachable from the cluster's hosts only). */
  get masterAddress(): string {
    return this.masterAddressOf('master');
  }

  masterAddressOf(host: string): string {
    return `${this.network.host(host).ip}:${MASTER_PORT}`;
  }

  /** `zk://<zkHost address>:2181/mesos`, or undefined without `zkHost`. */
  get zkUrl(): string | undefined {
    return this.opts.zkHost ? `zk://${this.network.host(this.opts.zkHost).ip}:${ZK_PORT}/mesos` : undefined;
  }

  /** What frameworks are given: the ZooKeeper URL when masters elect a leader there, else the master. */
  get masterUrl(): string {
    return `mesos://${this.zkUrl ?? this.masterAddress}`;
  }

  async start(): Promise<this> {
    this.createHosts();
    await this.startMesos();
    return this;
  }

  /** Makes the hosts only, for callers that start something (e.g. ZooKeeper) before `startMesos()`. */
  createHosts(): void {
    this.network.create();
  }

  /** Starts the masters, then the agents, on hosts made by `createHosts()`; on failure removes everything. */
  async startMesos(): Promise<void> {
    try {
      const zk = this.zkUrl ? ['--zk', this.zkUrl] : [];
      for (const name of this.masterHosts()) {
        const m = this.network.host(name);
        const p = new MasterProcess({ host: m.ip, port: MASTER_PORT, hostname: m.name, extraArgs: [...zk, ...(this.opts.masterArgs ?? [])], wrap: this.network.wrap(name), env: HOST_SPECIFIC_ENV });
        this.masters.push(p);
        this.master ??= p;
        await p.start();
      }
      await Promise.all(this.network.plan.hosts.filter((h) => h.name.startsWith('agent')).map((h) => {
        const a = new AgentProcess({
          master: this.zkUrl ?? this.masterAddress, resources: this.opts.resources ?? DEFAULT_AGENT_RESOURCES, ...(this.opts.attributes ? { attributes: this.opts.attributes } : {}),
          workDir: join(this.workDir, h.name), host: h.ip, hostname: h.name, extraArgs: this.opts.agentArgs ?? [], wrap: this.network.wrap(h.name), env: HOST_SPECIFIC_ENV,
        });
        this.agents.push(a);
        return a.start();
      }));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Starts a command on a host (without this host's SPARK_LOCAL_* settings); it is killed on `stop()` if still running. */
  exec(host: string, argv: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    const p = this.network.spawn(host, argv, { ...opts, env: hostEnv(opts.env ?? {}) });
    this.started.add(p);
    p.once('exit', () => this.started.delete(p));
    return p;
  }

  /** Runs a command on a host to its end; resolves with its exit code and output. */
  run(host: string, argv: readonly string[], opts: SpawnOptions = {}): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const p = this.exec(host, argv, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout!.on('data', (c) => (out += c));
      p.stderr!.on('data', (c) => (err += c));
      p.once('exit', (code) => resolve({ code, out, err }));
    });
  }

  cutLink(host: string): void {
    this.network.cutLink(host);
  }

  restoreLink(host: string): void {
    this.network.restoreLink(host);
  }

  /** Stops agents, then the master, kills leftover commands, and removes the hosts. */
  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await Promise.all(this.masters.map((m) => m.stop()));
    await Promise.all([...this.started].map((p) => new Promise<void>((r) => {
      if (p.exitCode !== null || p.signalCode !== null) return r();
      p.once('exit', () => r());
      p.kill('SIGKILL');
    })));
    this.network.remove();
  }
}
