import { Command, InvalidArgumentError } from 'commander';
import { SparkConf } from '../conf/SparkConf.js';
import { hostFacts, localHostName } from '../conf/hostAddress.js';
import { MesosClusterDispatcher } from '../deploy/MesosClusterDispatcher.js';
import { applyConfFlags, collect } from './confFlags.js';

const port = (flag: string) => (v: string) => {
  if (!/^[0-9]+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`${flag} should be a port number (0-65535).`);
  return Number(v);
};

interface DispatcherOptions { host: string; port: number; webuiPort: number; master: string; zk?: string; name: string; propertiesFile?: string; conf: string[]; verbose?: boolean }

/** `spark-mesos dispatcher`: the cluster-mode dispatcher, with Spark's MesosClusterDispatcher arguments and defaults. */
export function dispatcherCommand(): Command {
  return new Command('dispatcher')
    .description('Run the Mesos cluster dispatcher: accepts cluster-mode submissions (REST) and runs their drivers on Mesos')
    // As Spark's Utils.localHostName: SPARK_LOCAL_HOSTNAME, SPARK_LOCAL_IP, else this host's (non-loopback) address.
    .option('-h, --host <host>', 'address the REST server and the UI listen on', localHostName(process.env, hostFacts()))
    .option('-p, --port <port>', 'REST server port', port('--port'), 7077)
    .option('--webui-port <port>', 'web UI port', port('--webui-port'), 8081)
    .requiredOption('-m, --master <url>', 'the Mesos master, mesos://host:port or mesos://zk://host:port/path')
    .option('-z, --zk <hosts>', 'ZooKeeper connect string: persist state there (spark.deploy.recoveryMode=ZOOKEEPER)')
    .option('--name <name>', 'framework name', 'Spark Cluster')
    .option('--properties-file <file>', 'a spark-defaults.conf-style file of properties')
    .option('--conf <key=value>', 'a configuration property (repeatable)', collect, [])
    .option('--verbose', 'print the effective configuration (secrets redacted)')
    .exitOverride()
    .action(async (o: DispatcherOptions) => {
      const conf = new SparkConf({});
      if (o.propertiesFile) conf.loadPropertiesFile(o.propertiesFile);
      applyConfFlags(conf, o.conf);
      conf.set('spark.master', o.master).set('spark.app.name', o.name);
      if (o.zk) conf.set('spark.deploy.recoveryMode', 'ZOOKEEPER').set('spark.deploy.zookeeper.url', o.zk);
      if (o.verbose) process.stderr.write(`host=${o.host} port=${o.port} webUiPort=${o.webuiPort} name=${o.name}\n${conf.toDebugString()}\n`);
      const dispatcher = new MesosClusterDispatcher({ host: o.host, port: o.port, webUiPort: o.webuiPort, master: o.master }, conf);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`spark-mesos dispatcher: ${signal}, stopping\n`);
        dispatcher.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      // HA: a dispatcher that lost its leadership exits (non-zero) so its supervisor restarts it as a standby.
      dispatcher.onLostLeadership = (reason) => {
        process.stderr.write(`spark-mesos dispatcher: ${reason}; exiting\n`);
        stopping = true;
        const exit = () => process.exit(2);
        setTimeout(exit, 5000).unref();
        dispatcher.stop().then(exit, exit);
      };
      dispatcher.onLeading = () => process.stderr.write(`spark-mesos dispatcher: now leading, framework ${dispatcher.scheduler!.state().frameworkId}\n`);
      await dispatcher.start();
      const rest = dispatcher.rest!.address!;
      const ui = dispatcher.ui!.address!;
      const role = dispatcher.isLeader ? `framework ${dispatcher.scheduler!.state().frameworkId}` : `standby (leader: ${dispatcher.leader?.rest ?? 'not elected yet'})`;
      process.stderr.write(`spark-mesos dispatcher: REST server at mesos://${rest.host}:${rest.port}, web UI at http://${ui.host}:${ui.port}, ${role}\n`);
    });
}
