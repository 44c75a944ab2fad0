/**
 * Maintenance (`mesos/v1/maintenance/maintenance.proto`, `allocator.proto`): machines, the schedule of windows in
 * which they are unavailable, and the cluster status the master reports (`/maintenance/status`).
 */
import { z } from 'zod';
import { FrameworkID, TimeInfo } from './common.js';
import { Unavailability } from './framework.js';

/** A machine as maintenance names it: both fields must match what its agents registered with (absent = ""). */
export const MachineID = z.object({ hostname: z.string().optional(), ip: z.string().optional() });
export type MachineID = z.infer<typeof MachineID>;

export const MaintenanceWindow = z.object({
  machine_ids: z.array(MachineID).optional(),
  // Optional in the schema so that a missing one is reported by the master's validation, as Mesos words it.
  unavailability: Unavailability.optional(),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

export const MaintenanceSchedule = z.object({ windows: z.array(MaintenanceWindow).optional() });
export type MaintenanceSchedule = z.infer<typeof MaintenanceSchedule>;

export const MachineMode = z.enum(['UP', 'DRAINING', 'DOWN']);
export type MachineMode = z.infer<typeof MachineMode>;

/** A framework's answer to an inverse offer for a machine (allocator.proto `InverseOfferStatus`). */
export const InverseOfferStatus = z.object({
  status: z.enum(['UNKNOWN', 'ACCEPT', 'DECLINE']),
  framework_id: FrameworkID,
  timestamp: TimeInfo,
});
export type InverseOfferStatus = z.infer<typeof InverseOfferStatus>;

export const ClusterStatus = z.object({
  draining_machines: z.array(z.object({ id: MachineID, statuses: z.array(InverseOfferStatus).optional() })).optional(),
  down_machines: z.array(MachineID).optional(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

/** The body of `/machine/down` and `/machine/up`. */
export const MachineIDs = z.array(MachineID);
