export { ChannelQueue } from './channel-queue.js';
export * from './contracts.js';
export * from './errors.js';
export { InlineBackend, type InlineBackendOptions } from './inline-backend.js';
export { type MapOptions, map } from './map.js';
export { neverAborted } from './never-aborted.js';
export {
  Pool,
  type PoolEvents,
  type PoolOptions,
  type PoolState,
  type PoolStats,
  type TaskOptions,
} from './pool.js';
export { PriorityQueue } from './priority-queue.js';
export { RateLimitedQueue } from './rate-limited-queue.js';
export type { RetryPolicy } from './retry.js';
export { type RunConfig, type RunSummary, run } from './run.js';
export {
  checkFunction,
  checkInteger,
  checkNumber,
  checkObject,
  checkOptions,
  checkSignal,
  describe as describeValue,
} from './validate.js';
