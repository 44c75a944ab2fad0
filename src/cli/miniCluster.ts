import { Command, InvalidArgumentError } from 'commander';
import { MiniCluster, readCredentialsFile } from '../minimesos/MiniCluster.js';
import { Agent } from '../minimesos/Agent.js';
import { Master } from '../minimesos/Master.js';
import { parseAttributesSpec, parseResourcesSpec, DEFAULT_AGENT_RESOURCES } from '../minimesos/specs.js';
import { parseTime } from '../conf/units.js';
import { parseIsolation } from '../minimesos/agent/containerLimits.js';
import { IllegalArgumentException } from '../util/errors.js';
import { HostsCluster, hostEnv } from '../minimesos/hosts/HostsCluster.js';
import { hostsUnsupported } from '../minimesos/hosts/HostNetwork.js';
import { execOnHost, namespaceOf, NETNS_PREFIX } from '../minimesos/hosts/plan.js';
import { execFileSync, spawn } from 'node:child_process';
import { shellExitStatus } from './exitStatus.js';

function intArg(name: string, min: number, max: number) {
  return (v: string) => {
    if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${name} should be a whole number from ${min} to ${max}.`);
    return Number(v);
  };
}

function specArg(parse: (s: string) => unknown) {
  return (v: string) => {
    try {
      parse(v);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    return v;
  };
}

function durationArg(name: string) {
  return (v: string) => {
    let ms: number;
    try {
      // A bare number is seconds; otherwise Spark's time grammar (500ms, 15s, 1min).
      ms = /[a-z]$/i.test(v.trim()) ? parseTime(v, 'ms') : parseTime(v, 's') * 1000;
    } catch (err) {
      throw new InvalidArgumentError(`${name}: ${(err as Error).message}`);
    }
    if (ms <= 0) throw new InvalidArgumentError(`${name} should be a positive duration such as 15s or 500ms.`);
    return ms;
  };
}

interface Opts {
  role?: 'master' | 'agent';
  host: string;
  hostname?: string;
  port?: number;
  agents: number;
  master?: string;
  resources?: string;
  attributes?: string;
  roles?: string;
  zk?: string;
  workDir?: string;
  credentials?: string;
  agentPingTimeout?: number;
  maxAgentPingTimeouts?: number;
  agentReregisterTimeout?: number;
  registryMaxAgentAge?: number;
  registryMaxAgentCount?: number;
  registryGcInterval?: number;
  maxCompletedTasksPerFramework?: number;
  maxUnreachableTasksPerFramework?: number;
  maxCompletedExecutorsPerFramework?: number;
  inProcessAgents?: boolean;
  isolation?: string;
  cgroupsEnableCfs?: boolean;
  enforceContainerDiskQuota?: boolean;
  containerDiskWatchInterval?: number;
  hosts?: boolean;
  exitWithParent?: boolean;
  clusterName?: string;
  extraHosts?: string;
}

/** Resolves on SIGINT/SIGTERM, or (with `--exit-with-parent`) when the process that started this one is gone. */
function untilSignal(exitWithParent = false): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (exitWithParent) {
      const parent = process.ppid;
      // An orphan is re-parented: a crashed test or supervisor leaves no master or agent behind.
      setInterval(() => process.ppid !== parent && resolve(), 500).unref();
    }
  });
}

/** The master's health-check and registry flags (durations in ms), as the master takes them. */
export type MasterTimingFlags = Pick<Opts, 'agentPingTimeout' | 'maxAgentPingTimeouts' | 'agentReregisterTimeout' | 'registryMaxAgentAge' | 'registryMaxAgentCount' | 'registryGcInterval'
  | 'maxCompletedTasksPerFramework' | 'maxUnreachableTasksPerFramework'>;

export function masterTimings(o: MasterTimingFlags) {
  return {
    ...(o.agentPingTimeout !== undefined ? { agentPingTimeoutMs: o.agentPingTimeout } : {}),
    ...(o.maxAgentPingTimeouts !== undefined ? { maxAgentPingTimeouts: o.maxAgentPingTimeouts } : {}),
    ...(o.agentReregisterTimeout !== undefined ? { agentReregisterTimeoutMs: o.agentReregisterTimeout } : {}),
    ...(o.registryMaxAgentAge !== undefined ? { registryMaxAgentAgeMs: o.registryMaxAgentAge } : {}),
    ...(o.registryMaxAgentCount !== undefined ? { registryMaxAgentCount: o.registryMaxAgentCount } : {}),
    ...(o.registryGcInterval !== undefined ? { registryGcIntervalMs: o.registryGcInterval } : {}),
    ...(o.maxCompletedTasksPerFramework !== undefined ? { maxCompletedTasksPerFramework: o.maxCompletedTasksPerFramework } : {}),
    ...(o.maxUnreachableTasksPerFramework !== undefined ? { maxUnreachableTasksPerFramework: o.maxUnreachableTasksPerFramework } : {}),
  };
}

/** The same flags again, for a master process of its own (`--hosts`). */
export function masterTimingArgs(o: MasterTimingFlags): string[] {
  const ms = (flag: string, v: number | undefined) => (v !== undefined ? [flag, `${v}ms`] : []);
  const n = (flag: string, v: number | undefined) => (v !== undefined ? [flag, String(v)] : []);
  return [...ms('--agent-ping-timeout', o.agentPingTimeout), ...n('--max-agent-ping-timeouts', o.maxAgentPingTimeouts),
    ...ms('--agent-reregister-timeout', o.agentReregisterTimeout), ...ms('--registry-max-agent-age', o.registryMaxAgentAge),
    ...n('--registry-max-agent-count', o.registryMaxAgentCount), ...ms('--registry-gc-interval', o.registryGcInterval),
    ...n('--max-completed-tasks-per-framework', o.maxCompletedTasksPerFramework), ...n('--max-unreachable-tasks-per-framework', o.maxUnreachableTasksPerFramework)];
}

function masterOptions(o: Opts) {
  return {
    ...(o.roles ? { roles: o.roles.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(o.credentials ? { credentials: readCredentialsFile(o.credentials) } : {}),
    ...masterTimings(o),
    ...(o.hostname ? { hostname: o.hostname } : {}),
  };
}

/** The agents' own flags. */
export type AgentFlags = Pick<Opts, 'isolation' | 'cgroupsEnableCfs' | 'enforceContainerDiskQuota' | 'containerDiskWatchInterval' | 'maxCompletedExecutorsPerFramework'>;

/** The agents' own flags, passed on to agent processes. */
export function agentArgs(o: AgentFlags): string[] {
  return [...(o.isolation ? ['--isolation', o.isolation] : []), ...(o.cgroupsEnableCfs ? ['--cgroups-enable-cfs'] : []),
    ...(o.enforceContainerDiskQuota ? ['--enforce-container-disk-quota'] : []),
    ...(o.containerDiskWatchInterval !== undefined ? ['--container-disk-watch-interval', `${o.containerDiskWatchInterval}ms`] : []),
    ...(o.maxCompletedExecutorsPerFramework !== undefined ? ['--max-completed-executors-per-framework', String(o.maxCompletedExecutorsPerFramework)] : [])];
}

/** The same flags, as an agent in this process takes them. */
export function agentOptions(o: AgentFlags) {
  return {
    ...(o.isolation ? { isolation: o.isolation } : {}), ...(o.cgroupsEnableCfs ? { cgroupsEnableCfs: true } : {}),
    ...(o.enforceContainerDiskQuota ? { enforceContainerDiskQuota: true } : {}),
    ...(o.containerDiskWatchInterval !== undefined ? { containerDiskWatchIntervalMs: o.containerDiskWatchInterval } : {}),
    ...(o.maxCompletedExecutorsPerFramework !== undefined ? { maxCompletedExecutorsPerFramework: o.maxCompletedExecutorsPerFramework } : {}),
  };
}

/** `--role master`: one master, alone. */
async function runMaster(o: Opts): Promise<void> {
  const master = new Master({ host: o.host, port: o.port ?? 5050, ...(o.zk ? { zk: o.zk } : {}), ...masterOptions(o) });
  await master.start();
  process.stdout.write(`mini-mesos master at http://${master.endpoint.host}:${master.endpoint.port}${o.zk ? ` (in ${o.zk})` : ''}\n`);
  await untilSignal(o.exitWithParent);
  await master.stop();
  process.stdout.write('mini-mesos stopped\n');
}

/** `--role agent`: one agent that registers with `--master` (or the leader in `--zk`) over HTTP. */
async function runAgent(o: Opts): Promise<void> {
  const master = o.zk ?? o.master;
  if (!master) throw new IllegalArgumentException('--role agent needs --master host:port or --zk zk://host:port/path to find the master.');
  if (!o.workDir) throw new IllegalArgumentException('--role agent needs --work-dir (where the agent keeps sandboxes).');
  const agent = new Agent({
    master,
    resources: parseResourcesSpec(o.resources ?? DEFAULT_AGENT_RESOURCES),
    attributes: parseAttributesSpec(o.attributes ?? ''),
    workDir: o.workDir,
    host: o.host,
    ...(o.hostname ? { hostname: o.hostname } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...agentOptions(o),
  });
  agent.onRegistered((id) => process.stdout.write(`mini-mesos agent ${id} at ${agent.url} registered\n`));
  await agent.start();
  await untilSignal(o.exitWithParent);
  await agent.stop();
  process.stdout.write('mini-mesos agent stopped\n');
}

/** `--hosts`: the master and each agent on a simulated host of its own. */
async function runHosts(o: Opts): Promise<void> {
  const why = hostsUnsupported();
  if (why) throw new IllegalArgumentException(why);
  const masterArgs = [...masterTimingArgs(o), ...(o.roles ? ['--roles', o.roles] : []), ...(o.credentials ? ['--credentials', o.credentials] : [])];
  const cluster = new HostsCluster({
    agents: o.agents, agentArgs: agentArgs(o), masterArgs,
    ...(o.clusterName ? { name: o.clusterName } : {}),
    extraHosts: (o.extraHosts ?? 'driver').split(',').map((h) => h.trim()).filter(Boolean),
    ...(o.resources ? { resources: o.resources } : {}),
    ...(o.attributes ? { attributes: o.attributes } : {}),
    ...(o.workDir ? { workDir: o.workDir } : {}),
  });
  await cluster.start();
  const hosts = cluster.network.plan.hosts.map((h) => `${h.name} ${h.ip}`).join(', ');
  process.stdout.write(`mini-mesos master at ${cluster.masterUrl} on simulated hosts of cluster ${cluster.name} (${hosts}), work dir ${cluster.workDir}\n`);
  process.stdout.write(`run a command on a host with: spark-mesos mini-cluster exec --cluster ${cluster.name} <host> -- <command>\n`);
  await untilSignal(o.exitWithParent);
  await cluster.stop();
  process.stdout.write('mini-mesos stopped\n');
}

/** The running `--hosts` clusters, by name. */
function runningClusters(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out.split('\n').map((l) => /^minimesos-([a-z0-9]+)-switch\b/.exec(l)?.[1]).filter((c): c is string => c !== undefined);
}

/** `mini-cluster exec <host> -- <cmd>`: runs a command on a simulated host and exits with its status. */
async function runExec(host: string, argv: string[], o: { cluster?: string }): Promise<void> {
  const why = hostsUnsupported();
  if (why) throw new IllegalArgumentException(why);
  if (argv.length === 0) throw new IllegalArgumentException('mini-cluster exec needs a command after the host, e.g. exec driver -- hostname');
  let cluster = o.cluster;
  if (!cluster) {
    const running = runningClusters();
    if (running.length !== 1) throw new IllegalArgumentException(running.length === 0 ? 'no mini-cluster --hosts is running' : `several clusters run (${running.join(', ')}): name one with --cluster`);
    cluster = running[0]!;
  }
  const ns = namespaceOf(cluster, host);
  const known = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === ns);
  if (!known) throw new IllegalArgumentException(`no host '${host}' in cluster ${cluster} (no namespace ${ns}; hosts are namespaces named ${NETNS_PREFIX}${cluster}-<host>)`);
  const full = execOnHost(ns, host, argv);
  const p = spawn(full[0]!, full.slice(1), { stdio: 'inherit', env: hostEnv() });
  const code = await new Promise<number>((resolve) => p.once('exit', (c, sig) => resolve(shellExitStatus(c, sig))));
  process.exit(code);
}

/** No role: a master and `--agents` agent processes. */
async function runCluster(o: Opts): Promise<void> {
  const cluster = new MiniCluster({
    host: o.host,
    port: o.port ?? 5050,
    agents: o.agents,
    agentProcesses: !o.inProcessAgents,
    agentArgs: agentArgs(o),
    agent: agentOptions(o),
    ...(o.resources ? { resources: o.resources } : {}),
    ...(o.attributes ? { attributes: o.attributes } : {}),
    ...(o.zk ? { zk: o.zk } : {}),
    ...(o.workDir ? { workDir: o.workDir } : {}),
    master: masterOptions(o),
  });
  await cluster.start();
  process.stdout.write(`mini-mesos master at ${cluster.masterUrl} (http://${cluster.master.endpoint.host}:${cluster.master.endpoint.port}), ${o.agents} agent(s), work dir ${cluster.workDir}\n`);
  await untilSignal(o.exitWithParent);
  await cluster.stop();
  process.stdout.write('mini-mesos stopped\n');
}

export function miniClusterCommand(): Command {
  return new Command('mini-cluster')
    .description('Run a local Mesos master and agents (a protocol-faithful simulator) until SIGINT/SIGTERM; with --role, one master or one agent')
    .option('--role <role>', 'run only a master, or only an agent that registers with --master / --zk', (v: string) => {
      if (v !== 'master' && v !== 'agent') throw new InvalidArgumentError('--role should be master or agent.');
      return v;
    })
    .option('--host <host>', 'address to listen on (and, for an agent, to advertise)', '127.0.0.1')
    .option('--hostname <name>', 'host name the master or agent advertises (default: --host)')
    .option('--port <port>', 'port to listen on (master default 5050, agent default: any free port)', intArg('--port', 0, 65535))
    .option('--agents <n>', 'number of agents (without --role)', intArg('--agents', 0, 1000), 1)
    .option('--master <host:port>', 'the master an agent registers with (--role agent)')
    .option('--resources <spec>', 'agent resources, e.g. "cpus:4;mem:4096;disk:10000;ports:[31000-32000];gpus:1"', specArg(parseResourcesSpec))
    .option('--attributes <spec>', 'agent attributes, e.g. "os:centos7;zone:us-east-1a"', specArg(parseAttributesSpec))
    .option('--roles <roles>', 'comma-separated role whitelist')
    .option('--zk <url>', 'zk://host:port/path: the master registers there; an agent finds the leader there')
    .option('--work-dir <dir>', 'where agents keep sandboxes')
    .option('--credentials <file>', 'require scheduler authentication with the credentials in this JSON file')
    .option('--agent-ping-timeout <duration>', 'how often the master pings agents (Mesos --agent_ping_timeout, default 15s)', durationArg('--agent-ping-timeout'))
    .option('--max-agent-ping-timeouts <n>', 'missed pings before an agent is unreachable (default 5)', intArg('--max-agent-ping-timeouts', 1, 1000))
    .option('--agent-reregister-timeout <duration>', 'after a failover, how long the new leader waits for the agents it recovered (Mesos --agent_reregister_timeout, default 10min)', durationArg('--agent-reregister-timeout'))
    .option('--registry-max-agent-age <duration>', 'how long unreachable agents stay in the registry (Mesos --registry_max_agent_age, default 14d)', durationArg('--registry-max-agent-age'))
    .option('--registry-max-agent-count <n>', 'at most this many unreachable agents stay in the registry (Mesos --registry_max_agent_count, default 102400)', intArg('--registry-max-agent-count', 0, 1e9))
    .option('--registry-gc-interval <duration>', 'how often the registry forgets agents past those limits (Mesos --registry_gc_interval, default 15min)', durationArg('--registry-gc-interval'))
    .option('--max-completed-tasks-per-framework <n>', 'ended tasks the master keeps per framework, the latest (Mesos --max_completed_tasks_per_framework, default 1000)', intArg('--max-completed-tasks-per-framework', 0, 1e9))
    .option('--max-unreachable-tasks-per-framework <n>', 'unreachable tasks the master keeps per framework, the latest (Mesos --max_unreachable_tasks_per_framework, default 1000)', intArg('--max-unreachable-tasks-per-framework', 0, 1e9))
    .option('--max-completed-executors-per-framework <n>', 'ended executors an agent keeps per framework for /state and /files, the latest (Mesos --max_completed_executors_per_framework, default 150)', intArg('--max-completed-executors-per-framework', 0, 1e9))
    .option('--isolation <isolators>', 'agent isolation (Mesos --isolation): posix/cpu,posix/mem (default, no limits), cgroups/cpu,cgroups/mem, and disk/du', specArg(parseIsolation))
    .option('--cgroups-enable-cfs', 'with cgroups/cpu, also cap CPU time with a CFS quota (Mesos --cgroups_enable_cfs)')
    .option('--enforce-container-disk-quota', 'with disk/du, fail a task whose sandbox exceeds its disk (Mesos --enforce_container_disk_quota)')
    .option('--container-disk-watch-interval <duration>', 'with disk/du, how often sandboxes are measured (Mesos --container_disk_watch_interval, default 15s)', durationArg('--container-disk-watch-interval'))
    .option('--exit-with-parent', 'stop when the process that started this one exits (mini-cluster starts its masters and agents so)')
    .option('--in-process-agents', 'run the agents inside the master\'s process instead of as processes of their own')
    .option('--hosts', 'put the master and each agent on a simulated host of its own (root, Linux: network + UTS namespaces on a private bridge)')
    .option('--cluster-name <name>', 'with --hosts: names the cluster\'s namespaces (minimesos-<name>-<host>)')
    .option('--extra-hosts <names>', 'with --hosts: more hosts for drivers, dispatchers, ZooKeeper (default: driver)')
    .addCommand(new Command('exec')
      .description('Run a command on a simulated host of a running mini-cluster --hosts')
      .argument('<host>', 'master, agent1, ..., or an extra host such as driver')
      .argument('<command...>', 'the command and its arguments (after --)')
      .option('--cluster <name>', 'the cluster (default: the only one running)')
      .action((host: string, argv: string[], o: { cluster?: string }) => runExec(host, argv, o)))
    .action(async (o: Opts) => {
      if (o.hosts) {
        if (o.role) throw new IllegalArgumentException('--hosts runs a whole cluster; it does not go with --role');
        return runHosts(o);
      }
      if (o.role === 'master') return runMaster(o);
      if (o.role === 'agent') return runAgent(o);
      return runCluster(o);
    });
}
