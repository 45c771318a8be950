/**
 * poolkit's Pool with NativeBackend on the Rust thread pool, in two set-ups:
 *
 * - `pool-native`: `maxBatch: 1`, batching off — one native call per task, as before batching;
 * - `pool-native-batched`: the Pool's default, adaptive batching (one native call per batch).
 */
import { Pool } from '@poolkit/core';
import type { Contender, Runner } from '../contender.js';
import { loadNative, nativeUnsupported } from './native-addon.js';

/** A Pool + NativeBackend contender; `maxBatch` undefined = the Pool's default (adaptive). */
function poolNativeContender<Id extends string>(
  id: Id,
  label: string,
  maxBatch: number | undefined,
): Contender<Id> {
  return {
    id,
    label,
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
      const pool = new Pool<unknown, unknown>({
        backend,
        capacity: Math.max(1, scenario.tasks),
        ...(maxBatch === undefined ? {} : { maxBatch }),
      });
      return {
        batch: (items) => Promise.all(items.map((item) => pool.submit(item))),
        one: (item) => pool.submit(item),
        close: () => pool.close(),
      };
    },
  };
}

/** Batching off (`maxBatch: 1`): one native call per task, as before batching. */
export const poolNative = poolNativeContender(
  'pool-native',
  'poolkit Pool + NativeBackend (one task per message)',
  1,
);

/** The Pool's default: adaptive batching. */
export const poolNativeBatched = poolNativeContender(
  'pool-native-batched',
  'poolkit Pool + NativeBackend (batched)',
  undefined,
);
