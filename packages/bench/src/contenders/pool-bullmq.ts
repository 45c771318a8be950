/**
 * poolkit's Pool with BullMQBackend (`@poolkit/bullmq`), for the distributed scenario only: tasks
 * go as BullMQ jobs through a Redis on this machine to 1 or 2 poolkit-worker processes, in two
 * set-ups each:
 *
 * - `pool-bullmq-1w`, `pool-bullmq-2w`: `maxBatch: 1`, one job per task;
 * - `pool-bullmq-1w-batched`, `pool-bullmq-2w-batched`: the Pool's default, adaptive batching
 *   (one job carries the tasks that were waiting, the worker answers each).
 *
 * Redis and the workers come from the shared cluster ({@link acquire}); without redis-server the
 * contenders are skipped with the reason (a failure in CI).
 */
import { join } from 'node:path';
import type { Contender, Runner } from '../contender.js';
import { acquire } from '../distributed/cluster.js';
import { leasedPool } from '../distributed/leased-pool.js';
import { DISTRIBUTED, WORKER_CONCURRENCY } from '../distributed/scenario.js';

/** A Pool + BullMQBackend contender with `workers` processes; `maxBatch` undefined = adaptive. */
function poolBullmqContender<Id extends string>(
  id: Id,
  label: string,
  workers: number,
  maxBatch: number | undefined,
): Contender<Id> {
  return {
    id,
    label,
    kind: 'poolkit',
    only: DISTRIBUTED,
    unsupported: (workload) =>
      workload.kind === 'io' ? 'the distributed scenario runs CPU tasks only' : undefined,
    async open({ scenario, workerDir }): Promise<Runner> {
      const lease = await acquire({
        workers,
        concurrency: WORKER_CONCURRENCY,
        module: join(workerDir, 'distributed.js'),
      });
      const pool = await leasedPool(lease, scenario.tasks, maxBatch);
      const task = scenario.workload.name;
      return {
        batch: (items) => Promise.all(items.map((item) => pool.submit(item, { task }))),
        one: (item) => pool.submit(item, { task }),
        async close() {
          try {
            await pool.close();
          } finally {
            await lease.release();
          }
        },
      };
    },
  };
}

/** One job per task, one poolkit-worker process. */
export const poolBullmq1w = poolBullmqContender(
  'pool-bullmq-1w',
  'poolkit Pool + BullMQBackend, 1 worker process (one task per job)',
  1,
  1,
);

/** Adaptive batching, one poolkit-worker process. */
export const poolBullmq1wBatched = poolBullmqContender(
  'pool-bullmq-1w-batched',
  'poolkit Pool + BullMQBackend, 1 worker process (batched)',
  1,
  undefined,
);

/** One job per task, two poolkit-worker processes. */
export const poolBullmq2w = poolBullmqContender(
  'pool-bullmq-2w',
  'poolkit Pool + BullMQBackend, 2 worker processes (one task per job)',
  2,
  1,
);

/** Adaptive batching, two poolkit-worker processes. */
export const poolBullmq2wBatched = poolBullmqContender(
  'pool-bullmq-2w-batched',
  'poolkit Pool + BullMQBackend, 2 worker processes (batched)',
  2,
  undefined,
);
