/** Frameworks, masters, agents and offers (`mesos.proto` FrameworkInfo, MasterInfo, AgentInfo, Offer, Filters). */
import { z } from 'zod';
import { Address, AgentID, DomainInfo, ExecutorID, FrameworkID, Labels, OfferID, TimeInfo, DurationInfo, URL, Opaque } from './common.js';
import { Attribute, Resource } from './resources.js';
import { TaskGroupInfo, TaskInfo, ExecutorInfo } from './task.js';

export const FrameworkCapabilityType = z.enum([
  'UNKNOWN',
  'REVOCABLE_RESOURCES',
  'TASK_KILLING_STATE',
  'GPU_RESOURCES',
  'SHARED_RESOURCES',
  'PARTITION_AWARE',
  'MULTI_ROLE',
  'RESERVATION_REFINEMENT',
  'REGION_AWARE',
]);
export type FrameworkCapabilityType = z.infer<typeof FrameworkCapabilityType>;

export const FrameworkInfo = z.object({
  user: z.string(),
  name: z.string(),
  id: FrameworkID.optional(),
  failover_timeout: z.number().optional(),
  checkpoint: z.boolean().optional(),
  role: z.string().optional(),
  roles: z.array(z.string()).optional(),
  hostname: z.string().optional(),
  principal: z.string().optional(),
  webui_url: z.string().optional(),
  // Mesos drops capability names it does not know; keep them as text so an old client survives a new master.
  capabilities: z.array(z.object({ type: z.string().optional() })).optional(),
  labels: Labels.optional(),
  offer_filters: z.record(z.string(), Opaque).optional(),
});
export type FrameworkInfo = z.infer<typeof FrameworkInfo>;

export const MasterInfo = z.object({
  id: z.string(),
  ip: z.number(),
  port: z.number(),
  pid: z.string().optional(),
  hostname: z.string().optional(),
  version: z.string().optional(),
  address: Address.optional(),
  domain: DomainInfo.optional(),
  capabilities: z.array(z.object({ type: z.string().optional() })).optional(),
});
export type MasterInfo = z.infer<typeof MasterInfo>;

export const AgentInfo = z.object({
  hostname: z.string(),
  port: z.number().optional(),
  resources: z.array(Resource).optional(),
  attributes: z.array(Attribute).optional(),
  id: AgentID.optional(),
  domain: DomainInfo.optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const Unavailability = z.object({ start: TimeInfo, duration: DurationInfo.optional() });
export type Unavailability = z.infer<typeof Unavailability>;

export const Offer = z.object({
  id: OfferID,
  framework_id: FrameworkID,
  agent_id: AgentID,
  hostname: z.string(),
  url: URL.optional(),
  domain: DomainInfo.optional(),
  resources: z.array(Resource).optional(),
  attributes: z.array(Attribute).optional(),
  executor_ids: z.array(ExecutorID).optional(),
  unavailability: Unavailability.optional(),
  allocation_info: z.object({ role: z.string().optional() }).optional(),
});
export type Offer = z.infer<typeof Offer>;

export const InverseOffer = z.object({
  id: OfferID,
  url: URL.optional(),
  framework_id: FrameworkID,
  agent_id: AgentID.optional(),
  unavailability: Unavailability,
  resources: z.array(Resource).optional(),
});
export type InverseOffer = z.infer<typeof InverseOffer>;

export const Filters = z.object({ refuse_seconds: z.number().optional() });
export type Filters = z.infer<typeof Filters>;

export const OperationType = z.enum([
  'UNKNOWN', 'LAUNCH', 'LAUNCH_GROUP', 'RESERVE', 'UNRESERVE', 'CREATE', 'DESTROY', 'GROW_VOLUME', 'SHRINK_VOLUME',
  'CREATE_DISK', 'DESTROY_DISK',
]);
export const Operation = z.object({
  type: OperationType,
  id: z.object({ value: z.string() }).optional(),
  launch: z.object({ task_infos: z.array(TaskInfo).optional() }).optional(),
  launch_group: z.object({ executor: ExecutorInfo, task_group: TaskGroupInfo }).optional(),
  reserve: z.object({ resources: z.array(Resource).optional() }).optional(),
  unreserve: z.object({ resources: z.array(Resource).optional() }).optional(),
  create: z.object({ volumes: z.array(Resource).optional() }).optional(),
  destroy: z.object({ volumes: z.array(Resource).optional() }).optional(),
});
export type Operation = z.infer<typeof Operation>;
