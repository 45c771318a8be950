/** p-queue 9: an in-process promise queue with `concurrency` tasks in flight. */
import { type Contender, concurrencyOf, type Runner } from '../contender.js';
import { kernelOf } from './kernel-of.js';
import { importPeer } from './peer-import.js';

export const pQueue: Contender<'p-queue'> = {
  id: 'p-queue',
  label: 'p-queue',
  kind: 'in-process',
  unsupported: () => undefined,
  async open(context): Promise<Runner> {
    const { default: PQueue } = await importPeer('p-queue', () => import('p-queue'));
    const kernel = kernelOf(context.scenario.workload);
    const queue = new PQueue({ concurrency: concurrencyOf(context) });
    return {
      batch: (items) => Promise.all(items.map((item) => queue.add(() => kernel(item)))),
      one: (item) => queue.add(() => kernel(item)),
      close: () => queue.onIdle(),
    };
  },
};
