/**
 * The driver's UI as a SparkContext starts it: the application's status and event log (`SparkUI`, on its listener
 * thread) with `spark.ui.enabled` or `spark.eventLog.enabled`, and the HTTP server (`DriverStatusServer`: pages,
 * `/api/v1`, Prometheus) with `spark.ui.enabled`, both fed by the listener bus.
 */
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { driverBindAddress, driverHost } from '../conf/hostAddress.js';
import { sslServerOptions } from '../conf/sslOptions.js';
import type { ListenerBus } from '../scheduler/ListenerBus.js';
import type { SchedulerBackend } from '../scheduler/SchedulerBackend.js';
import { DriverStatusServer } from '../ui/DriverStatusServer.js';
import { SparkUI } from '../ui/SparkUI.js';
import { driverRoutes } from '../ui/driverRoutes.js';

export interface DriverUiOptions {
  appName: string;
  master: string;
  startTime: number;
  applicationId: () => string;
  backend: SchedulerBackend;
  killJob: (id: number) => void;
  killStage: (id: number) => void;
}

export interface DriverUi {
  appUi: SparkUI | undefined;
  statusServer: DriverStatusServer | undefined;
  /** The HTTP server listens (it starts before the backend, which links cluster managers to it, as in Spark). */
  started: Promise<void>;
}

/** Made once nothing else in the context's constructor can throw, so a failed constructor leaves no thread behind. */
export function startDriverUi(conf: SparkConf, bus: ListenerBus, o: DriverUiOptions): DriverUi {
  let appUi: SparkUI | undefined;
  if (conf.get(config.UI_ENABLED) || conf.get(config.EVENT_LOG_ENABLED)) {
    const ui = new SparkUI(conf, {
      appName: o.appName, startTime: o.startTime, killJob: o.killJob, killStage: o.killStage,
      waitingForExecutors: () => o.backend.waitingForExecutors?.(),
    });
    bus.add((e) => ui.onEvent(e));
    appUi = ui;
  }
  if (!conf.get(config.UI_ENABLED)) return { appUi, statusServer: undefined, started: Promise.resolve() };
  const backendMetrics = (o.backend as { metrics?: { text(): Promise<string> } }).metrics;
  const server = new DriverStatusServer(
    () => ({ app: o.appName, applicationId: o.applicationId(), master: o.master, startTime: o.startTime, waitingForExecutors: o.backend.waitingForExecutors?.() ?? null }),
    backendMetrics ? () => backendMetrics.text() : undefined,
    appUi ? driverRoutes(appUi) : undefined,
  );
  bus.add((e) => server.onEvent(e));
  const started = server.start(driverBindAddress(conf), conf.get(config.UI_PORT), conf.get(config.PORT_MAX_RETRIES), sslServerOptions(conf, 'ui'),
    process.env.SPARK_PUBLIC_DNS ?? driverHost(conf));
  return { appUi, statusServer: server, started };
}
