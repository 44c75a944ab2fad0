/**
 * The master's maintenance endpoints (Mesos' `src/master/http.cpp`: `maintenanceSchedule`, `machineDown`,
 * `machineUp`, `maintenanceStatus`) and their effects: offers of newly draining agents are rescinded (they come
 * back carrying `unavailability`), `/machine/down` shuts the machine's agents down and removes them (their tasks end
 * `TASK_LOST`, as Mesos' `removeSlave` ends them); they are refused at registration until `/machine/up`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJson, MesosDecodeError } from '../../mesos/wire/decode.js';
import { MachineIDs, MaintenanceSchedule, type ClusterStatus, type MachineID } from '../../mesos/wire/maintenance.js';
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import { getLogger } from '../../util/logging.js';
import { json, readBody, text } from '../http.js';
import { machineKey } from './maintenance.js';
import { isUnreachableTask, type MAgent, type MasterContext } from './model.js';

const log = getLogger('minimesos.Master');

const PATHS: Record<string, 'schedule' | 'down' | 'up' | 'status'> = {
  '/maintenance/schedule': 'schedule', '/master/maintenance/schedule': 'schedule',
  '/machine/down': 'down', '/master/machine/down': 'down',
  '/machine/up': 'up', '/master/machine/up': 'up',
  '/maintenance/status': 'status', '/master/maintenance/status': 'status',
};

/** True when `path` is a maintenance endpoint (then the request has been answered). */
export async function handleMaintenanceRequest(ctx: MasterContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const which = PATHS[path];
  if (!which) return false;
  if (!ctx.isLeader) {
    const leader = ctx.election.leader;
    if (!leader) text(res, 503, 'No leader elected');
    else text(res, 307, '', { Location: `//${leader.host}:${leader.port}${path}` });
    return true;
  }
  const method = req.method ?? 'GET';
  const allowed = which === 'schedule' ? ['GET', 'POST'] : which === 'status' ? ['GET'] : ['POST'];
  if (!allowed.includes(method)) {
    text(res, 405, `Expecting ${allowed.map((m) => `'${m}'`).join(' or ')}, received '${method}'`, { Allow: allowed.join(', ') });
    return true;
  }
  if (which === 'status') {
    json(res, 200, clusterStatus(ctx));
    return true;
  }
  if (which === 'schedule' && method === 'GET') {
    json(res, 200, ctx.maintenance.schedule);
    return true;
  }
  const body = await readBody(req);
  try {
    const err = which === 'schedule' ? updateSchedule(ctx, decodeJson(MaintenanceSchedule, body, 'maintenance schedule'))
      : which === 'down' ? machinesDown(ctx, decodeJson(MachineIDs, body, 'list of machines'))
        : machinesUp(ctx, decodeJson(MachineIDs, body, 'list of machines'));
    if (err) text(res, 400, err);
    else text(res, 200);
  } catch (err) {
    if (err instanceof MesosDecodeError) text(res, 400, err.message);
    else throw err;
  }
  return true;
}

function agentsOn(ctx: MasterContext, keys: ReadonlySet<string>): MAgent[] {
  return [...ctx.agents.all()].filter((a) => keys.has(machineKey({ hostname: a.hostname, ip: a.ip })));
}

function updateSchedule(ctx: MasterContext, schedule: MaintenanceSchedule): string | undefined {
  const before = new Map([...ctx.maintenance.machines].map(([k, s]) => [k, JSON.stringify([s.mode, s.unavailability])]));
  const err = ctx.maintenance.update(schedule);
  if (err) return err;
  const after = ctx.maintenance.machines;
  const changed = new Set([...before.keys(), ...after.keys()].filter((k) => {
    const s = after.get(k);
    return before.get(k) !== (s ? JSON.stringify([s.mode, s.unavailability]) : undefined);
  }));
  for (const k of changed) if (!after.has(k)) ctx.inverseOffers.forgetMachine(k);
  const agents = agentsOn(ctx, changed);
  log.info({ machines: after.size, changedAgents: agents.map((a) => a.id) }, 'maintenance schedule updated');
  // Their offers come again, carrying the new unavailability (or none); inverse offers follow the new window.
  ctx.inverseOffers.rescindForAgents(new Set(agents.map((a) => a.id)));
  for (const a of agents) ctx.allocator.rescindAgentOffers(a.id);
  ctx.allocateSoon();
  return undefined;
}

function machinesDown(ctx: MasterContext, ids: MachineID[]): string | undefined {
  const err = ctx.maintenance.down(ids);
  if (err) return err;
  const agents = agentsOn(ctx, new Set(ids.map(machineKey)));
  ctx.inverseOffers.rescindForAgents(new Set(agents.map((a) => a.id)));
  for (const a of agents) {
    const message = "Operator initiated 'Machine DOWN'";
    log.warn({ agent: a.id, hostname: a.hostname }, `${message}: shutting the agent down`);
    // Mesos' ShutdownMessage: the agent kills everything it runs. Its later updates are ignored: the master ends
    // the tasks itself (removal), and the agent is refused until the machine is UP.
    for (const f of ctx.frameworks.all()) {
      const held = f.executors.get(a.id)?.size || [...f.tasks.values()].some((t) => t.agentId === a.id && !isTerminalTaskState(t.state) && !isUnreachableTask(t));
      if (held) a.link.shutdownFramework(f.id);
    }
    ctx.agents.remove(a.id, message);
    a.link.shutdown?.();
  }
  return undefined;
}

function machinesUp(ctx: MasterContext, ids: MachineID[]): string | undefined {
  const err = ctx.maintenance.up(ids);
  if (err) return err;
  for (const m of ids) ctx.inverseOffers.forgetMachine(machineKey(m));
  ctx.allocateSoon();
  return undefined;
}

/** `/maintenance/status`: draining machines with the frameworks' answers, and machines that are down. */
export function clusterStatus(ctx: MasterContext): ClusterStatus {
  const draining: NonNullable<ClusterStatus['draining_machines']> = [];
  const down: MachineID[] = [];
  for (const [k, s] of ctx.maintenance.machines) {
    if (s.mode === 'DOWN') down.push(s.id);
    else draining.push({ id: s.id, statuses: ctx.inverseOffers.statusesOf(k) });
  }
  return { draining_machines: draining, down_machines: down };
}
