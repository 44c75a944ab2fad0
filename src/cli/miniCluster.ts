import { Command, InvalidArgumentError } from 'commander';
import { MiniCluster, readCredentialsFile } from '../minimesos/MiniCluster.js';
import { parseAttributesSpec, parseResourcesSpec } from '../minimesos/specs.js';

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

export function miniClusterCommand(): Command {
  return new Command('mini-cluster')
    .description('Run a local Mesos master and agents (a protocol-faithful simulator) on loopback until SIGINT/SIGTERM')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'master port', intArg('--port', 0, 65535), 5050)
    .option('--agents <n>', 'number of agents', intArg('--agents', 0, 1000), 1)
    .option('--resources <spec>', 'agent resources, e.g. "cpus:4;mem:4096;disk:10000;ports:[31000-32000];gpus:1"', specArg(parseResourcesSpec))
    .option('--attributes <spec>', 'agent attributes, e.g. "os:centos7;zone:us-east-1a"', specArg(parseAttributesSpec))
    .option('--roles <roles>', 'comma-separated role whitelist')
    .option('--zk <url>', 'register the master in ZooKeeper at zk://host:port/path')
    .option('--work-dir <dir>', 'where agents keep sandboxes')
    .option('--credentials <file>', 'require scheduler authentication with the credentials in this JSON file')
    .action(async (o: { host: string; port: number; agents: number; resources?: string; attributes?: string; roles?: string; zk?: string; workDir?: string; credentials?: string }) => {
      const cluster = new MiniCluster({
        host: o.host,
        port: o.port,
        agents: o.agents,
        ...(o.resources ? { resources: o.resources } : {}),
        ...(o.attributes ? { attributes: o.attributes } : {}),
        ...(o.roles ? { roles: o.roles.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        ...(o.zk ? { zk: o.zk } : {}),
        ...(o.workDir ? { workDir: o.workDir } : {}),
        ...(o.credentials ? { credentials: readCredentialsFile(o.credentials) } : {}),
      });
      await cluster.start();
      process.stdout.write(`mini-mesos master at ${cluster.masterUrl} (http://${cluster.master.endpoint.host}:${cluster.master.endpoint.port}), ${o.agents} agent(s), work dir ${cluster.workDir}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await cluster.stop();
      process.stdout.write('mini-mesos stopped\n');
    });
}
