/**
 * `mini-cluster --hosts`: a master and N agents, each a process on a simulated host of its own (network and UTS
 * namespace, address on a private bridge, `/etc/hosts` naming every host), plus extra hosts (e.g. `driver`) where
 * callers run commands with `exec`. Everything is removed on `stop()`, also after a failed start.
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
  master: MasterProcess | undefined;
  private readonly started = new Set<ChildProcess>();

  constructor(private readonly opts: HostsClusterOptions = {}) {
    const name = opts.name ?? `mm${randomBytes(3).toString('hex')}`;
    const agentNames = Array.from({ length: opts.agents ?? 1 }, (_, i) => `agent${i + 1}`);
    this.network = new HostNetwork(planHosts(name, ['master', ...agentNames, ...(opts.extraHosts ?? ['driver'])], opts.subnet));
    this.workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'minimesos-hosts-'));
  }

  get name(): string {
    return this.network.plan.cluster;
  }

  /** `ip:port` of the master (reachable from the cluster's hosts only). */
  get masterAddress(): string {
    return `${this.network.host('master').ip}:${MASTER_PORT}`;
  }

  get masterUrl(): string {
    return `mesos://${this.masterAddress}`;
  }

  async start(): Promise<this> {
    this.network.create();
    try {
      const m = this.network.host('master');
      this.master = new MasterProcess({ host: m.ip, port: MASTER_PORT, hostname: m.name, extraArgs: this.opts.masterArgs ?? [], wrap: this.network.wrap('master'), env: HOST_SPECIFIC_ENV });
      await this.master.start();
      await Promise.all(this.network.plan.hosts.filter((h) => h.name.startsWith('agent')).map((h) => {
        const a = new AgentProcess({
          master: this.masterAddress, resources: this.opts.resources ?? DEFAULT_AGENT_RESOURCES, ...(this.opts.attributes ? { attributes: this.opts.attributes } : {}),
          workDir: join(this.workDir, h.name), host: h.ip, hostname: h.name, extraArgs: this.opts.agentArgs ?? [], wrap: this.network.wrap(h.name), env: HOST_SPECIFIC_ENV,
        });
        this.agents.push(a);
        return a.start();
      }));
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this;
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
    await this.master?.stop();
    await Promise.all([...this.started].map((p) => new Promise<void>((r) => {
      if (p.exitCode !== null || p.signalCode !== null) return r();
      p.once('exit', () => r());
      p.kill('SIGKILL');
    })));
    this.network.remove();
  }
}
