/**
 * `runReference`: the pure-JS equivalent of `runBatch`, synchronous, same inputs, same result
 * shapes. Tests compare the two; benchmarks use it as the single-thread JS baseline.
 */

import type { KernelName } from '../kernels.js';
import { fnv1a } from './fnv1a.js';
import { isprime } from './isprime.js';
import { mandelbrotRow } from './mandelbrot.js';
import { md5 } from './md5.js';
import { noop } from './noop.js';
import { spin } from './spin.js';
import { square } from './square.js';

/**
 * A reference kernel name: every built-in kernel (`builtinKernels` in src/kernels.ts). The
 * switch in {@link runReference} must cover each one: a missing case fails `tsc`.
 */
export type ReferenceKernel = KernelName;

function mapNumbers(inputs: ArrayLike<number>, f: (x: number) => number): Float64Array {
  const out = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = f(inputs[i]);
  return out;
}

/**
 * Runs the JS twin of `kernel` over a batch, like `runBatch` does natively.
 *
 * @example
 * runReference('square', [1, 2, 3]); // Float64Array [1, 4, 9]
 */
export function runReference(
  kernel: ReferenceKernel,
  inputs: ArrayLike<number> | readonly (Uint8Array | string)[],
  options: { params?: ArrayLike<number>; output?: 'buffers' | 'packed' } = {},
): Float64Array | Buffer[] | Buffer {
  switch (kernel) {
    case 'square':
      return mapNumbers(inputs as ArrayLike<number>, square);
    case 'noop':
      return mapNumbers(inputs as ArrayLike<number>, noop);
    case 'isprime':
      return mapNumbers(inputs as ArrayLike<number>, (x) => (isprime(x) ? 1 : 0));
    case 'spin': {
      const pairs = inputs as ArrayLike<number>;
      const out = new Float64Array(pairs.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = spin(pairs[2 * i], pairs[2 * i + 1]);
      return out;
    }
    case 'mandelbrot': {
      const [width, height, maxIter] = options.params ? Array.from(options.params) : [256, 256, 256];
      const rows = inputs as ArrayLike<number>;
      const out = new Float64Array(rows.length * width);
      for (let i = 0; i < rows.length; i++)
        out.set(mandelbrotRow(rows[i], width, height, maxIter), i * width);
      return out;
    }
    case 'fnv1a': {
      const items = inputs as readonly (Uint8Array | string)[];
      return Float64Array.from(items, (item) => fnv1a(item));
    }
    case 'md5': {
      const digests = (inputs as readonly (Uint8Array | string)[]).map((item) => md5(item));
      return options.output === 'packed' ? Buffer.concat(digests) : digests;
    }
    default: {
      // `never`: a built-in kernel without a case here fails to compile.
      const unknown: never = kernel;
      throw Object.assign(new RangeError(`unknown reference kernel ${JSON.stringify(unknown)}`), {
        code: 'ERR_UNKNOWN_KERNEL',
      });
    }
  }
}
