import type { SparkConf } from '../../conf/SparkConf.js';
import {
  MESOS_CONTAINERIZER, MESOS_EXECUTOR_DOCKER_FORCE_PULL_IMAGE, MESOS_EXECUTOR_DOCKER_IMAGE, MESOS_EXECUTOR_DOCKER_PARAMETERS,
  MESOS_EXECUTOR_DOCKER_PORTMAPS, MESOS_EXECUTOR_DOCKER_VOLUMES, MESOS_NETWORK_LABELS, MESOS_NETWORK_NAME,
} from '../../conf/catalog.js';
import type { Parameter } from '../../mesos/wire/common.js';
import type { ContainerInfo, DockerInfo, Environment, PortMapping, Secret, Volume } from '../../mesos/wire/container.js';
import type { TaskState as MesosTaskState } from '../../mesos/wire/task.js';
import { IllegalArgumentException, SparkException } from '../../util/errors.js';
import { getLogger, warn } from '../../util/logging.js';
import { javaSplit } from './javaSplit.js';
import { MesosProtoUtils } from './MesosProtoUtils.js';
import type { MesosSecretConfig } from './MesosSecretConfig.js';

const LOGGER = 'MesosSchedulerBackendUtil';
const log = getLogger(LOGGER);

/** The engine's task states, as Spark names them. */
export type SparkTaskState = 'LAUNCHING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'LOST';

/** A list setting is either the raw comma-separated string or its items; items are trimmed, empties dropped. */
function items(spec: string | readonly string[]): string[] {
  const list = typeof spec === 'string' ? spec.split(',') : [...spec];
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}

function shown(list: string[]): string {
  return `[${list.join(', ')}]`;
}

/** Java's `String.toInt`: optional sign and digits only, in 32-bit range. */
function toInt(s: string, what: string): number {
  if (!/^[+-]?[0-9]+$/.test(s) || Math.abs(Number(s)) > 2147483647) {
    throw new IllegalArgumentException(`Invalid ${what} '${s}': expected a whole number`);
  }
  return Number(s);
}

function parseVolumesSpec(spec: string | readonly string[]): Volume[] {
  const list = items(spec);
  const out: Volume[] = [];
  for (const item of list) {
    const p = javaSplit(item, ':');
    let v: Volume | undefined;
    if (p.length === 1) v = { container_path: p[0]!, mode: 'RW' };
    else if (p.length === 2 && p[1] === 'rw') v = { container_path: p[0]!, mode: 'RW' };
    else if (p.length === 2 && p[1] === 'ro') v = { container_path: p[0]!, mode: 'RO' };
    else if (p.length === 2) v = { container_path: p[1]!, host_path: p[0]!, mode: 'RW' };
    else if (p.length === 3 && p[2] === 'rw') v = { container_path: p[1]!, host_path: p[0]!, mode: 'RW' };
    else if (p.length === 3 && p[2] === 'ro') v = { container_path: p[1]!, host_path: p[0]!, mode: 'RO' };
    if (v) out.push(v);
    else warn(log, LOGGER, `Unable to parse volume specs: ${shown(list)}. Expected form: "[host-dir:]container-dir[:rw|:ro](, ...)"`);
  }
  return out;
}

function parsePortMappingsSpec(spec: string | readonly string[]): PortMapping[] {
  const list = items(spec);
  const out: PortMapping[] = [];
  for (const item of list) {
    const p = javaSplit(item, ':');
    if (p.length === 2 || p.length === 3) {
      out.push({
        host_port: toInt(p[0]!, 'host port in port mapping ' + JSON.stringify(item)),
        container_port: toInt(p[1]!, 'container port in port mapping ' + JSON.stringify(item)),
        protocol: p.length === 3 ? p[2]! : 'tcp',
      });
    } else {
      warn(log, LOGGER, `Unable to parse port mapping specs: ${shown(list)}. Expected form: "host_port:container_port[:udp|:tcp](, ...)"`);
    }
  }
  return out;
}

function parseParamsSpec(spec: string | readonly string[]): Parameter[] {
  const list = items(spec);
  const out: Parameter[] = [];
  for (const item of list) {
    const p = javaSplit(item, '=', 2);
    if (p.length === 2) out.push({ key: p[0]!, value: p[1]! });
    else warn(log, LOGGER, `Unable to parse arbitrary parameters: ${shown(list)}. Expected form: "key=value(, ...)"`);
  }
  return out;
}

