/** poolkit's Pool with NativeBackend: one task per item on the Rust thread pool. */
import { Pool } from '@poolkit/core';
import type { Contender, Runner } from '../contender.js';
import { loadNative, nativeUnsupported } from './native-addon.js';

export const poolNative: Contender = {
  id: 'pool-native',
  label: 'poolkit Pool + NativeBackend',
  kind: 'poolkit',
  unsupported: nativeUnsupported,
  async open({ scenario, threads }): Promise<Runner> {
    const { NativeBackend } = await loadNative();
    const native = scenario.workload.native;
    if (native === undefined) throw new Error(`no native kernel for ${scenario.workload.name}`);
    const backend = new NativeBackend<unknown, unknown>({
      kernel: native.kernel,
      threads,
      params: native.params,
    });
    const pool = new Pool<unknown, unknown>({ backend, capacity: Math.max(1, scenario.tasks) });
    return {
      batch: (items) => Promise.all(items.map((item) => pool.submit(item))),
      one: (item) => pool.submit(item),
      close: () => pool.close(),
    };
  },
};
