/** spark-mesos: the public API. */
import './scheduler/cluster/register.js';
export { SparkContext, ModuleRef } from './core/SparkContext.js';
export { RDD, ShuffledRDD, CoGroupedRDD } from './core/RDD.js';
export { Broadcast } from './core/Broadcast.js';
export { Accumulator, LongAccumulator, CollectionAccumulator } from './core/Accumulator.js';
export { Partitioner, HashPartitioner, RangePartitioner } from './core/Partitioner.js';
export { StatCounter } from './core/StatCounter.js';
export { TaskContext } from './core/TaskContext.js';
export type { Env } from './core/closure.js';
export type { SparkListener, SparkListenerEvent } from './scheduler/events.js';
export { MesosExternalBlockStoreClient } from './shuffle/MesosExternalBlockStoreClient.js';
export { ExternalShuffleService } from './shuffle/ExternalShuffleService.js';
export { registerClusterManager, type ClusterManager } from './scheduler/clusterManagers.js';
export type { SchedulerBackend, BackendEvents, TaskStatusUpdate } from './scheduler/SchedulerBackend.js';
export { SparkConf } from './conf/SparkConf.js';
export * as config from './conf/catalog.js';
export { ConfigEntry } from './conf/ConfigEntry.js';
export { redact, REDACTED } from './conf/redaction.js';
export { parseBytes, parseTime } from './conf/units.js';
export { MesosProtoUtils } from './cluster/mesos/MesosProtoUtils.js';
export { MesosSchedulerBackendUtil, type SparkTaskState } from './cluster/mesos/MesosSchedulerBackendUtil.js';
export { MesosSchedulerUtils } from './cluster/mesos/MesosSchedulerUtils.js';
export { MesosSecretConfig, type SecretTaskType } from './cluster/mesos/MesosSecretConfig.js';
export { SparkException, IllegalArgumentException, NoSuchElementException } from './util/errors.js';
export * as mesos from './mesos/index.js';
export type {
  Labels, Label, Parameter, FrameworkID, OfferID, AgentID, TaskID, ExecutorID,
} from './mesos/wire/common.js';
export type { Resource, Attribute, Range, ValueType } from './mesos/wire/resources.js';
export type { Volume, PortMapping, ContainerInfo, DockerInfo, Environment, Secret, CommandInfo, CommandURI, Image, NetworkInfo } from './mesos/wire/container.js';
export type { TaskInfo, TaskStatus, TaskState, ExecutorInfo } from './mesos/wire/task.js';
export type { FrameworkInfo, Offer, Filters, MasterInfo, AgentInfo, Operation } from './mesos/wire/framework.js';
export type { SchedulerCall, SchedulerEvent } from './mesos/wire/scheduler.js';
export type { ExecutorCall, ExecutorEvent } from './mesos/wire/executor.js';
