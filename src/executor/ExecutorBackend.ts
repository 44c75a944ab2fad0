/**
 * An executor process (Spark's CoarseGrainedExecutorBackend): connects to the driver, proves it knows the shared
 * secret when `spark.authenticate` is on, registers, runs tasks on `cores` task threads, serves its shuffle output
 * to other executors, sends heartbeats, and exits when the driver goes away or tells it to.
 */
import { Connection, type Message } from '../rpc/Connection.js';
import type { TaskDescription } from '../core/plan.js';
import { TaskThreads } from './TaskThreads.js';
import { CRYPTO_ENV } from './cryptoEnv.js';
import { getLogger } from '../util/logging.js';
import { mesosLogUrls } from './logUrls.js';
import { BlockClient } from '../rpc/BlockClient.js';
import { parseMigrationRequest, receiveShuffleOutputs } from './shuffleMigration.js';

const log = getLogger('ExecutorBackend');

export interface ExecutorArgs {
  driverUrl: string;
  executorId: string;
  hostname: string;
  cores: number;
  appId: string;
}

/** `spark://CoarseGrainedScheduler@host:port` or `host:port`. */
export function parseDriverUrl(url: string): { host: string; port: number } {
  const m = /^(?:spark:\/\/[^@]*@)?([^:/\s]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})$/.exec(url.trim());
  if (!m) throw new Error(`--driver-url should be spark://CoarseGrainedScheduler@host:port, but was '${url}'`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export async function runExecutor(args: ExecutorArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const secret = env.SPARK_AUTHENTICATE_SECRET || undefined;
  const driver = parseDriverUrl(args.driverUrl);
  const conn = await Connection.connect(driver.host, driver.port, secret, args.executorId);
  // The driver's endpoint decides encryption in the handshake; this executor serves and fetches blocks alike.
  if (conn.encrypted) env = { ...env, [CRYPTO_ENV]: 'true' };
  const threads = await TaskThreads.open({
    executorId: args.executorId, appId: args.appId, hostname: args.hostname, threads: args.cores, grow: false,
    onEnd: (end) => conn.send({ t: 'status', ...end }),
  }, env);
  let heartbeat: NodeJS.Timeout | undefined;

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (code: number, why: string) => {
      if (stopping) return;
      stopping = true;
      process.off('SIGTERM', onTerm);
      log.info({ executor: args.executorId, why }, 'executor stopping');
      clearInterval(heartbeat);
      // Local files first: a driver that sees the connection close may kill this process at once.
      await threads.close();
      conn.close();
      resolve(code);
    };
    // Mesos kills an executor's task with SIGTERM before SIGKILL: a clean exit still removes the local directory.
    const onTerm = () => void shutdown(143, 'SIGTERM');
    // An executor that lost a thread for good exits: its cores would otherwise stay advertised and fail every task.
    threads.onBroken = (why) => void shutdown(1, why);
    process.once('SIGTERM', onTerm);
    conn.on('close', (reason: string) => void shutdown(0, `driver connection closed (${reason})`));
    conn.on('message', (m: Message) => {
      switch (m.t) {
        case 'registered': {
          const intervalMs = Number(m.heartbeatIntervalMs ?? 10_000);
          heartbeat = setInterval(() => conn.send({ t: 'heartbeat', executorId: args.executorId, time: Date.now() }), intervalMs);
          heartbeat.unref();
          break;
        }
        case 'refused':
          log.error({ reason: m.reason }, 'the driver refused this executor');
          void shutdown(1, `refused: ${String(m.reason)}`);
          break;
        case 'launch': {
          const task = m.task as TaskDescription;
          if (!threads.launch(task)) conn.send({ t: 'status', taskId: task.taskId, state: 'FAILED', error: { message: `executor ${args.executorId} has no free core` } });
          break;
        }
        case 'kill':
          if (threads.kill(Number(m.taskId))) conn.send({ t: 'status', taskId: m.taskId, state: 'KILLED' });
          break;
        case 'dropBlocks':
          threads.dropBlocks(String(m.prefix));
          break;
        case 'shutdown':
          void shutdown(0, 'asked by the driver');
          break;
        case 'migrateShuffle':
          // Decommission of another executor: take over its shuffle output (src/executor/shuffleMigration.ts).
          void (async () => {
            try {
              const req = parseMigrationRequest(m);
              const client = new BlockClient(secret === undefined ? undefined : { secret, encrypt: conn.encrypted }, args.executorId);
              try {
                conn.send({ t: 'reply', reqId: m.reqId, outputs: await receiveShuffleOutputs(req, threads.shuffleDir, client) });
              } finally {
                client.close();
              }
            } catch (err) {
              conn.send({ t: 'reply', reqId: m.reqId, error: (err as Error).message });
            }
          })();
          break;
        default:
      }
    });
    const logUrls = mesosLogUrls(env);
    conn.send({ t: 'register', executorId: args.executorId, host: args.hostname, cores: args.cores, port: threads.blockPort, pid: process.pid, appId: args.appId, ...(logUrls ? { logUrls } : {}) });
  });
}
