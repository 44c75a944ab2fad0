/**
 * Maintenance as Mesos' master keeps it (`src/master/maintenance.cpp`, `docs/maintenance.md`): the schedule of
 * windows, each machine's mode (UP → DRAINING when scheduled → DOWN by the operator → UP again, leaving the
 * schedule), and the validation of schedules and of `/machine/down` and `/machine/up` requests. Pure state: the
 * effects on offers, tasks and inverse offers are in `maintenanceEndpoints.ts` and `inverseOffers.ts`.
 */
import type { Unavailability } from '../../mesos/wire/framework.js';
import type { MachineID, MachineMode, MaintenanceSchedule } from '../../mesos/wire/maintenance.js';

export interface MachineState {
  id: MachineID;
  mode: Exclude<MachineMode, 'UP'>;
  unavailability: Unavailability;
}

/** Machines are equal when hostname (case-insensitive) and ip both match; absent fields are "". */
export function machineKey(m: MachineID): string {
  return `${(m.hostname ?? '').toLowerCase()}|${m.ip ?? ''}`;
}

/** How Mesos prints a machine in its messages. */
export function describeMachine(m: MachineID): string {
  return JSON.stringify({ ...(m.hostname ? { hostname: m.hostname } : {}), ...(m.ip ? { ip: m.ip } : {}) });
}

function validateMachine(m: MachineID): string | undefined {
  if (!m.hostname && !m.ip) return "Both 'hostname' and 'ip' for a machine are empty";
  return undefined;
}

function validateUnavailability(u: Unavailability | undefined): string | undefined {
  if (!u) return "Maintenance window is missing its 'unavailability'";
  if (!Number.isFinite(u.start.nanoseconds)) return "Unavailability 'start' is not a number of nanoseconds";
  if (u.duration && (!Number.isFinite(u.duration.nanoseconds) || u.duration.nanoseconds < 0)) return "Unavailability 'duration' must be a non-negative number of nanoseconds";
  return undefined;
}

/**
 * Checks a schedule as the master does before accepting it: every window has machines and an unavailability, each
 * machine is named and appears once, and no machine that is DOWN leaves the schedule. Returns the 400 message.
 */
export function validateSchedule(schedule: MaintenanceSchedule, machines: ReadonlyMap<string, MachineState>): string | undefined {
  const seen = new Set<string>();
  for (const w of schedule.windows ?? []) {
    if (!w.machine_ids || w.machine_ids.length === 0) return 'List of machines in the maintenance window is empty';
    const bad = validateUnavailability(w.unavailability);
    if (bad) return bad;
    for (const m of w.machine_ids) {
      const err = validateMachine(m);
      if (err) return err;
      const k = machineKey(m);
      if (seen.has(k)) return `Machine '${describeMachine(m)}' appears more than once in the schedule`;
      seen.add(k);
    }
  }
  for (const [k, s] of machines) {
    if (s.mode === 'DOWN' && !seen.has(k)) return `Machine '${describeMachine(s.id)}' is deactivated and cannot be removed from the schedule`;
  }
  return undefined;
}

/** Checks the machine list of `/machine/down` (`to` DOWN) or `/machine/up` (`to` UP); returns the 400 message. */
export function validateTransition(ids: readonly MachineID[], machines: ReadonlyMap<string, MachineState>, to: 'DOWN' | 'UP'): string | undefined {
  if (ids.length === 0) return 'List of machines is empty';
  const seen = new Set<string>();
  for (const m of ids) {
    const err = validateMachine(m);
    if (err) return err;
    const k = machineKey(m);
    if (seen.has(k)) return `Machine '${describeMachine(m)}' appears more than once in the list`;
    seen.add(k);
    const s = machines.get(k);
    if (!s) return `Machine '${describeMachine(m)}' is not part of a maintenance schedule`;
    if (to === 'DOWN' && s.mode !== 'DRAINING') return `Machine '${describeMachine(m)}' is not in DRAINING mode and cannot be brought down`;
    if (to === 'UP' && s.mode !== 'DOWN') return `Machine '${describeMachine(m)}' is not in DOWN mode and cannot be brought up`;
  }
  return undefined;
}

/**
 * The machines of a new (valid) schedule: machines already DOWN stay DOWN, every other scheduled machine is
 * DRAINING with its window's unavailability; machines left out are UP (absent).
 */
export function machinesOf(schedule: MaintenanceSchedule, before: ReadonlyMap<string, MachineState>): Map<string, MachineState> {
  const out = new Map<string, MachineState>();
  for (const w of schedule.windows ?? []) {
    for (const id of w.machine_ids ?? []) {
      const k = machineKey(id);
      out.set(k, { id, mode: before.get(k)?.mode === 'DOWN' ? 'DOWN' : 'DRAINING', unavailability: w.unavailability! });
    }
  }
  return out;
}

/** The schedule without these machines (`/machine/up`), dropping windows left empty. */
export function withoutMachines(schedule: MaintenanceSchedule, ids: readonly MachineID[]): MaintenanceSchedule {
  const gone = new Set(ids.map(machineKey));
  const windows = (schedule.windows ?? [])
    .map((w) => ({ ...w, machine_ids: (w.machine_ids ?? []).filter((m) => !gone.has(machineKey(m))) }))
    .filter((w) => w.machine_ids.length > 0);
  return { windows };
}

/** The master's maintenance state: the schedule as posted and each scheduled machine's mode. */
export class Maintenance {
  private current: MaintenanceSchedule = { windows: [] };
  private machineStates = new Map<string, MachineState>();

  get schedule(): MaintenanceSchedule {
    return this.current;
  }

  get machines(): ReadonlyMap<string, MachineState> {
    return this.machineStates;
  }

  /** Replaces the schedule; returns the 400 message when it is invalid (nothing changes then). */
  update(schedule: MaintenanceSchedule): string | undefined {
    const err = validateSchedule(schedule, this.machineStates);
    if (err) return err;
    this.current = { windows: schedule.windows ?? [] };
    this.machineStates = machinesOf(this.current, this.machineStates);
    return undefined;
  }

  down(ids: readonly MachineID[]): string | undefined {
    const err = validateTransition(ids, this.machineStates, 'DOWN');
    if (err) return err;
    for (const m of ids) this.machineStates.get(machineKey(m))!.mode = 'DOWN';
    return undefined;
  }

  up(ids: readonly MachineID[]): string | undefined {
    const err = validateTransition(ids, this.machineStates, 'UP');
    if (err) return err;
    this.current = withoutMachines(this.current, ids);
    for (const m of ids) this.machineStates.delete(machineKey(m));
    return undefined;
  }

  /** The machine an agent is on (its hostname and the address its pid carries), or undefined when UP. */
  stateOf(agent: { hostname: string; ip: string }): MachineState | undefined {
    return this.machineStates.get(machineKey({ hostname: agent.hostname, ip: agent.ip }));
  }

  modeOf(agent: { hostname: string; ip: string }): MachineMode {
    return this.stateOf(agent)?.mode ?? 'UP';
  }
}
