/** The main-thread kernel of a workload, typed loosely for the contenders that call it directly. */
import { kernels } from '../kernels.js';
import type { Workload } from '../workloads.js';

export type Kernel = (item: unknown) => unknown;

export function kernelOf(workload: Workload): Kernel {
  return kernels[workload.name] as Kernel;
}

/** Why a worker-thread pool sits out I/O workloads. */
export const WORKERS_SKIP_IO =
  'I/O-like waits measure the queue, not threads: only in-process contenders run them';
