/**
 * What an executor starts with (Mesos' `executorEnvironment` in `slave.cpp`): the `MESOS_*` variables, the
 * command's own variables (secrets resolved), and file-based secrets written into the sandbox.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandInfo, Secret } from '../../mesos/wire/container.js';
import type { TaskInfo } from '../../mesos/wire/task.js';
import { nanosToMs, type AgentContext, type AgentFramework, type Executor } from './model.js';

export function executorEnvironment(ctx: AgentContext, f: AgentFramework, e: Executor, command: CommandInfo): Record<string, string> {
  const { host, executorShutdownGraceMs } = ctx.opts;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    MESOS_FRAMEWORK_ID: e.frameworkId,
    MESOS_EXECUTOR_ID: e.info.executor_id.value,
    MESOS_AGENT_ENDPOINT: `${host}:${ctx.port}`,
    MESOS_SLAVE_ID: ctx.id ?? '',
    MESOS_SLAVE_PID: `slave(1)@${host}:${ctx.port}`,
    MESOS_DIRECTORY: e.directory,
    MESOS_SANDBOX: e.directory,
    MESOS_CHECKPOINT: f.info.checkpoint ? '1' : '0',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: `${Math.round((nanosToMs(e.info.shutdown_grace_period?.nanoseconds) ?? executorShutdownGraceMs) / 1000)}secs`,
    MESOS_HTTP_COMMAND_EXECUTOR: '0',
    LIBPROCESS_PORT: '0',
    // As an agent started with --ip: executors bind and advertise the agent's address.
    LIBPROCESS_IP: host,
  });
  if (f.info.checkpoint) {
    env.MESOS_RECOVERY_TIMEOUT = '15mins';
    env.MESOS_SUBSCRIPTION_BACKOFF_MAX = '2secs';
  }
  // NODE_TEST_CONTEXT would make child Node processes act as test subprocesses.
  delete env.NODE_TEST_CONTEXT;
  for (const v of command.environment?.variables ?? []) {
    env[v.name] = v.type === 'SECRET' ? resolveSecret(ctx, v.secret, `environment variable ${v.name}`) : (v.value ?? '');
  }
  return env;
}

function resolveSecret(ctx: AgentContext, secret: Secret | undefined, where: string): string {
  if (secret?.type === 'VALUE' && secret.value) return Buffer.from(secret.value.data, 'base64').toString('utf8');
  if (secret?.type === 'REFERENCE' && secret.reference) {
    const v = ctx.opts.secrets?.[secret.reference.name];
    if (v === undefined) throw new Error(`Failed to resolve secret for ${where}: no secret named '${secret.reference.name}'`);
    return v;
  }
  throw new Error(`Failed to resolve secret for ${where}: unsupported secret`);
}

/** File-based secrets land in the sandbox (relative paths) as Mesos' secret volume isolator does. */
export function writeSecretVolumes(ctx: AgentContext, e: Executor, volumes: NonNullable<NonNullable<TaskInfo['container']>['volumes']>): void {
  for (const v of volumes) {
    if (v.source?.type !== 'SECRET') continue;
    const target = join(e.directory, v.container_path.replace(/^\/+/, ''));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, resolveSecret(ctx, v.source.secret, `volume ${v.container_path}`), { mode: 0o400 });
  }
}
