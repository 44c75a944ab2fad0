/**
 * The master's HTTP endpoints (Mesos' `src/master/http.cpp`): `/api/v1/scheduler` with its checks in the
 * master's order, `/redirect`, `/state`, `/health`, `/teardown`, and the agent protocol's two routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkMediaTypes, parseSchedulerCall, readCall } from '../callParsing.js';
import { authenticate, json, readBody, text } from '../http.js';
import { AGENT_MESSAGE_PATH, AGENT_REGISTER_PATH } from '../agentProtocol.js';
import { handleAgentMessage, handleAgentRegister } from './agentEndpoints.js';
import { dispatch } from './schedulerCalls.js';
import { handleMaintenanceRequest } from './maintenanceEndpoints.js';
import { masterState } from './stateJson.js';
import type { MasterContext } from './model.js';

export async function handleMasterRequest(ctx: MasterContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = url.pathname;
  const leader = ctx.election.leader;
  if (p === '/api/v1/scheduler' || p === '/master/api/v1/scheduler') return handleScheduler(ctx, req, res, p);
  if (p === AGENT_MESSAGE_PATH) return handleAgentMessage(ctx, req, res, p);
  if (p === AGENT_REGISTER_PATH) return handleAgentRegister(ctx, req, res, p);
  if (p === '/redirect' || p === '/master/redirect') {
    if (!leader) return text(res, 503, 'No leader elected');
    return text(res, 307, '', { Location: `//${leader.host}:${leader.port}` });
  }
  if (p === '/state' || p === '/master/state' || p === '/state.json' || p === '/master/state.json') {
    if (!ctx.isLeader && leader) return text(res, 307, '', { Location: `//${leader.host}:${leader.port}${p}` });
    return json(res, 200, masterState(ctx));
  }
  if (await handleMaintenanceRequest(ctx, req, res, p)) return;
  if (p === '/health' || p === '/master/health') return text(res, 200);
  if ((p === '/teardown' || p === '/master/teardown') && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const id = form.get('frameworkId');
    if (!id) return text(res, 400, "Missing 'frameworkId' query parameter in the request body");
    if (!ctx.frameworks.has(id)) return text(res, 400, `No framework found with specified ID`);
    ctx.frameworks.remove(id, 'operator teardown');
    return text(res, 200);
  }
  text(res, 404);
}

async function handleScheduler(ctx: MasterContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const auth = authenticate(req, ctx.opts.credentials);
  if (!auth.ok) return text(res, 401, '401 Unauthorized.', { 'WWW-Authenticate': 'Basic realm="mesos-master-scheduler"' });
  if (!ctx.isLeader) {
    const leader = ctx.election.leader;
    if (!leader) return text(res, 503, 'No leader elected');
    return text(res, 307, '', { Location: `//${leader.host}:${leader.port}${path}` });
  }
  if (ctx.recovering) return text(res, 503, 'Master has not finished recovery');
  const call = await readCall(req, res, parseSchedulerCall);
  if (!call) return;
  if (call.type === 'SUBSCRIBE') {
    const accept = checkMediaTypes(req.headers, true);
    if (accept) return text(res, accept.status, accept.message);
    if (auth.principal !== undefined && call.subscribe.framework_info.principal !== undefined && call.subscribe.framework_info.principal !== auth.principal) {
      return text(res, 400, `Failed to validate scheduler::Call: Authenticated principal '${auth.principal}' does not match principal '${call.subscribe.framework_info.principal}' set in 'FrameworkInfo'`);
    }
    if (req.headers['mesos-stream-id'] !== undefined) return text(res, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
    return ctx.frameworks.subscribe(call, res, auth.principal);
  }
  const fid = call.framework_id!.value;
  const f = ctx.frameworks.get(fid);
  if (!f) return text(res, 400, 'Framework cannot be found');
  if (auth.principal !== undefined && f.principal !== undefined && f.principal !== auth.principal) {
    return text(res, 400, `Authenticated principal '${auth.principal}' does not match principal '${f.principal}' of the framework`);
  }
  if (!f.stream?.isOpen) return text(res, 403, 'Framework is not subscribed');
  const sid = req.headers['mesos-stream-id'];
  if (sid === undefined) return text(res, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
  if (sid !== f.stream.id) {
    return text(res, 400, `The stream ID '${String(sid)}' included in this request didn't match the stream ID currently associated with framework ID ${fid}`);
  }
  if (call.type === 'UPDATE_FRAMEWORK') {
    const err = ctx.frameworks.update(f, call.update_framework.framework_info, call.update_framework.suppressed_roles);
    return err ? text(res, 400, err) : text(res, 200);
  }
  text(res, 202);
  dispatch(ctx, f, call);
}
