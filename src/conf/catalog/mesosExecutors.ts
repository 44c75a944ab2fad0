/**
 * Mesos executor and container keys: executor resources, images, volumes, fetched URIs, networks.
 * The catalog's `Mesos: executors and containers` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

export const MESOS_EXTRA_CORES = entry({ key: 'spark.mesos.extra.cores', type: 'int', default: '0', min: 0, category: 'Mesos: executors and containers', since: '0.6.0',
  doc: 'Cores each executor advertises beyond what it takes from Mesos (coarse mode); not counted toward `spark.cores.max`.' });
export const MESOS_EXECUTOR_CORES = entry({ key: 'spark.mesos.mesosExecutor.cores', type: 'double', default: '1.0', min: 0, category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Fine-grained mode: CPUs held by each agent\'s long-lived executor, beside the CPUs of its tasks. May be fractional.' });
export const MESOS_EXECUTOR_HOME = entry({ key: 'spark.mesos.executor.home', type: 'string', category: 'Mesos: executors and containers', defaultDoc: '`spark.home`', since: '1.1.1',
  doc: 'Where spark-mesos is installed on the agents; used when no executor URI is set.' });
export const MESOS_EXECUTOR_MEMORY_OVERHEAD = entry({ key: 'spark.mesos.executor.memoryOverhead', type: 'bytes', unit: 'm', min: 0, category: 'Mesos: executors and containers',
  defaultDoc: '`spark.executor.memoryOverhead`, else max(384, `spark.executor.memoryOverheadFactor` × executor memory)', since: '1.1.1',
  doc: 'MiB added to executor memory in the Mesos `mem` request.' });
export const MESOS_EXECUTOR_DOCKER_IMAGE = entry({ key: 'spark.mesos.executor.docker.image', type: 'string', category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Container image for executors (and for the driver in cluster mode).' });
export const MESOS_EXECUTOR_DOCKER_FORCE_PULL_IMAGE = entry({ key: 'spark.mesos.executor.docker.forcePullImage', type: 'boolean', category: 'Mesos: executors and containers', defaultDoc: 'false', since: '2.1.0',
  doc: 'Always pull the image (Docker `force_pull_image`; Mesos containerizer: image not `cached`).' });
export const MESOS_EXECUTOR_DOCKER_PORTMAPS = entry({ key: 'spark.mesos.executor.docker.portmaps', type: 'list', category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Docker port mappings `host_port:container_port[:tcp|:udp]`, comma-separated. Malformed items are skipped with a warning.' });
export const MESOS_EXECUTOR_DOCKER_PARAMETERS = entry({ key: 'spark.mesos.executor.docker.parameters', type: 'list', category: 'Mesos: executors and containers', since: '2.2.0',
  doc: 'Docker CLI parameters `key=value`, comma-separated (Docker containerizer only).' });
export const MESOS_EXECUTOR_DOCKER_VOLUMES = entry({ key: 'spark.mesos.executor.docker.volumes', type: 'list', category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Volumes `[host_path:]container_path[:rw|:ro]`, comma-separated; only used with an image.' });
export const MESOS_CONTAINERIZER = entry({ key: 'spark.mesos.containerizer', type: 'enum', values: ['docker', 'mesos'], default: 'docker', category: 'Mesos: executors and containers', since: '2.1.0',
  doc: 'Which containerizer runs the image: `docker` or `mesos` (UCR).' });
export const MESOS_URIS = entry({ key: 'spark.mesos.uris', type: 'list', default: '', category: 'Mesos: executors and containers', since: '1.5.0',
  doc: 'Extra URIs fetched into every executor (and driver) sandbox, comma-separated.' });
export const MESOS_FETCHER_CACHE_ENABLE = entry({ key: 'spark.mesos.fetcherCache.enable', type: 'boolean', default: 'false', alternatives: ['spark.mesos.fetchCache.enable'],
  category: 'Mesos: executors and containers', since: '2.1.0',
  doc: 'Let the Mesos fetcher cache the executor URI and `spark.mesos.uris`.' });
export const MESOS_NETWORK_NAME = entry({ key: 'spark.mesos.network.name', type: 'string', category: 'Mesos: executors and containers', since: '2.1.0',
  doc: 'Named (CNI) network for executor and driver containers; executors then do not pass `--hostname`.' });
