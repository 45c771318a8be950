/**
 * The `distributed` scenario: tiny tasks (the `noop` workload) through Redis to poolkit-worker
 * processes with `@poolkit/bullmq`, beside the same Pool on worker threads of this machine — what
 * a task pays for travelling as a BullMQ job, unbatched and batched, with one worker process and
 * with two. Redis and the workers run on this machine too, so every process shares its cores.
 */
import type { Scenario } from '../contender.js';
import { WORKLOADS } from '../workloads.js';

/** The scenario's id, and the name `--workload` takes for it. */
export const DISTRIBUTED = 'distributed';

/** Jobs each poolkit-worker process runs at once (`--concurrency`; its default). */
export const WORKER_CONCURRENCY = 4;

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
    // Its line-up: the floor and the contenders naming it (pool-bullmq-*, pool-piscina and its
    // batched twin), computed from the registry (`DISTRIBUTED_CONTENDERS`).
    exclusive: true,
  };
}
