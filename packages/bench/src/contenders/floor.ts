/**
 * The floor: a plain synchronous `for` loop over the items on the main thread, calling the
 * kernel directly. Every speed-up is measured against it. (For the I/O workload the harness
 * computes the floor — one task after another — instead of running it.)
 */
import type { Contender, Runner } from '../contender.js';
import { kernelOf } from './kernel-of.js';

export const floor: Contender<'floor'> = {
  id: 'floor',
  label: 'floor: single-thread loop',
  kind: 'floor',
  unsupported: () => undefined,
  async open({ scenario }): Promise<Runner> {
    const kernel = kernelOf(scenario.workload);
    return {
      async batch(items) {
        const out = new Array<unknown>(items.length);
        for (let i = 0; i < items.length; i++) out[i] = kernel(items[i]);
        return out;
      },
      async one(item) {
        return kernel(item);
      },
      async close() {},
    };
  },
};
