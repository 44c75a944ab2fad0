/**
 * The scheduler API (`scheduler/scheduler.proto`): calls a framework sends to `/api/v1/scheduler` and the events
 * it receives on the subscription stream. Payloads sit under the lower-cased type name.
 */
import { z } from 'zod';
import { AgentID, Bytes, ExecutorID, FrameworkID, OfferID, TaskID, Opaque } from './common.js';
import { Resource } from './resources.js';
import { FrameworkInfo, Filters, InverseOffer, MasterInfo, Offer, Operation } from './framework.js';
import { KillPolicy, TaskStatus } from './task.js';

// ----------------------------------------------------------------------------------------------------- Calls

const roles = z.object({ roles: z.array(z.string()).optional() });
const inverseOfferAnswer = z.object({ inverse_offer_ids: z.array(OfferID).optional(), filters: Filters.optional() });

/** The payload of each call type, under its lower-cased type name. */
export const SchedulerCallPayloads = {
  subscribe: z.object({
    framework_info: FrameworkInfo,
    suppressed_roles: z.array(z.string()).optional(),
    offer_constraints: Opaque.optional(),
  }),
  accept: z.object({
    offer_ids: z.array(OfferID).optional(),
    operations: z.array(Operation).optional(),
    filters: Filters.optional(),
  }),
  decline: z.object({ offer_ids: z.array(OfferID).optional(), filters: Filters.optional() }),
  accept_inverse_offers: inverseOfferAnswer,
  decline_inverse_offers: inverseOfferAnswer,
  revive: roles,
  suppress: roles,
  kill: z.object({ task_id: TaskID, agent_id: AgentID.optional(), kill_policy: KillPolicy.optional() }),
  shutdown: z.object({ executor_id: ExecutorID, agent_id: AgentID }),
  acknowledge: z.object({ agent_id: AgentID, task_id: TaskID, uuid: Bytes }),
  reconcile: z.object({
    tasks: z.array(z.object({ task_id: TaskID, agent_id: AgentID.optional() })).optional(),
  }),
  message: z.object({ agent_id: AgentID, executor_id: ExecutorID, data: Bytes }),
  request: z.object({
    requests: z.array(z.object({ agent_id: AgentID.optional(), resources: z.array(Resource).optional() })).optional(),
  }),
  update_framework: z.object({
    framework_info: FrameworkInfo,
    suppressed_roles: z.array(z.string()).optional(),
    offer_constraints: Opaque.optional(),
  }),
};

const P = SchedulerCallPayloads;
const base = { framework_id: FrameworkID.optional() };

export const SchedulerCall = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SUBSCRIBE'), ...base, subscribe: P.subscribe }),
  z.object({ type: z.literal('TEARDOWN'), ...base }),
  z.object({ type: z.literal('ACCEPT'), ...base, accept: P.accept }),
  z.object({ type: z.literal('DECLINE'), ...base, decline: P.decline }),
  z.object({ type: z.literal('ACCEPT_INVERSE_OFFERS'), ...base, accept_inverse_offers: P.accept_inverse_offers }),
  z.object({ type: z.literal('DECLINE_INVERSE_OFFERS'), ...base, decline_inverse_offers: P.decline_inverse_offers }),
  z.object({ type: z.literal('REVIVE'), ...base, revive: P.revive.optional() }),
  z.object({ type: z.literal('SUPPRESS'), ...base, suppress: P.suppress.optional() }),
  z.object({ type: z.literal('KILL'), ...base, kill: P.kill }),
  z.object({ type: z.literal('SHUTDOWN'), ...base, shutdown: P.shutdown }),
  z.object({ type: z.literal('ACKNOWLEDGE'), ...base, acknowledge: P.acknowledge }),
  z.object({ type: z.literal('RECONCILE'), ...base, reconcile: P.reconcile }),
  z.object({ type: z.literal('MESSAGE'), ...base, message: P.message }),
  z.object({ type: z.literal('REQUEST'), ...base, request: P.request }),
  z.object({ type: z.literal('UPDATE_FRAMEWORK'), ...base, update_framework: P.update_framework }),
]);
export const SCHEDULER_CALL_TYPES = [
  'SUBSCRIBE', 'TEARDOWN', 'ACCEPT', 'DECLINE', 'ACCEPT_INVERSE_OFFERS', 'DECLINE_INVERSE_OFFERS', 'REVIVE', 'SUPPRESS',
  'KILL', 'SHUTDOWN', 'ACKNOWLEDGE', 'ACKNOWLEDGE_OPERATION_STATUS', 'RECONCILE', 'RECONCILE_OPERATIONS', 'MESSAGE',
  'REQUEST', 'UPDATE_FRAMEWORK',
] as const;
export type SchedulerCall = z.infer<typeof SchedulerCall>;
export type SchedulerCallType = SchedulerCall['type'];

// ----------------------------------------------------------------------------------------------------- Events

export const SchedulerEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('SUBSCRIBED'),
    subscribed: z.object({
      framework_id: FrameworkID,
      heartbeat_interval_seconds: z.number().optional(),
      master_info: MasterInfo.optional(),
    }),
  }),
  z.object({ type: z.literal('OFFERS'), offers: z.object({ offers: z.array(Offer).optional() }) }),
  z.object({
    type: z.literal('INVERSE_OFFERS'),
    inverse_offers: z.object({ inverse_offers: z.array(InverseOffer).optional() }),
  }),
  z.object({ type: z.literal('RESCIND'), rescind: z.object({ offer_id: OfferID }) }),
  z.object({ type: z.literal('RESCIND_INVERSE_OFFER'), rescind_inverse_offer: z.object({ inverse_offer_id: OfferID }) }),
  z.object({ type: z.literal('UPDATE'), update: z.object({ status: TaskStatus }) }),
  z.object({ type: z.literal('UPDATE_OPERATION_STATUS'), update_operation_status: z.object({ status: Opaque }) }),
  z.object({
    type: z.literal('MESSAGE'),
    message: z.object({ agent_id: AgentID, executor_id: ExecutorID, data: Bytes }),
  }),
  z.object({
    type: z.literal('FAILURE'),
    failure: z.object({ agent_id: AgentID.optional(), executor_id: ExecutorID.optional(), status: z.number().optional() }),
  }),
  z.object({ type: z.literal('ERROR'), error: z.object({ message: z.string() }) }),
  z.object({ type: z.literal('HEARTBEAT') }),
]);
export type SchedulerEvent = z.infer<typeof SchedulerEvent>;
export type SchedulerEventType = SchedulerEvent['type'];
