import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { hostFacts, localHostName } from '../conf/hostAddress.js';
import { ExternalShuffleService } from '../shuffle/ExternalShuffleService.js';
import { applyConfFlags, collect } from './confFlags.js';

/** `spark-mesos shuffle-service`: the per-host external shuffle service. */
export function shuffleServiceCommand(): Command {
  return new Command('shuffle-service')
    .description('Serve the shuffle files of executors on this host, so they outlive the executors (port 7337)')
    .option('--host <host>', 'address to listen on (spark.shuffle.service.host; default: this host\'s address, as the driver\'s)')
    .option('--port <port>', 'port (spark.shuffle.service.port)', (v) => {
      if (!/^[0-9]+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('--port should be a port number.');
      return Number(v);
    })
    .option('--dir <dir>', 'where executors write shuffle files (spark.shuffle.service.localDir)')
    .option('--properties-file <file>', 'a spark-defaults.conf-style file')
    .option('--conf <key=value>', 'a configuration property (repeatable)', collect, [])
    .exitOverride()
    .action(async (o: { host?: string; port?: number; dir?: string; propertiesFile?: string; conf: string[] }) => {
      const conf = new SparkConf({});
      if (o.propertiesFile) conf.loadPropertiesFile(o.propertiesFile);
      applyConfFlags(conf, o.conf);
      const auth = conf.get(config.AUTHENTICATE);
      const secret = conf.get(config.AUTHENTICATE_SECRET) ?? process.env.SPARK_AUTHENTICATE_SECRET;
      if (auth && !secret) throw new Error('spark.authenticate is on, but spark.authenticate.secret is not set');
      const service = new ExternalShuffleService({
        // As Spark's: this host's address (SPARK_LOCAL_IP, ...), where executors on this host reach it.
        host: o.host ?? conf.get(config.SHUFFLE_SERVICE_HOST) ?? localHostName(process.env, hostFacts()),
        port: o.port ?? conf.get(config.SHUFFLE_SERVICE_PORT),
        dir: o.dir ?? conf.get(config.SHUFFLE_SERVICE_LOCAL_DIR) ?? join(tmpdir(), 'spark-mesos-shuffle'),
        secret: auth ? { secret: secret!, encrypt: conf.get(config.NETWORK_CRYPTO_ENABLED) } : undefined,
        handshakeTimeoutMs: conf.get(config.NETWORK_AUTH_RPC_TIMEOUT) * 1000,
        cleanerIntervalMs: conf.get(config.SHUFFLE_CLEANER_INTERVAL) * 1000,
      });
      await service.start();
      process.stdout.write(`shuffle service listening on ${service.address!.host}:${service.address!.port}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await service.stop();
    });
}
