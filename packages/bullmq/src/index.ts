export { BullMQBackend } from './backend.js';
export { EnqueueError, JobLostError, RedisUnreachableError } from './errors.js';
export type { BullMQBackendOptions, RedisConnection } from './options.js';
export { checkJson } from './protocol.js';
export { type PoolkitWorker, startWorker, type WorkerOptions } from './worker.js';
