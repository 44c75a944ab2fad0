/**
 * The scheduler API (`scheduler/scheduler.proto`): calls a framework sends to `/api/v1/scheduler` and the events
 * it receives on the subscription stream. Payloads sit under the lower-cased type name.
 */
import { z } from 'zod';
import { AgentID, Bytes, ExecutorID, FrameworkID, OfferID, TaskID } from './common.js';
import { Resource } from './resources.js';
import { FrameworkInfo, Filters, InverseOffer, MasterInfo, Offer, Operation } from './framework.js';
import { KillPolicy, TaskStatus } from './task.js';

// ----------------------------------------------------------------------------------------------------- Calls

const roles = z.looseObject({ roles: z.array(z.string()).optional() });
const inverseOfferAnswer = z.looseObject({ inverse_offer_ids: z.array(OfferID).optional(), filters: Filters.optional() });

/** The payload of each call type, under its lower-cased type name. */
export const SchedulerCallPayloads = {
  subscribe: z.looseObject({
    framework_info: FrameworkInfo,
    suppressed_roles: z.array(z.string()).optional(),
    offer_constraints: z.looseObject({}).optional(),
  }),
  accept: z.looseObject({
    offer_ids: z.array(OfferID).optional(),
    operations: z.array(Operation).optional(),
    filters: Filters.optional(),
  }),
  decline: z.looseObject({ offer_ids: z.array(OfferID).optional(), filters: Filters.optional() }),
  accept_inverse_offers: inverseOfferAnswer,
  decline_inverse_offers: inverseOfferAnswer,
  revive: roles,
  suppress: roles,
  kill: z.looseObject({ task_id: TaskID, agent_id: AgentID.optional(), kill_policy: KillPolicy.optional() }),
  shutdown: z.looseObject({ executor_id: ExecutorID, agent_id: AgentID }),
  acknowledge: z.looseObject({ agent_id: AgentID, task_id: TaskID, uuid: Bytes }),
  reconcile: z.looseObject({
    tasks: z.array(z.looseObject({ task_id: TaskID, agent_id: AgentID.optional() })).optional(),
  }),
  message: z.looseObject({ agent_id: AgentID, executor_id: ExecutorID, data: Bytes }),
  request: z.looseObject({
    requests: z.array(z.looseObject({ agent_id: AgentID.optional(), resources: z.array(Resource).optional() })).optional(),
  }),
  update_framework: z.looseObject({
    framework_info: FrameworkInfo,
    suppressed_roles: z.array(z.string()).optional(),
    offer_constraints: z.looseObject({}).optional(),
  }),
};

const P = SchedulerCallPayloads;
const base = { framework_id: FrameworkID.optional() };

export const SchedulerCall = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('SUBSCRIBE'), ...base, subscribe: P.subscribe }),
  z.looseObject({ type: z.literal('TEARDOWN'), ...base }),
  z.looseObject({ type: z.literal('ACCEPT'), ...base, accept: P.accept }),
  z.looseObject({ type: z.literal('DECLINE'), ...base, decline: P.decline }),
  z.looseObject({ type: z.literal('ACCEPT_INVERSE_OFFERS'), ...base, accept_inverse_offers: P.accept_inverse_offers }),
  z.looseObject({ type: z.literal('DECLINE_INVERSE_OFFERS'), ...base, decline_inverse_offers: P.decline_inverse_offers }),
  z.looseObject({ type: z.literal('REVIVE'), ...base, revive: P.revive.optional() }),
  z.looseObject({ type: z.literal('SUPPRESS'), ...base, suppress: P.suppress.optional() }),
  z.looseObject({ type: z.literal('KILL'), ...base, kill: P.kill }),
  z.looseObject({ type: z.literal('SHUTDOWN'), ...base, shutdown: P.shutdown }),
  z.looseObject({ type: z.literal('ACKNOWLEDGE'), ...base, acknowledge: P.acknowledge }),
  z.looseObject({ type: z.literal('RECONCILE'), ...base, reconcile: P.reconcile }),
  z.looseObject({ type: z.literal('MESSAGE'), ...base, message: P.message }),
  z.looseObject({ type: z.literal('REQUEST'), ...base, request: P.request }),
  z.looseObject({ type: z.literal('UPDATE_FRAMEWORK'), ...base, update_framework: P.update_framework }),
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
  z.looseObject({
    type: z.literal('SUBSCRIBED'),
    subscribed: z.looseObject({
      framework_id: FrameworkID,
      heartbeat_interval_seconds: z.number().optional(),
      master_info: MasterInfo.optional(),
    }),
  }),
  z.looseObject({ type: z.literal('OFFERS'), offers: z.looseObject({ offers: z.array(Offer).optional() }) }),
  z.looseObject({
    type: z.literal('INVERSE_OFFERS'),
    inverse_offers: z.looseObject({ inverse_offers: z.array(InverseOffer).optional() }),
  }),
  z.looseObject({ type: z.literal('RESCIND'), rescind: z.looseObject({ offer_id: OfferID }) }),
  z.looseObject({ type: z.literal('RESCIND_INVERSE_OFFER'), rescind_inverse_offer: z.looseObject({ inverse_offer_id: OfferID }) }),
  z.looseObject({ type: z.literal('UPDATE'), update: z.looseObject({ status: TaskStatus }) }),
  z.looseObject({ type: z.literal('UPDATE_OPERATION_STATUS'), update_operation_status: z.looseObject({ status: z.looseObject({}) }) }),
  z.looseObject({
    type: z.literal('MESSAGE'),
    message: z.looseObject({ agent_id: AgentID, executor_id: ExecutorID, data: Bytes }),
  }),
  z.looseObject({
    type: z.literal('FAILURE'),
    failure: z.looseObject({ agent_id: AgentID.optional(), executor_id: ExecutorID.optional(), status: z.number().optional() }),
  }),
  z.looseObject({ type: z.literal('ERROR'), error: z.looseObject({ message: z.string() }) }),
  z.looseObject({ type: z.literal('HEARTBEAT') }),
]);
export type SchedulerEvent = z.infer<typeof SchedulerEvent>;
export type SchedulerEventType = SchedulerEvent['type'];
