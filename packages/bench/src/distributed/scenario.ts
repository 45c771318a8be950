/**
 * The `distributed` scenario: tiny tasks (the `noop` workload) through Redis to poolkit-worker
 * processes with `@poolkit/bullmq`, beside the same Pool on worker threads of this machine — what
 * a task pays for travelling as a BullMQ job, unbatched and batched, with one worker process and
 * with two. Redis and the workers run on this machine too, so every process shares its cores.
 */
import type { ContenderId, Scenario } from '../contender.js';
import { WORKLOADS } from '../workloads.js';

/** The scenario's id, and the name `--workload` takes for it. */
export const DISTRIBUTED = 'distributed';

/** Jobs each poolkit-worker process runs at once (`--concurrency`; its default). */
export const WORKER_CONCURRENCY = 4;

/** Its contenders, in table order: the floor, Pool + PiscinaBackend, then Pool + BullMQBackend. */
export const DISTRIBUTED_CONTENDERS: readonly ContenderId[] = [
  'floor',
  'pool-piscina',
  'pool-piscina-batched',
  'pool-bullmq-1w',
  'pool-bullmq-1w-batched',
  'pool-bullmq-2w',
  'pool-bullmq-2w-batched',
];

/** The distributed scenario with `tasks` per batch; `threads` is the Piscina pools' size. */
export function distributedScenario(tasks: number, threads: number, sleepMs: number): Scenario {
  return {
    id: DISTRIBUTED,
    workload: WORKLOADS.noop,
    tasks,
    concurrency: undefined,
    sleepMs,
    title: 'identity function (noop), as a BullMQ job through Redis or as a message to a worker thread',
    setup:
      `Pool + BullMQBackend (16 jobs in flight, its default) with 1 or 2 poolkit-worker processes ` +
      `(${WORKER_CONCURRENCY} jobs at once each), Redis and workers on this machine; ` +
      `Pool + PiscinaBackend with ${threads} threads`,
    contenders: DISTRIBUTED_CONTENDERS,
  };
}
