/** Values, resources and attributes (`mesos.proto` Value, Resource, Attribute). */
import { z } from 'zod';

export const ValueType = z.enum(['SCALAR', 'RANGES', 'SET', 'TEXT']);
export type ValueType = z.infer<typeof ValueType>;

export const Scalar = z.looseObject({ value: z.number() });
export type Scalar = z.infer<typeof Scalar>;
/** Inclusive range of uint64 values. */
export const Range = z.looseObject({ begin: z.number(), end: z.number() });
export type Range = z.infer<typeof Range>;
export const Ranges = z.looseObject({ range: z.array(Range).optional() });
export type Ranges = z.infer<typeof Ranges>;
export const ValueSet = z.looseObject({ item: z.array(z.string()).optional() });
export type ValueSet = z.infer<typeof ValueSet>;
export const Text = z.looseObject({ value: z.string() });
export type Text = z.infer<typeof Text>;

export const ReservationInfo = z.looseObject({
  type: z.enum(['UNKNOWN', 'STATIC', 'DYNAMIC']).optional(),
  role: z.string().optional(),
  principal: z.string().optional(),
  labels: z.looseObject({ labels: z.array(z.looseObject({ key: z.string(), value: z.string().optional() })).optional() }).optional(),
});
export type ReservationInfo = z.infer<typeof ReservationInfo>;

export const Resource = z.looseObject({
  name: z.string(),
  type: ValueType,
  scalar: Scalar.optional(),
  ranges: Ranges.optional(),
  set: ValueSet.optional(),
  /** Pre-refinement format: `*` is unreserved. */
  role: z.string().optional(),
  reservation: ReservationInfo.optional(),
  reservations: z.array(ReservationInfo).optional(),
  allocation_info: z.looseObject({ role: z.string().optional() }).optional(),
  disk: z.looseObject({}).optional(),
  revocable: z.looseObject({}).optional(),
  shared: z.looseObject({}).optional(),
  provider_id: z.looseObject({ value: z.string() }).optional(),
});
export type Resource = z.infer<typeof Resource>;

export const Attribute = z.looseObject({
  name: z.string(),
  type: ValueType,
  scalar: Scalar.optional(),
  ranges: Ranges.optional(),
  set: ValueSet.optional(),
  text: Text.optional(),
});
export type Attribute = z.infer<typeof Attribute>;
