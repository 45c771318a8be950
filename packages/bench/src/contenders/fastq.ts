/** fastq's promise queue: an in-process queue with `concurrency` tasks in flight. */
import { type Contender, concurrencyOf, type Runner } from '../contender.js';
import { kernelOf } from './kernel-of.js';
import { importPeer } from './peer-import.js';

export const fastq: Contender<'fastq'> = {
  id: 'fastq',
  label: 'fastq (promise)',
  kind: 'in-process',
  unsupported: () => undefined,
  async open(context): Promise<Runner> {
    const { default: fq } = await importPeer('fastq', () => import('fastq'));
    const kernel = kernelOf(context.scenario.workload);
    // fastq.promise wants a promise-returning worker.
    const queue = fq.promise(async (item: unknown) => kernel(item), concurrencyOf(context));
    return {
      batch: (items) => Promise.all(items.map((item) => queue.push(item))),
      one: (item) => queue.push(item),
      close: () => queue.drained(),
    };
  },
};
