export { type BackendConformance, describeBackend, probeConformance } from './describe-backend.js';
export { type DescribeQueueOptions, describeQueue, type QueueFactory } from './describe-queue.js';
export { type ProbeInput, probeExecutor } from './probe.js';
