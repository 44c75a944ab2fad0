import { hostname } from 'node:os';
import * as config from '../conf/catalog.js';
import { Command, InvalidArgumentError } from 'commander';
import { SparkConf } from '../conf/SparkConf.js';
import { HistoryServer } from '../history/HistoryServer.js';
import { applyConfFlags, collect } from './confFlags.js';

interface HistoryOptions { host: string; port?: number; propertiesFile?: string; conf: string[] }

/** `spark-mesos history-server`: Spark's history server over the event logs in `spark.history.fs.logDirectory`. */
export function historyServerCommand(): Command {
  return new Command('history-server')
    .description('Serve the UI and REST API of finished and running applications from their event logs (port 18080)')
    .option('-h, --host <host>', 'address to listen on', process.env.SPARK_LOCAL_HOSTNAME ?? hostname())
    .option('-p, --port <port>', 'port (default spark.history.ui.port)', (v) => {
      if (!/^[0-9]+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('--port should be a port number (0-65535).');
      return Number(v);
    })
    .option('--properties-file <file>', 'a spark-defaults.conf-style file (spark.history.* keys)')
    .option('--conf <key=value>', 'a configuration property (repeatable)', collect, [])
    .exitOverride()
    .action(async (o: HistoryOptions) => {
      const conf = new SparkConf({});
      if (o.propertiesFile) conf.loadPropertiesFile(o.propertiesFile);
      applyConfFlags(conf, o.conf);
      const server = new HistoryServer(conf);
      await server.start(o.host, o.port);
      const a = server.address!;
      const scheme = conf.get(config.SSL_HISTORY_SERVER.enabled) ? 'https' : 'http';
      process.stderr.write(`spark-mesos history-server: ${scheme}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port} serving ${server.logDir}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.stop();
    });
}
