/**
 * The frameworks a master knows (Mesos' `Master::Frameworks`): subscription and failover, FrameworkInfo
 * validation, disconnection and the failover timeout, removal, and frameworks recovered from re-registering agents.
 */
import type { ServerResponse } from 'node:http';
import { getLogger } from '../../util/logging.js';
import type { FrameworkInfo } from '../../mesos/wire/framework.js';
import type { SchedulerCall } from '../../mesos/wire/scheduler.js';
import { EventStream } from '../EventStream.js';
import { completeTask, executorIdOf, fmtId, masterStatus, recordStatus, frameworkRoles, hasCapability, now, type MasterContext, type MFramework } from './model.js';

const log = getLogger('minimesos.Master');

export class FrameworkRegistry {
  private readonly frameworks = new Map<string, MFramework>();
  readonly completed: MFramework[] = [];
  private readonly removedIds = new Set<string>();
  private nextFramework = 0;

  constructor(private readonly ctx: MasterContext) {}

  get(id: string): MFramework | undefined {
    return this.frameworks.get(id);
  }

  has(id: string): boolean {
    return this.frameworks.has(id);
  }

  all(): IterableIterator<MFramework> {
    return this.frameworks.values();
  }

  isRemoved(id: string): boolean {
    return this.removedIds.has(id);
  }

  send(f: MFramework, event: unknown): void {
    f.stream?.send(event);
  }

