/**
 * The master's side of the agent protocol (`agentProtocol.ts`): registration opens the agent's link stream and
 * starts its health check; messages from the agent are status updates, executor exits and messages, and pongs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger } from '../../util/logging.js';
import { decodeJson } from '../../mesos/wire/decode.js';
import { AgentEnvelope, Registration } from '../agentProtocol.js';
import { EventStream } from '../EventStream.js';
import { readBody, text } from '../http.js';
import type { MasterContext } from './model.js';
import { RemoteAgentLink } from './RemoteAgentLink.js';

const log = getLogger('minimesos.Master');

/** Answers 307/503 (and returns false) when this master does not lead, as the scheduler endpoint does. */
function leading(ctx: MasterContext, res: ServerResponse, path: string): boolean {
  if (ctx.isLeader) return true;
  const leader = ctx.election.leader;
  if (!leader) text(res, 503, 'No leader elected');
  else text(res, 307, '', { Location: `//${leader.host}:${leader.port}${path}` });
  return false;
}

export async function handleAgentRegister(ctx: MasterContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'POST') return text(res, 405, '', { Allow: 'POST' });
  if (!leading(ctx, res, path)) return;
  if (ctx.recovering) return text(res, 503, 'Master has not finished recovery');
  let reg: Registration;
  try {
    reg = decodeJson(Registration, await readBody(req), 'agent registration');
  } catch (err) {
    return text(res, 400, (err as Error).message);
  }
  // A machine DOWN for maintenance: the agent keeps trying and is let in after `/machine/up`.
  const refused = ctx.agents.refusal(reg);
  if (refused) return text(res, 403, refused);
  // The registry holds the agent before it is added or told it is registered, as in Mesos.
  const admittedId = await ctx.agents.admit(reg);
  if (admittedId === undefined) return text(res, 503, 'Could not admit the agent to the registry');
  try {
    // What may have changed while the registry was written: the agent gone (it registers again), the master stopped,
    // no longer leading (the agent is sent on, as it would have been at first), or its machine taken down.
    if (req.socket.destroyed) return;
    if (ctx.stopped) return void res.destroy();
    if (!leading(ctx, res, path)) return;
    if (ctx.recovering) return text(res, 503, 'Master has not finished recovery');
    const refusedNow = ctx.agents.refusal(reg);
    if (refusedNow) return text(res, 403, refusedNow);
    registerAdmitted(ctx, res, reg, admittedId);
  } finally {
    ctx.agents.admitted(admittedId);
  }
}

function registerAdmitted(ctx: MasterContext, res: ServerResponse, reg: Registration, admittedId: string): void {
  const stream = new EventStream(res);
  let agentId = '';
  const link = new RemoteAgentLink(stream, {
    intervalMs: ctx.opts.agentPingTimeoutMs,
    maxMisses: ctx.opts.maxAgentPingTimeouts,
    onTimeout: () => ctx.agents.markUnreachable(agentId, 'health check timed out'),
  });
  agentId = ctx.agents.register(link, reg, admittedId);
  stream.onClose(() => ctx.agents.disconnected(agentId, link));
  link.send({ type: 'REGISTERED', agent_id: agentId, link_id: link.id, total_ping_timeout_ms: ctx.opts.agentPingTimeoutMs * ctx.opts.maxAgentPingTimeouts });
  link.startPings();
}

export async function handleAgentMessage(ctx: MasterContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'POST') return text(res, 405, '', { Allow: 'POST' });
  if (!leading(ctx, res, path)) return;
  let env: AgentEnvelope;
  try {
    env = decodeJson(AgentEnvelope, await readBody(req), 'agent message');
  } catch (err) {
    return text(res, 400, (err as Error).message);
  }
  const a = ctx.agents.get(env.agent_id);
  if (!a || !(a.link instanceof RemoteAgentLink) || a.link.id !== env.link_id) {
    log.debug({ agent: env.agent_id, type: env.message.type }, 'ignoring a message from an agent that is not registered');
    return text(res, 400, `Agent ${env.agent_id} is not registered on this link`);
  }
  text(res, 202);
  const m = env.message;
  switch (m.type) {
    case 'PONG':
      return a.link.pong();
    case 'STATUS_UPDATE':
      return ctx.agents.statusUpdate(a.id, m.framework_id, m.status, m.latest_state);
    case 'EXECUTOR_EXITED':
      return ctx.agents.executorExited(a.id, m.framework_id, m.executor_id, m.status);
    case 'EXECUTOR_MESSAGE':
      return ctx.agents.executorMessage(a.id, m.framework_id, m.executor_id, m.data);
  }
}
