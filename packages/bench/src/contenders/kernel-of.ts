/** The main-thread kernel of a workload, typed loosely for the contenders that call it directly. */
import { kernels } from '../kernels.js';
import { TASK_WORKLOAD, type Workload } from '../workloads.js';

export type Kernel = (item: unknown) => unknown;

/** The kernel of a built-in workload; throws for a user's task, which has none. */
export function kernelOf(workload: Workload): Kernel {
  if (workload.name === TASK_WORKLOAD) throw new TypeError('a user task has no built-in kernel');
  return kernels[workload.name] as Kernel;
}

/** Why a worker-thread pool sits out I/O workloads. */
export const WORKERS_SKIP_IO =
  'I/O-like waits measure the queue, not threads: only in-process contenders run them';
