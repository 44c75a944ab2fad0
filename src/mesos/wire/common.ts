/**
 * Mesos v1 wire messages shared by every API, as JSON: proto field names (snake_case), enums as strings, `bytes`
 * as base64 strings. Each schema is the single definition of its message; the TypeScript type is inferred from it.
 * Unknown fields are dropped when decoding (as Mesos itself ignores them); sub-messages this project does not model
 * are kept whole as `Opaque` records.
 */
import { z } from 'zod';

/** A sub-message carried through untouched. */
export const Opaque = z.record(z.string(), z.unknown());
export type Opaque = z.infer<typeof Opaque>;

/** Every Mesos id (`FrameworkID`, `OfferID`, `AgentID`, `TaskID`, `ExecutorID`, ...) is `{ value }`. */
export const ID = z.object({ value: z.string() });
export type ID = z.infer<typeof ID>;
export const FrameworkID = ID;
export type FrameworkID = ID;
export const OfferID = ID;
export type OfferID = ID;
export const AgentID = ID;
export type AgentID = ID;
export const TaskID = ID;
export type TaskID = ID;
export const ExecutorID = ID;
export type ExecutorID = ID;
export const ContainerID: z.ZodType<ContainerID> = z.lazy(() =>
  z.object({ value: z.string(), parent: ContainerID.optional() }),
);
export interface ContainerID {
  value: string;
  parent?: ContainerID | undefined;
}

/** base64 text, the JSON form of proto `bytes`. */
export const Bytes = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64 text');

export const Label = z.object({ key: z.string(), value: z.string().optional() });
export type Label = z.infer<typeof Label>;
/** Note the wrapper: `{ labels: [{ key, value }] }`. */
export const Labels = z.object({ labels: z.array(Label).optional() });
export type Labels = z.infer<typeof Labels>;

export const Parameter = z.object({ key: z.string(), value: z.string() });
export type Parameter = z.infer<typeof Parameter>;
export const Parameters = z.object({ parameter: z.array(Parameter).optional() });
export type Parameters = z.infer<typeof Parameters>;

export const DurationInfo = z.object({ nanoseconds: z.number() });
export type DurationInfo = z.infer<typeof DurationInfo>;
export const TimeInfo = z.object({ nanoseconds: z.number() });
export type TimeInfo = z.infer<typeof TimeInfo>;

export const Address = z.object({ hostname: z.string().optional(), ip: z.string().optional(), port: z.number() });
export type Address = z.infer<typeof Address>;
export const URL = z.object({
  scheme: z.string(),
  address: Address,
  path: z.string().optional(),
  query: z.array(Parameter).optional(),
  fragment: z.string().optional(),
});
export type URL = z.infer<typeof URL>;

export const DomainInfo = z.object({
  fault_domain: z
    .looseObject({ region: z.object({ name: z.string() }), zone: z.object({ name: z.string() }) })
    .optional(),
});
export type DomainInfo = z.infer<typeof DomainInfo>;
