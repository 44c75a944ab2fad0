/**
 * The v0 `/master/state` JSON, shaped as a real master returns it (Mesos' `src/master/readonly_handler.cpp`), without
 * secret values, as Mesos shows none.
 */
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import { add, roleOf, toV0 } from '../resources.js';
import { scrubSecrets } from '../scrubSecrets.js';
import { attributeV0, hasCapability, isUnreachableTask, VERSION, type MasterContext, type MFramework, type MTask } from './model.js';

export function masterState(ctx: MasterContext): Record<string, unknown> {
  return scrubSecrets(rawState(ctx));
}

function taskJson(t: MTask): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.info.task_id.value,
    name: t.info.name,
    framework_id: t.frameworkId,
    executor_id: t.info.executor?.executor_id.value ?? '',
    slave_id: t.agentId,
    state: t.state,
    resources: toV0(t.resources),
    role: t.role,
    statuses: t.statuses.map((s) => ({ state: s.state, timestamp: s.timestamp ?? 0, ...(s.container_status ? { container_status: s.container_status } : {}), ...(s.healthy !== undefined ? { healthy: s.healthy } : {}) })),
  };
  if (t.info.labels) out.labels = t.info.labels.labels ?? [];
  if (t.info.container) out.container = t.info.container;
  if (t.info.discovery) out.discovery = t.info.discovery;
  return out;
}

function frameworkJson(f: MFramework): Record<string, unknown> {
  const counts: Record<string, number> = {};
  for (const t of f.tasks.values()) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const used = [...f.tasks.values()].filter((t) => !isTerminalTaskState(t.state) && !isUnreachableTask(t)).flatMap((t) => t.resources);
  const offered = [...f.offers.values()].flatMap((o) => o.offer.resources ?? []);
  const multi = hasCapability(f.info, 'MULTI_ROLE');
  return {
    id: f.id,
    name: f.info.name,
    pid: '',
    used_resources: toV0(used),
    offered_resources: toV0(offered),
    resources: toV0(add(used, offered)),
    capabilities: (f.info.capabilities ?? []).map((c) => c.type),
    hostname: f.info.hostname ?? '',
    webui_url: f.info.webui_url ?? '',
    active: f.active,
    connected: f.stream?.isOpen ?? false,
    recovered: f.recovered,
    user: f.info.user,
    failover_timeout: f.info.failover_timeout ?? 0,
    checkpoint: f.info.checkpoint ?? false,
    registered_time: f.registeredTime,
    unregistered_time: f.unregisteredTime ?? 0,
    ...(f.reregisteredTime !== undefined ? { reregistered_time: f.reregisteredTime } : {}),
    ...(f.info.principal !== undefined ? { principal: f.info.principal } : {}),
    ...(multi ? { roles: f.roles } : { role: f.info.role ?? '*' }),
    ...counts,
    tasks: [...f.tasks.values()].filter((t) => !isUnreachableTask(t)).map(taskJson),
    unreachable_tasks: [...f.tasks.values()].filter(isUnreachableTask).map(taskJson),
    completed_tasks: f.completedTasks.map(taskJson),
    offers: [...f.offers.values()].map((o) => ({ id: o.offer.id.value, framework_id: f.id, slave_id: o.offer.agent_id.value, resources: toV0(o.offer.resources ?? []), ...(multi ? { allocation_info: { role: o.role } } : {}) })),
    // As Mesos' model(ExecutorInfo): ids as strings, resources as a v0 object.
    executors: [...f.executors.entries()].flatMap(([agentId, m]) => [...m.values()].map((e) => ({
      executor_id: e.executor_id.value, name: e.name ?? '', source: e.source ?? '', framework_id: f.id, slave_id: agentId,
      resources: toV0(e.resources ?? []), ...(e.command ? { command: e.command } : {}), ...(e.container ? { container: e.container } : {}),
      ...(e.labels ? { labels: e.labels.labels ?? [] } : {}),
    }))),
    ...(f.info.labels ? { labels: f.info.labels.labels ?? [] } : {}),
  };
}

function rawState(ctx: MasterContext): Record<string, unknown> {
  const a = ctx.endpoint;
  const frameworks = [...ctx.frameworks.all()];
  const slaves = [...ctx.agents.all()].map((ag) => {
    const used = frameworks.flatMap((f) => [...f.tasks.values()].filter((t) => t.agentId === ag.id && !isTerminalTaskState(t.state) && !isUnreachableTask(t)).flatMap((t) => t.resources));
    const offered = frameworks.flatMap((f) => [...f.offers.values()].filter((o) => o.offer.agent_id.value === ag.id).flatMap((o) => o.offer.resources ?? []));
    const reserved: Record<string, Record<string, number | string>> = {};
    for (const r of ag.total) {
      const role = roleOf(r);
      if (role !== '*') reserved[role] = toV0(ag.total.filter((x) => roleOf(x) === role));
    }
    return {
      id: ag.id,
      pid: `slave(1)@${ag.ip}:${ag.port}`,
      hostname: ag.hostname,
      port: ag.port,
      registered_time: ag.registeredTime,
      ...(ag.reregisteredTime !== undefined ? { reregistered_time: ag.reregisteredTime } : {}),
      resources: toV0(ag.total),
      used_resources: toV0(used),
      offered_resources: toV0(offered),
      reserved_resources: reserved,
      unreserved_resources: toV0(ag.total.filter((r) => roleOf(r) === '*')),
      attributes: Object.fromEntries(ag.attributes.map((at) => [at.name, attributeV0(at)])),
      active: ag.active,
      deactivated: false,
      version: VERSION,
      capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
    };
  });
  const leader = ctx.election.leader;
  return {
    version: VERSION,
    build_date: '2024-08-01 00:00:00',
    build_time: 1722470400,
    build_user: 'minimesos',
    start_time: ctx.startTime,
    elected_time: ctx.election.electedTime ?? 0,
    id: ctx.id,
    pid: `master@${a.host}:${a.port}`,
    hostname: ctx.opts.hostname ?? a.host,
    capabilities: ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'],
    activated_slaves: slaves.filter((x) => x.active).length,
    deactivated_slaves: slaves.filter((x) => !x.active).length,
    unreachable_slaves: ctx.agents.unreachableAgents().size,
    leader: leader ? `master@${leader.host}:${leader.port}` : '',
    leader_info: ctx.masterInfo,
    flags: {
      allocation_interval: `${ctx.opts.allocationIntervalMs}ms`,
      authenticate_http_frameworks: ctx.opts.credentials ? 'true' : 'false',
      ...(ctx.opts.roles ? { roles: ctx.opts.roles.join(',') } : {}),
      ...(ctx.opts.zk ? { zk: ctx.opts.zk } : {}),
    },
    slaves,
    recovered_slaves: ctx.agents.recoveredAgents(),
    frameworks: frameworks.filter((f) => !f.recovered || f.tasks.size > 0).map(frameworkJson),
    completed_frameworks: ctx.frameworks.completed.map(frameworkJson),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}
