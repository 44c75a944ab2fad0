/** Mesos v1 wire types and decoding. */
export * from './wire/common.js';
export * from './wire/resources.js';
export * from './wire/container.js';
export * from './wire/task.js';
export * from './wire/framework.js';
export * from './wire/scheduler.js';
export * from './wire/executor.js';
export * from './wire/decode.js';
export * from './wire/maintenance.js';
