/** poolkit's Pool with an InlineBackend: the kernel runs on the main thread behind poolkit's queue. */
import { Pool } from '@poolkit/core';
import { type Contender, concurrencyOf, type Runner } from '../contender.js';
import { kernelOf } from './kernel-of.js';

export const poolInline: Contender<'pool-inline'> = {
  id: 'pool-inline',
  label: 'poolkit Pool + InlineBackend',
  kind: 'poolkit',
  unsupported: () => undefined,
  async open(context): Promise<Runner> {
    const kernel = kernelOf(context.scenario.workload);
    // Capacity = batch size: no contender is throttled by its own queue (piscina's, fastq's and
    // p-queue's are unbounded), so this measures dispatch, not backpressure.
    const pool = new Pool<unknown, unknown>({
      executor: (item) => kernel(item),
      concurrency: concurrencyOf(context),
      capacity: Math.max(1, context.scenario.tasks),
    });
    return {
      batch: (items) => Promise.all(items.map((item) => pool.submit(item))),
      one: (item) => pool.submit(item),
      close: () => pool.close(),
    };
  },
};
