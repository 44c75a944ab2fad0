/**
 * Turns a request body into a call the way the Mesos master and agent do (stout's JSON→protobuf conversion, then
 * call validation), with the same HTTP status and message for each failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, text } from './http.js';
import { FrameworkID, ExecutorID } from '../mesos/wire/common.js';
import { SchedulerCallPayloads, SCHEDULER_CALL_TYPES, type SchedulerCall } from '../mesos/wire/scheduler.js';
import { ExecutorCallPayloads, type ExecutorCall } from '../mesos/wire/executor.js';

export type Parsed<T> = { ok: true; call: T } | { ok: false; status: number; message: string };

// Fields stout reads as numbers or booleans even when given as strings ("123", "true").
const NUMERIC_FIELDS = new Set([
  'begin', 'end', 'refuse_seconds', 'nanoseconds', 'host_port', 'container_port', 'failover_timeout', 'port',
  'heartbeat_interval_seconds', 'timestamp', 'ip', 'status', 'number',
]);
const BOOLEAN_FIELDS = new Set(['shell', 'extract', 'executable', 'cache', 'checkpoint', 'force_pull_image', 'privileged', 'cached', 'healthy']);

/**
 * stout's leniencies: `null` means unset; numbers and booleans may come as strings. `value` is numeric only in a
 * Scalar (elsewhere, as in ids, it is text).
 */
function coerce(v: unknown, key?: string, parent?: string): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map((x) => coerce(x, key, parent));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = coerce(x, k, key);
    return out;
  }
  if (typeof v === 'string' && key !== undefined) {
    const numeric = NUMERIC_FIELDS.has(key) || (key === 'value' && parent === 'scalar');
    if (numeric && /^-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$/i.test(v.trim())) return Number(v);
    if (numeric && (v === 'Infinity' || v === '-Infinity')) return Number(v);
    if (BOOLEAN_FIELDS.has(key) && (v === 'true' || v === 'false')) return v === 'true';
  }
  return v;
}

function path(p: readonly PropertyKey[]): string {
  return p.map((x) => (typeof x === 'number' ? `[${x}]` : String(x))).join('.').replace(/\.\[/g, '[');
}

function conversionError(issues: z.core.$ZodIssue[], what: string): string {
  const missing = issues.filter((i) => i.code === 'invalid_type' && /received undefined/.test(i.message)).map((i) => path(i.path));
  if (missing.length > 0) return `Failed to convert JSON into ${what} protobuf: Missing required fields: ${missing.join(', ')}`;
  const i = issues[0]!;
  return `Failed to convert JSON into ${what} protobuf: Not expecting a JSON value for field '${path(i.path)}' (${i.message})`;
}

function parseBody(body: string, what: string): { ok: true; value: Record<string, unknown> } | { ok: false; status: number; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return { ok: false, status: 400, message: `Failed to parse body into JSON: ${(err as Error).message}` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, status: 400, message: `Failed to convert JSON into ${what} protobuf: Expecting a JSON object` };
  }
  return { ok: true, value: coerce(raw) as Record<string, unknown> };
}

/** Whether base64 text decodes to a 16-byte RFC 4122 UUID. */
export function isValidUuidBytes(b64: string): boolean {
  const b = Buffer.from(b64, 'base64');
  return b.length === 16 && b.toString('base64') === b64;
}

const optionalPayloads = Object.fromEntries(Object.entries(SchedulerCallPayloads).map(([k, v]) => [k, v.optional()]));
const SchedulerCallShape = z.looseObject({ type: z.string().optional(), framework_id: FrameworkID.optional(), ...optionalPayloads });

const PAYLOAD_REQUIRED: Partial<Record<string, keyof typeof SchedulerCallPayloads>> = {
  SUBSCRIBE: 'subscribe', ACCEPT: 'accept', DECLINE: 'decline', ACCEPT_INVERSE_OFFERS: 'accept_inverse_offers',
  DECLINE_INVERSE_OFFERS: 'decline_inverse_offers', KILL: 'kill', SHUTDOWN: 'shutdown', ACKNOWLEDGE: 'acknowledge',
  RECONCILE: 'reconcile', MESSAGE: 'message', REQUEST: 'request', UPDATE_FRAMEWORK: 'update_framework',
};

