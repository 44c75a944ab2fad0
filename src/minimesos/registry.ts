import type { Master } from './Master.js';

/**
 * Simulated masters of this process by address. Agents reach the leading master through it, the way real agents
 * reach it over libprocess; so masters and agents of one simulated cluster live in one process.
 */
const masters = new Map<string, Master>();

export const MasterRegistry = {
  add(address: string, m: Master): void {
    masters.set(address, m);
  },
  remove(address: string, m: Master): void {
    if (masters.get(address) === m) masters.delete(address);
  },
  get(address: string): Master | undefined {
    return masters.get(address);
  },
};
