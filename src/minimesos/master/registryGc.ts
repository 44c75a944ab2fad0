/**
 * Which unreachable agents the registry forgets (Mesos' registry garbage collection, every `--registry_gc_interval`):
 * walking them in the order they became unreachable, each one while more than `maxCount` would remain, then any
 * unreachable for longer than `maxAgeMs`. A forgotten agent's tasks are unknown from then on.
 */
export interface RegistryLimits {
  /** Mesos `--registry_max_agent_age` (2 weeks). */
  maxAgeMs: number;
  /** Mesos `--registry_max_agent_count` (102400). */
  maxCount: number;
}

/** `unreachable`: agent id to the time it became unreachable, in the order they did. */
export function unreachableToForget(unreachable: Iterable<[string, { nanoseconds: number }]>, nowMs: number, limits: RegistryLimits): string[] {
  const entries = [...unreachable];
  const forget: string[] = [];
  for (const [id, since] of entries) {
    if (entries.length - forget.length > limits.maxCount) forget.push(id);
    else if (nowMs - since.nanoseconds / 1e6 > limits.maxAgeMs) forget.push(id);
  }
  return forget;
}
