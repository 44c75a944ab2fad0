/**
 * A backend's registration with Mesos (shared by the coarse- and fine-grained backends): FrameworkInfo from the
 * configuration, credentials, the subscription's event loop, calls whose failures are logged rather than thrown,
 * and teardown.
 */
import { userInfo } from 'node:os';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { driverHost } from '../../conf/hostAddress.js';
import { SchedulerClient, type ClientEvent } from '../../mesos/client/SchedulerClient.js';
import type { FrameworkInfo } from '../../mesos/wire/framework.js';
import { getLogger } from '../../util/logging.js';
import { MesosSchedulerUtils } from './MesosSchedulerUtils.js';

const log = getLogger('FrameworkConnection');

/** FrameworkInfo as Spark's backends register (name, user, role, principal, failover, web UI, id, GPUs). */
export function buildFrameworkInfo(conf: SparkConf, principal: string | undefined, env: NodeJS.ProcessEnv = process.env): FrameworkInfo {
  const info: FrameworkInfo = {
    user: env.SPARK_USER ?? userInfo().username,
    name: conf.get(config.APP_NAME) ?? 'spark-mesos',
    failover_timeout: conf.get(config.MESOS_DRIVER_FAILOVER_TIMEOUT),
    hostname: env.SPARK_PUBLIC_DNS ?? driverHost(conf, env),
  };
  const role = conf.get(config.MESOS_ROLE);
  if (role !== undefined) info.role = role;
  if (principal !== undefined) info.principal = principal;
  const webui = conf.get(config.MESOS_DRIVER_WEBUI_URL);
  if (webui !== undefined) info.webui_url = webui;
  const fid = conf.get(config.MESOS_DRIVER_FRAMEWORK_ID);
  if (fid !== undefined) info.id = { value: fid };
  if (conf.get(config.MESOS_GPUS_MAX) > 0) info.capabilities = [{ type: 'GPU_RESOURCES' }];
  return info;
}

/**
 * `webui_url` as Spark's backends default it: `spark.mesos.driver.webui.url` when set (already in `info`), else the
 * driver's own HTTP address, so the Mesos UI links to the application.
 */
export function withDriverUi(info: FrameworkInfo, uiWebUrl: string | undefined): FrameworkInfo {
  return info.webui_url === undefined && uiWebUrl !== undefined ? { ...info, webui_url: uiWebUrl } : info;
}

export class FrameworkConnection {
  private client: SchedulerClient | undefined;
  private eventLoop: Promise<void> | undefined;
  frameworkId: string | undefined;

  constructor(
    private readonly master: string,
    private readonly conf: SparkConf,
    /** Adjusts the FrameworkInfo built from the configuration (the dispatcher: checkpointing, failover, its id). */
    private readonly customize: (info: FrameworkInfo) => FrameworkInfo = (info) => info,
  ) {}

  get isSubscribed(): boolean {
    return this.client?.isSubscribed ?? false;
  }

  /** Subscribes and handles events with `onEvent` (one at a time, in order); resolves with the framework id. */
  async start(onEvent: (e: ClientEvent) => Promise<void>, timeoutMs = 60_000): Promise<string> {
    const creds = MesosSchedulerUtils.buildCredentials(this.conf);
    const client = new SchedulerClient({
      master: this.master,
      frameworkInfo: this.customize(buildFrameworkInfo(this.conf, creds.principal)),
      ...(creds.principal !== undefined ? { credentials: creds } : {}),
    }).start();
    this.client = client;
    this.eventLoop = (async () => {
      try {
        for await (const e of client.events()) await onEvent(e);
      } catch (err) {
        log.error({ err }, 'the Mesos subscription failed');
      }
    })();
    this.frameworkId = await client.waitForSubscribed(timeoutMs);
    log.info({ frameworkId: this.frameworkId, master: this.master }, 'registered with Mesos');
    return this.frameworkId;
  }

  /** Sends a call; a failure is logged (Mesos redelivers what matters, and offers come again). */
  async call(body: Parameters<SchedulerClient['call']>[0]): Promise<void> {
    await this.tryCall(body);
  }

  /** Sends a call; false when it failed (logged), for callers that send it again. */
  async tryCall(body: Parameters<SchedulerClient['call']>[0]): Promise<boolean> {
    try {
      await this.client!.call(body);
      return true;
    } catch (err) {
      log.warn({ err: (err as Error).message, call: body.type }, 'Mesos call failed');
      return false;
    }
  }

  /** Disconnects without ending the framework: its tasks keep running, and a restart fails over to it. */
  async close(): Promise<void> {
    await this.client?.close();
    await this.eventLoop;
  }

  /** Ends the framework: Mesos kills its tasks and shuts its executors down. */
  async teardown(): Promise<void> {
    await this.client?.teardown();
    await this.eventLoop;
  }
}
