/** Values, resources and attributes (`mesos.proto` Value, Resource, Attribute). */
import { z } from 'zod';
import { Opaque } from './common.js';

export const ValueType = z.enum(['SCALAR', 'RANGES', 'SET', 'TEXT']);
export type ValueType = z.infer<typeof ValueType>;

export const Scalar = z.object({ value: z.number() });
export type Scalar = z.infer<typeof Scalar>;
/** Inclusive range of uint64 values. */
export const Range = z.object({ begin: z.number(), end: z.number() });
export type Range = z.infer<typeof Range>;
export const Ranges = z.object({ range: z.array(Range).optional() });
export type Ranges = z.infer<typeof Ranges>;
export const ValueSet = z.object({ item: z.array(z.string()).optional() });
export type ValueSet = z.infer<typeof ValueSet>;
export const Text = z.object({ value: z.string() });
export type Text = z.infer<typeof Text>;

export const ReservationInfo = z.object({
  type: z.enum(['UNKNOWN', 'STATIC', 'DYNAMIC']).optional(),
  role: z.string().optional(),
  principal: z.string().optional(),
  labels: z.object({ labels: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional() }).optional(),
});
export type ReservationInfo = z.infer<typeof ReservationInfo>;

export const Resource = z.object({
  name: z.string(),
  type: ValueType,
  scalar: Scalar.optional(),
  ranges: Ranges.optional(),
  set: ValueSet.optional(),
  /** Pre-refinement format: `*` is unreserved. */
  role: z.string().optional(),
  reservation: ReservationInfo.optional(),
  reservations: z.array(ReservationInfo).optional(),
  allocation_info: z.object({ role: z.string().optional() }).optional(),
  disk: Opaque.optional(),
  revocable: Opaque.optional(),
  shared: Opaque.optional(),
  provider_id: z.object({ value: z.string() }).optional(),
});
export type Resource = z.infer<typeof Resource>;

export const Attribute = z.object({
  name: z.string(),
  type: ValueType,
  scalar: Scalar.optional(),
  ranges: Ranges.optional(),
  set: ValueSet.optional(),
  text: Text.optional(),
});
export type Attribute = z.infer<typeof Attribute>;
