export { BlockingQueue } from './blocking-queue.js';
export { ChannelQueue } from './channel-queue.js';
export * from './contracts.js';
export { Emitter, type Listener } from './emitter.js';
export * from './errors.js';
export { FairQueue, type FairQueueOptions, type KeyStats } from './fair-queue.js';
export { InlineBackend, type InlineBackendOptions } from './inline-backend.js';
export * from './kit/index.js';
export { type MapOptions, map } from './map.js';
export { neverAborted } from './never-aborted.js';
export { TASK_CHANNEL, type TaskTrace } from './pool/tracing.js';
export {
  type ClearOptions,
  type LatencySummary,
  type OnFull,
  Pool,
  type PoolEvents,
  type PoolLatency,
  type PoolOptions,
  type PoolState,
  type PoolStats,
  type StopOptions,
  type SubmitAllOptions,
  type TaskOptions,
} from './pool.js';
export { PriorityQueue } from './priority-queue.js';
export type { QueuedTask } from './queue-item.js';
export { RateLimitedQueue, type RateLimitedQueueEvents } from './rate-limited-queue.js';
export type { RetryPolicy } from './retry.js';
export { type RunConfig, type RunSummary, run } from './run.js';
export {
  argRangeError,
  argTypeError,
  asArgError,
  checkBoolean,
  checkDelay,
  checkFunction,
  checkInteger,
  checkName,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptions,
  checkSignal,
  checkTimeout,
  describe as describeValue,
  describeThrown,
  readOptions,
} from './validate.js';
