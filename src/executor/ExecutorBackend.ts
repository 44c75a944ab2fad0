/**
 * An executor process (Spark's CoarseGrainedExecutorBackend): connects to the driver, proves it knows the shared
 * secret when `spark.authenticate` is on, registers, runs tasks on `cores` task threads, serves its shuffle output
 * to other executors, sends heartbeats, and exits when the driver goes away or tells it to.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type net from 'node:net';
import { Connection, type Message } from '../rpc/Connection.js';
import type { TaskDescription } from '../core/plan.js';
import { startBlockServer } from './BlockServer.js';
import { startWorker } from '../scheduler/local/LocalBackend.js';
import { getLogger } from '../util/logging.js';

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

interface TaskThread {
  worker: Worker;
  busy: number | undefined;
  broadcasts: Set<number>;
}

function workerModule(): URL {
  const here = import.meta.url;
  return new URL(`./worker.${here.endsWith('.ts') ? 'ts' : 'js'}`, here);
}

export async function runExecutor(args: ExecutorArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const secret = env.SPARK_AUTHENTICATE_SECRET || undefined;
  const driver = parseDriverUrl(args.driverUrl);
  const conn = await Connection.connect(driver.host, driver.port, secret, args.executorId);
  const localDir = mkdtempSync(join(env.SPARK_LOCAL_DIRS ?? tmpdir(), `spark-mesos-executor-${args.executorId}-`));
  mkdirSync(join(localDir, 'shuffle'));
  const external = env.SPARK_SHUFFLE_SERVICE_DIR ? { appId: args.appId } : undefined;
  const shuffleRoot = external ? join(env.SPARK_SHUFFLE_SERVICE_DIR!, args.appId) : join(localDir, 'shuffle');
  mkdirSync(shuffleRoot, { recursive: true });
  const blockPort = Number(env.SPARK_BLOCK_MANAGER_PORT ?? 0);
  const server: net.Server = await startBlockServer(args.hostname, blockPort, localDir, secret);
  const port = (server.address() as net.AddressInfo).port;
  const address = external ? { host: args.hostname, port: Number(env.SPARK_SHUFFLE_SERVICE_PORT ?? 7337) } : { host: args.hostname, port };
  const broadcasts = new Map<number, unknown>();
  const threads: TaskThread[] = [];
  const spawn = (): TaskThread => {
    const t: TaskThread = { worker: startWorker(workerModule(), { executorId: args.executorId, address, secret, ...(external ? { external } : {}) }), busy: undefined, broadcasts: new Set() };
    t.worker.on('message', (m: { type: string; taskId: number; state: string }) => {
      if (m.type !== 'status') return;
      t.busy = undefined;
      conn.send({ t: 'status', ...m });
    });
    t.worker.on('error', (err) => log.error({ err }, 'task thread failed'));
    return t;
  };
  for (let i = 0; i < args.cores; i++) threads.push(spawn());
  let heartbeat: NodeJS.Timeout | undefined;

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (code: number, why: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ executor: args.executorId, why }, 'executor stopping');
      clearInterval(heartbeat);
      conn.close();
      server.close();
      await Promise.all(threads.map((t) => t.worker.terminate()));
      rmSync(localDir, { recursive: true, force: true });
      resolve(code);
    };
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
          for (const [id, v] of Object.entries(task.broadcasts)) broadcasts.set(Number(id), v);
          const free = threads.find((t) => t.busy === undefined);
          if (!free) {
            conn.send({ t: 'status', taskId: task.taskId, state: 'FAILED', error: { message: `executor ${args.executorId} has no free core` } });
            break;
          }
          free.busy = task.taskId;
          // Broadcast values go to each task thread once; shuffle output goes where this executor serves it from.
          const needed = Object.fromEntries([...broadcasts].filter(([id]) => !free.broadcasts.has(id)));
          for (const id of Object.keys(needed)) free.broadcasts.add(Number(id));
          const sink = task.sink.k === 'shuffleWrite' ? { ...task.sink, dir: shuffleRoot } : task.sink;
          free.worker.postMessage({ type: 'launch', task: { ...task, broadcasts: needed, sink, localDir } });
          break;
        }
        case 'kill': {
          const i = threads.findIndex((t) => t.busy === m.taskId);
          if (i >= 0) {
            void threads[i]!.worker.terminate();
            threads[i] = spawn();
            conn.send({ t: 'status', taskId: m.taskId, state: 'KILLED' });
          }
          break;
        }
        case 'dropBlocks':
          for (const t of threads) t.worker.postMessage({ type: 'dropBlocks', prefix: m.prefix });
          break;
        case 'shutdown':
          void shutdown(0, 'asked by the driver');
          break;
        default:
      }
    });
    conn.send({ t: 'register', executorId: args.executorId, host: args.hostname, cores: args.cores, port, pid: process.pid, appId: args.appId });
  });
}
