export { type BackendConformance, probeConformance, probeCrash } from './conformance.js';
export { describeBackend } from './describe-backend.js';
export { type DescribeQueueOptions, describeQueue, type QueueFactory } from './describe-queue.js';
export { type ProbeInput, probeExecutor } from './probe.js';
export { FIFO, fairByKey, LIFO, type QueueOrder, type QueueOrderModel } from './queue-order.js';
