/**
 * What travels in Mesos `data` fields between the fine-grained backend and its executors: engine tasks in
 * TaskInfo.data, their ends in TaskStatus.data, and driver messages in framework messages. Structured-clone
 * encoded (like the driver–executor connection), base64 on the JSON wire.
 */
import { deserialize, serialize } from 'node:v8';
import type { TaskDescription } from '../../core/plan.js';
import type { TaskEnd } from '../../executor/TaskThreads.js';

export type DriverMessage = { t: 'dropBlocks'; prefix: string };

export const encodeData = (value: TaskDescription | TaskEnd | DriverMessage): string => serialize(value).toString('base64');

export function decodeData<T>(data: string | undefined, what: string): T {
  if (data === undefined || data === '') throw new Error(`${what}: the Mesos message carries no data`);
  return deserialize(Buffer.from(data, 'base64')) as T;
}