export function parseSchedulerCall(body: string): Parsed<SchedulerCall> {
  const b = parseBody(body, 'Call');
  if (!b.ok) return b;
  const v = b.value;
  // An enum string Mesos does not know is dropped, as stout does for optional enum fields.
  if (typeof v.type === 'string' && !(SCHEDULER_CALL_TYPES as readonly string[]).includes(v.type)) delete v.type;
  if (v.type !== undefined && typeof v.type !== 'string') {
    return { ok: false, status: 400, message: "Failed to convert JSON into Call protobuf: Not expecting a JSON value for field 'type'" };
  }
  const r = SchedulerCallShape.safeParse(v);
  if (!r.success) return { ok: false, status: 400, message: conversionError(r.error.issues, 'Call') };
  const invalid = (why: string): Parsed<SchedulerCall> => ({ ok: false, status: 400, message: `Failed to validate scheduler::Call: ${why}` });
  const type = v.type as string | undefined;
  if (type === undefined) return invalid("Expecting 'type' to be present");
  const payload = PAYLOAD_REQUIRED[type];
  if (payload && v[payload] === undefined) return invalid(`Expecting '${payload}' to be present`);
  if (type === 'SUBSCRIBE') {
    const fid = (v.framework_id as { value: string } | undefined)?.value;
    const infoId = (v.subscribe as { framework_info: { id?: { value: string } } }).framework_info.id?.value;
    if (fid !== undefined && fid !== infoId) return invalid("'framework_id' differs from 'subscribe.framework_info.id'");
  } else if (v.framework_id === undefined) {
    return invalid("Expecting 'framework_id' to be present");
  }
  if (type === 'ACKNOWLEDGE' && !isValidUuidBytes((v.acknowledge as { uuid: string }).uuid)) {
    return invalid('Not a valid UUID');
  }
  if (type === 'UPDATE_FRAMEWORK') {
    const infoId = (v.update_framework as { framework_info: { id?: { value: string } } }).framework_info.id?.value;
    if (infoId !== (v.framework_id as { value: string }).value) return invalid("'framework_id' differs from 'update_framework.framework_info.id'");
  }
  return { ok: true, call: v as unknown as SchedulerCall };
}

const ExecutorCallShape = z.looseObject({
  type: z.string().optional(),
  framework_id: FrameworkID,
  executor_id: ExecutorID,
  subscribe: ExecutorCallPayloads.subscribe.optional(),
  update: ExecutorCallPayloads.update.optional(),
  message: ExecutorCallPayloads.message.optional(),
});

export function parseExecutorCall(body: string): Parsed<ExecutorCall> {
  const b = parseBody(body, 'Call');
  if (!b.ok) return b;
  const v = b.value;
  if (typeof v.type === 'string' && !['SUBSCRIBE', 'UPDATE', 'MESSAGE', 'HEARTBEAT'].includes(v.type)) delete v.type;
  const r = ExecutorCallShape.safeParse(v);
  if (!r.success) return { ok: false, status: 400, message: conversionError(r.error.issues, 'Call') };
  const invalid = (why: string): Parsed<ExecutorCall> => ({ ok: false, status: 400, message: `Failed to validate Executor::Call: ${why}` });
  const type = v.type as string | undefined;
  if (type === undefined) return invalid("Expecting 'type' to be present");
  const payload = { SUBSCRIBE: 'subscribe', UPDATE: 'update', MESSAGE: 'message' }[type];
  if (payload && v[payload] === undefined) return invalid(`Expecting '${payload}' to be present`);
  if (type === 'UPDATE') {
    const st = (v.update as { status: { uuid?: string; source?: string; state: string; executor_id?: { value: string } } }).status;
    if (st.uuid === undefined) return invalid("Expecting 'uuid' to be present");
    if (!isValidUuidBytes(st.uuid)) return invalid('Not a valid UUID');
    if (st.state === 'TASK_STAGING') return invalid("Received TASK_STAGING from executor");
    if (st.source !== 'SOURCE_EXECUTOR') return invalid("Received wrong 'source'");
    if (st.executor_id && st.executor_id.value !== (v.executor_id as { value: string }).value) {
      return invalid("ExecutorID in Call differs from ExecutorID in TaskStatus");
    }
  }
  return { ok: true, call: v as unknown as ExecutorCall };
}

/** The master's and agent's Content-Type and Accept checks, byte for byte. */
export function checkMediaTypes(headers: Record<string, string | string[] | undefined>, streaming: boolean): { status: number; message: string } | undefined {
  const ct = headers['content-type'];
  if (ct === undefined) return { status: 400, message: "Expecting 'Content-Type' to be present" };
  if (ct !== 'application/json' && ct !== 'application/x-protobuf') {
    return { status: 415, message: `Expecting 'Content-Type' of application/json or application/x-protobuf` };
  }
  if (ct === 'application/x-protobuf') return { status: 415, message: 'The simulator accepts application/json only' };
  if (streaming) {
    const accept = String(headers.accept ?? '*/*');
    const ok = accept.split(',').some((a) => {
      const t = a.split(';')[0]!.trim();
      return t === 'application/json' || t === '*/*' || t === 'application/*';
    });
    if (!ok) return { status: 406, message: 'Expecting \'Accept\' to allow application/json' };
  }
  return undefined;
}

/**
 * The checks the master and the agent make before a call is dispatched, in Mesos' order: method, body, Content-Type,
 * conversion and validation. Answers the request itself on failure and returns undefined.
 */
export async function readCall<T>(req: IncomingMessage, res: ServerResponse, parse: (body: string) => Parsed<T>): Promise<T | undefined> {
  if (req.method !== 'POST') {
    text(res, 405, `Expecting one of { 'POST' }, but received '${req.method}'`, { Allow: 'POST' });
    return undefined;
  }
  const body = await readBody(req);
  const media = checkMediaTypes(req.headers, false);
  if (media) {
    text(res, media.status, media.message);
    return undefined;
  }
  const parsed = parse(body);
  if (!parsed.ok) {
    text(res, parsed.status, parsed.message);
    return undefined;
  }
  return parsed.call;
}
