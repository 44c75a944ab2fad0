/** Commands, environment, secrets and containers (`mesos.proto` CommandInfo, Secret, ContainerInfo, ...). */
import { z } from 'zod';
import { Bytes, Labels, Parameter, Opaque } from './common.js';

export const Secret = z.object({
  type: z.enum(['UNKNOWN', 'REFERENCE', 'VALUE']).optional(),
  reference: z.object({ name: z.string(), key: z.string().optional() }).optional(),
  value: z.object({ data: Bytes }).optional(),
});
export type Secret = z.infer<typeof Secret>;

export const EnvironmentVariable = z.object({
  name: z.string(),
  type: z.enum(['UNKNOWN', 'VALUE', 'SECRET']).optional(),
  value: z.string().optional(),
  secret: Secret.optional(),
});
export const Environment = z.object({ variables: z.array(EnvironmentVariable).optional() });
export type Environment = z.infer<typeof Environment>;
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Environment {
  /** `Environment.Variable`, as the proto nests it. */
  type Variable = z.infer<typeof EnvironmentVariable>;
}

export const CommandURI = z.object({
  value: z.string(),
  executable: z.boolean().optional(),
  extract: z.boolean().optional(),
  cache: z.boolean().optional(),
  output_file: z.string().optional(),
});
export type CommandURI = z.infer<typeof CommandURI>;

export const CommandInfo = z.object({
  uris: z.array(CommandURI).optional(),
  environment: Environment.optional(),
  shell: z.boolean().optional(),
  value: z.string().optional(),
  arguments: z.array(z.string()).optional(),
  user: z.string().optional(),
});
export type CommandInfo = z.infer<typeof CommandInfo>;

export const ImageType = z.enum(['APPC', 'DOCKER']);
export const Image = z.object({
  type: ImageType,
  appc: z.object({ name: z.string(), id: z.string().optional(), labels: Labels.optional() }).optional(),
  docker: z.object({ name: z.string(), config: Secret.optional() }).optional(),
  cached: z.boolean().optional(),
});
export type Image = z.infer<typeof Image>;

export const VolumeMode = z.enum(['RW', 'RO']);
export const VolumeSource = z.object({
  type: z.enum(['UNKNOWN', 'DOCKER_VOLUME', 'HOST_PATH', 'SANDBOX_PATH', 'SECRET', 'CSI_VOLUME']).optional(),
  docker_volume: z.object({ driver: z.string().optional(), name: z.string() }).optional(),
  host_path: z.object({ path: z.string() }).optional(),
  sandbox_path: z.object({ type: z.enum(['UNKNOWN', 'SELF', 'PARENT']).optional(), path: z.string() }).optional(),
  secret: Secret.optional(),
});
export const Volume = z.object({
  mode: VolumeMode,
  container_path: z.string(),
  host_path: z.string().optional(),
  image: Image.optional(),
  source: VolumeSource.optional(),
});
export type Volume = z.infer<typeof Volume>;

export const PortMapping = z.object({
  host_port: z.number(),
  container_port: z.number(),
  protocol: z.string().optional(),
});
export type PortMapping = z.infer<typeof PortMapping>;

export const DockerInfo = z.object({
  image: z.string(),
  network: z.enum(['HOST', 'BRIDGE', 'NONE', 'USER']).optional(),
  port_mappings: z.array(PortMapping).optional(),
  privileged: z.boolean().optional(),
  parameters: z.array(Parameter).optional(),
  force_pull_image: z.boolean().optional(),
});
export type DockerInfo = z.infer<typeof DockerInfo>;

export const NetworkInfo = z.object({
  ip_addresses: z.array(z.object({ protocol: z.enum(['IPv4', 'IPv6']).optional(), ip_address: z.string().optional() })).optional(),
  name: z.string().optional(),
  groups: z.array(z.string()).optional(),
  labels: Labels.optional(),
  port_mappings: z.array(z.object({ host_port: z.number(), container_port: z.number(), protocol: z.string().optional() })).optional(),
});
export type NetworkInfo = z.infer<typeof NetworkInfo>;

export const ContainerType = z.enum(['DOCKER', 'MESOS']);
export type ContainerType = z.infer<typeof ContainerType>;
export const ContainerInfo = z.object({
  type: ContainerType,
  volumes: z.array(Volume).optional(),
  hostname: z.string().optional(),
  docker: DockerInfo.optional(),
  mesos: z.object({ image: Image.optional() }).optional(),
  network_infos: z.array(NetworkInfo).optional(),
  linux_info: Opaque.optional(),
  rlimit_info: Opaque.optional(),
  tty_info: Opaque.optional(),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;