function buildContainerInfo(conf: SparkConf): ContainerInfo {
  const image = conf.get(MESOS_EXECUTOR_DOCKER_IMAGE);
  const type = image !== undefined && conf.get(MESOS_CONTAINERIZER) === 'docker' ? 'DOCKER' : 'MESOS';
  const info: ContainerInfo = { type };
  const networkName = conf.get(MESOS_NETWORK_NAME);
  if (image !== undefined) {
    const forcePull = conf.get(MESOS_EXECUTOR_DOCKER_FORCE_PULL_IMAGE) === true;
    if (type === 'DOCKER') {
      const docker: DockerInfo = { image, force_pull_image: forcePull };
      const portMaps = parsePortMappingsSpec(conf.get(MESOS_EXECUTOR_DOCKER_PORTMAPS) ?? []);
      if (portMaps.length > 0) docker.port_mappings = portMaps;
      const params = parseParamsSpec(conf.get(MESOS_EXECUTOR_DOCKER_PARAMETERS) ?? []);
      if (networkName !== undefined) {
        docker.network = 'USER';
        params.push({ key: 'net', value: networkName });
      }
      if (params.length > 0) docker.parameters = params;
      info.docker = docker;
    } else {
      info.mesos = { image: { type: 'DOCKER', docker: { name: image }, cached: !forcePull } };
    }
    const volumes = parseVolumesSpec(conf.get(MESOS_EXECUTOR_DOCKER_VOLUMES) ?? []);
    if (volumes.length > 0) info.volumes = volumes;
  }
  if (networkName !== undefined) {
    info.network_infos = [{ name: networkName, labels: MesosProtoUtils.mesosLabels(conf.get(MESOS_NETWORK_LABELS) ?? '') }];
  }
  return info;
}

function getSecrets(conf: SparkConf, c: MesosSecretConfig): Secret[] {
  const names = conf.get(c.secretNames) ?? [];
  const values = conf.get(c.secretValues) ?? [];
  if (names.length > 0 && values.length > 0) {
    throw new SparkException('Cannot specify both value-type and reference-type secrets.');
  }
  if (names.length > 0) return names.map((name) => ({ type: 'REFERENCE', reference: { name } }));
  return values.map((v) => ({ type: 'VALUE', value: { data: Buffer.from(v, 'utf8').toString('base64') } }));
}

/** Describes secrets for an error message without their content. */
function describeSecrets(secrets: Secret[]): string {
  return `${secrets.length} ${secrets[0]?.type === 'VALUE' ? 'value' : 'reference'} secret(s)`;
}

function getSecretEnvVar(conf: SparkConf, c: MesosSecretConfig): Environment.Variable[] {
  const secrets = getSecrets(conf, c);
  const keys = conf.get(c.secretEnvKeys) ?? [];
  if (keys.length > 0 && keys.length !== secrets.length) {
    throw new SparkException(
      `Need to give equal numbers of secrets and environment keys for environment-based reference secrets: ` +
        `${c.secretEnvKeys.key} has ${keys.length} key(s) ${shown(keys)}, but there are ${describeSecrets(secrets)}`,
    );
  }
  return keys.map((name, i) => ({ name, type: 'SECRET', secret: secrets[i]! }));
}

function getSecretVolume(conf: SparkConf, c: MesosSecretConfig): Volume[] {
  const secrets = getSecrets(conf, c);
  const paths = conf.get(c.secretFilenames) ?? [];
  if (paths.length > 0 && paths.length !== secrets.length) {
    throw new SparkException(
      `Need to give equal numbers of secrets and file paths for file-based reference secrets: ` +
        `${c.secretFilenames.key} has ${paths.length} path(s) ${shown(paths)}, but there are ${describeSecrets(secrets)}`,
    );
  }
  return paths.map((container_path, i) => ({
    container_path,
    mode: 'RO',
    source: { type: 'SECRET', secret: secrets[i]! },
  }));
}

const TO_MESOS: Record<SparkTaskState, MesosTaskState> = {
  LAUNCHING: 'TASK_STARTING',
  RUNNING: 'TASK_RUNNING',
  FINISHED: 'TASK_FINISHED',
  FAILED: 'TASK_FAILED',
  KILLED: 'TASK_KILLED',
  LOST: 'TASK_LOST',
};

function taskStateToMesos(state: SparkTaskState): MesosTaskState {
  const s = TO_MESOS[state];
  if (s === undefined) {
    throw new IllegalArgumentException(`taskStateToMesos: state should be one of ${Object.keys(TO_MESOS).join(', ')}, but was '${String(state)}'`);
  }
  return s;
}

const FROM_MESOS: Record<MesosTaskState, SparkTaskState> = {
  TASK_STAGING: 'LAUNCHING',
  TASK_STARTING: 'LAUNCHING',
  TASK_RUNNING: 'RUNNING',
  TASK_KILLING: 'RUNNING',
  TASK_FINISHED: 'FINISHED',
  TASK_FAILED: 'FAILED',
  TASK_GONE: 'FAILED',
  TASK_GONE_BY_OPERATOR: 'FAILED',
  TASK_KILLED: 'KILLED',
  TASK_LOST: 'LOST',
  TASK_ERROR: 'LOST',
  TASK_DROPPED: 'LOST',
  TASK_UNKNOWN: 'LOST',
  TASK_UNREACHABLE: 'LOST',
};

/** Mesos task state to the engine's, as Spark maps them (ERROR, DROPPED, UNREACHABLE and UNKNOWN are LOST). */
function mesosToTaskState(state: MesosTaskState): SparkTaskState {
  const s = FROM_MESOS[state];
  if (s === undefined) throw new IllegalArgumentException(`mesosToTaskState: unknown Mesos task state '${String(state)}'`);
  return s;
}

/** Container, volume, secret and task-state helpers shared by the Mesos backends and the dispatcher. */
export const MesosSchedulerBackendUtil = {
  parseVolumesSpec,
  parsePortMappingsSpec,
  parseParamsSpec,
  buildContainerInfo,
  getSecretEnvVar,
  getSecretVolume,
  taskStateToMesos,
  mesosToTaskState,
};
