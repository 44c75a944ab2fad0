/**
 * The map side's memory budget: a shuffle writer's buffers spill when the task's memory manager refuses them room
 * (as the reduce side's collections do), not only past `spark.shuffle.spill.numElementsForceSpillThreshold` records.
 */
import { SizeTracker } from '../memory/SizeTracker.js';
import type { TaskMemory } from '../memory/TaskMemory.js';
import type { SpillPolicy } from './ShuffleWriter.js';

export function mapSideSpillPolicy(tm: TaskMemory): SpillPolicy {
  const size = new SizeTracker();
  const spillable = tm.spillable();
  let estimate = 0;
  return {
    // Asked every 32 records (ShuffleWriter): the sample sees one record in 32, the count all of them.
    mustSpill(entry, held) {
      size.update(entry);
      estimate = size.estimate(held);
      return spillable.shouldSpill(estimate, held, 32);
    },
    spilled() {
      // The writer counts its own disk bytes (shuffle-map metrics); the memory side is counted here.
      spillable.spilled(estimate, 0);
      size.reset();
    },
  };
}