  subscribe(call: Extract<SchedulerCall, { type: 'SUBSCRIBE' }>, res: ServerResponse, principal: string | undefined): void {
    const info = structuredClone(call.subscribe.framework_info);
    const stream = new EventStream(res, { streamIdHeader: true, chunkSplit: this.ctx.opts.chunkSplit ?? false });
    const fail = (message: string) => {
      stream.send({ type: 'ERROR', error: { message } });
      stream.close();
    };
    const err = this.validateFrameworkInfo(info, call.subscribe.suppressed_roles ?? []);
    if (err) return fail(err);
    if (principal !== undefined && info.principal === undefined) info.principal = principal;
    const requestedId = info.id?.value;
    if (requestedId && this.removedIds.has(requestedId)) return fail('Framework has been removed');
    let f = requestedId ? this.frameworks.get(requestedId) : undefined;
    if (f) {
      if (f.info.principal !== undefined && info.principal !== f.info.principal && !f.recovered) {
        return fail("Changing framework's principal is not allowed.");
      }
      if (f.stream?.isOpen) {
        f.stream.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        f.stream.close();
      }
      clearTimeout(f.failoverTimer);
      f.failoverTimer = undefined;
      // Old offers are discarded without RESCIND; the framework must forget them.
      this.ctx.allocator.discardOffers(f, false);
      const keep = f.recovered ? info : { ...info, user: f.info.user, checkpoint: f.info.checkpoint };
      f.info = { ...keep, id: { value: f.id } };
      f.roles = frameworkRoles(info);
      f.recovered = false;
      f.reregisteredTime = now();
      f.unregisteredTime = undefined;
    } else {
      const id = requestedId ?? `${this.ctx.id}-${fmtId(this.nextFramework++)}`;
      f = newFramework(id, { ...info, id: { value: id } }, false);
      f.reregisteredTime = requestedId ? now() : undefined;
      this.frameworks.set(id, f);
    }
    const fw = f;
    fw.suppressed = new Set(call.subscribe.suppressed_roles ?? []);
    fw.stream = stream;
    fw.active = true;
    fw.principal = fw.info.principal;
    stream.onClose(() => this.disconnected(fw, stream));
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: fw.id }, heartbeat_interval_seconds: this.ctx.opts.heartbeatIntervalSeconds, master_info: this.ctx.masterInfo },
    });
    stream.startHeartbeats(this.ctx.opts.heartbeatIntervalSeconds * 1000);
    log.info({ framework: fw.id, name: fw.info.name }, 'framework subscribed');
    // Agents resend pending status updates to a (re)subscribed framework at once.
    for (const a of this.ctx.agents.all()) a.link.resendUpdates(fw.id);
    this.ctx.allocateSoon();
  }

  /** UPDATE_FRAMEWORK; returns an error message for a 400, or undefined when applied. */
  update(f: MFramework, info: FrameworkInfo, suppressedRoles: string[] | undefined): string | undefined {
    if (info.principal !== f.info.principal) return "Changing framework's principal is not allowed.";
    f.info = { ...info, user: f.info.user, checkpoint: f.info.checkpoint };
    f.roles = frameworkRoles(info);
    f.suppressed = new Set(suppressedRoles ?? []);
    return undefined;
  }

  private validateFrameworkInfo(info: FrameworkInfo, suppressed: string[]): string | undefined {
    const multi = hasCapability(info, 'MULTI_ROLE');
    if (multi && info.role !== undefined) return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
    if (!multi && info.roles !== undefined && info.roles.length > 0) return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
    const roles = frameworkRoles(info);
    if (new Set(roles).size !== roles.length) return `'FrameworkInfo.roles' contains duplicate items`;
    for (const r of roles) {
      if (r === '' || r === '.' || r === '..' || r.startsWith('-') || /[\s\\]/.test(r)) return `Role '${r}' is invalid`;
    }
    const allowed = this.ctx.opts.roles;
    if (allowed) {
      const bad = roles.filter((r) => r !== '*' && !allowed.includes(r));
      if (bad.length > 0) return `Roles { ${bad.join(', ')} } are not present in the master's --roles`;
    }
    const notIn = suppressed.filter((r) => !roles.includes(r));
    if (notIn.length > 0) return `Suppressed roles { ${notIn.join(', ')} } are not contained in the set of roles`;
    const ft = info.failover_timeout ?? 0;
    if (!Number.isFinite(ft) || ft < 0) return `The framework failover_timeout (${ft}) is invalid`;
    return undefined;
  }

  private disconnected(f: MFramework, stream: EventStream): void {
    if (f.stream !== stream || this.ctx.stopped) return;
    f.stream = undefined;
    f.active = false;
    f.unregisteredTime = now();
    this.ctx.allocator.discardOffers(f, false);
    const timeoutMs = (f.info.failover_timeout ?? 0) * 1000;
    log.info({ framework: f.id, failoverTimeoutMs: timeoutMs }, 'framework disconnected');
    // Beyond a timer's range (about 24.8 days; e.g. Spark's dispatcher asks for 2^31-1 s) it never elapses here.
    if (timeoutMs > 2 ** 31 - 1) return;
    f.failoverTimer = setTimeout(() => this.remove(f.id, 'failover timeout elapsed'), timeoutMs);
    f.failoverTimer.unref();
  }

  /** Removes a framework: its tasks are killed and its executors shut down on every agent. */
  remove(id: string, reason: string): void {
    const f = this.frameworks.get(id);
    if (!f) return;
    log.info({ framework: id, reason }, 'removing framework');
    clearTimeout(f.failoverTimer);
    this.ctx.allocator.discardOffers(f, true);
    this.frameworks.delete(id);
    this.removedIds.add(id);
    // As Mesos' removeFramework: each task gets a status of its own (nobody is told), then completes.
    for (const t of [...f.tasks.values()]) {
      const s = masterStatus(t.info.task_id.value, 'TASK_KILLED', 'REASON_FRAMEWORK_REMOVED', `Framework ${id} removed`, t.agentId);
      const executor = executorIdOf(t);
      if (executor) s.executor_id = executor;
      recordStatus(t, s);
      completeTask(this.ctx, f, t);
    }
    this.ctx.allocator.clearFilters(id);
    f.active = false;
    f.unregisteredTime = now();
    const stream = f.stream;
    f.stream = undefined;
    stream?.close();
    for (const a of this.ctx.agents.all()) a.link.shutdownFramework(id);
    this.completed.push(f);
    if (this.completed.length > 50) this.completed.shift();
  }

  /** A framework this master has not seen since it was elected: known from an agent until it re-subscribes. */
  recover(info: FrameworkInfo): void {
    const fid = info.id!.value;
    if (this.frameworks.has(fid) || this.removedIds.has(fid)) return;
    this.frameworks.set(fid, newFramework(fid, info, true));
  }

  /** Closes every subscription (this master stopped leading): schedulers see EOF and find the new leader. */
  closeStreams(): void {
    for (const f of this.frameworks.values()) f.stream?.close();
  }

  /** Closes every stream (the master stops): schedulers see EOF. */
  closeAll(): void {
    for (const f of this.frameworks.values()) {
      clearTimeout(f.failoverTimer);
      for (const o of f.offers.values()) clearTimeout(o.timer);
      f.stream?.close();
    }
  }
}

function newFramework(id: string, info: FrameworkInfo, recovered: boolean): MFramework {
  return {
    id,
    info,
    roles: frameworkRoles(info),
    stream: undefined,
    active: !recovered,
    recovered,
    suppressed: new Set(),
    offers: new Map(),
    tasks: new Map(),
    completedTasks: [],
    executors: new Map(),
    registeredTime: now(),
    reregisteredTime: undefined,
    unregisteredTime: undefined,
    failoverTimer: undefined,
    principal: info.principal,
    offersMade: 0,
  };
}
