export { BullMQBackend, EnqueueError, JobLostError } from './backend.js';
export type { BullMQBackendOptions, RedisConnection } from './options.js';
export { checkJson } from './protocol.js';
export { type PoolkitWorker, startWorker, type WorkerOptions } from './worker.js';
