/** The `persist` levels: where a cached partition may live. `_SER` variants are accepted and behave as their base. */
export const STORAGE_LEVELS = ['MEMORY_ONLY', 'MEMORY_AND_DISK', 'DISK_ONLY'] as const;
export type StorageLevel = (typeof STORAGE_LEVELS)[number];

export function parseStorageLevel(level: string): StorageLevel {
  const base = level.replace(/_SER$/, '');
  if ((STORAGE_LEVELS as readonly string[]).includes(base)) return base as StorageLevel;
  throw new Error(`persist: storage level should be one of ${STORAGE_LEVELS.join(', ')} (or a _SER variant), but was '${level}'`);
}

export const useMemory = (l: StorageLevel): boolean => l !== 'DISK_ONLY';
export const useDisk = (l: StorageLevel): boolean => l !== 'MEMORY_ONLY';
