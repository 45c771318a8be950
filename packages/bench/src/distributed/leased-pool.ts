/**
 * A Pool + BullMQBackend on a leased group of poolkit-worker processes ({@link acquire}): the one
 * set-up the distributed scenario's contenders and a task run's BullMQ rows share.
 */
import { Pool } from '@poolkit/core';
import type { Lease } from './cluster.js';

/** How long the backend's close() waits for jobs in flight (none are, after a batch), ms. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * A Pool over the lease's Redis queue, room for `tasks` waiting, `maxBatch` undefined = adaptive
 * batching. Releases the lease when the Pool cannot be made (then rethrows).
 */
export async function leasedPool(
  lease: Lease,
  tasks: number,
  maxBatch: number | undefined,
): Promise<Pool<unknown, unknown>> {
  try {
    const { BullMQBackend } = await import('@poolkit/bullmq');
    const backend = new BullMQBackend({
      connection: lease.group.url,
      queue: lease.group.queue,
      closeTimeout: CLOSE_TIMEOUT_MS,
    });
    return new Pool<unknown, unknown>({
      backend,
      capacity: Math.max(1, tasks),
      ...(maxBatch === undefined ? {} : { maxBatch }),
    });
  } catch (error) {
    await lease.release();
    throw error;
  }
}
