/**
 * native-kernels — CPU-bound work on the Rust thread pool of `@poolkit/native`, three ways,
 * checked against the pure-JS twin of the same kernel:
 *
 * 1. the JS twin (`@poolkit/native/reference`), on the main thread: the baseline;
 * 2. `runBatch('isprime', inputs)`: the whole batch in one call, split in chunks over every
 *    pool thread;
 * 3. `NativeBackend({ kernel: 'isprime' })` under a `Pool`: one item per task, like any other
 *    backend (more per-task overhead, but it composes with queues, timeouts and retries).
 *
 * Then it prints the steps of adding a built-in Rust kernel (for kernels in your own crate, see
 * the user-kernels example and the native README's "Your own kernels").
 *
 * Run it from the repository root (after `npm run build`; the addon must be built too:
 * `cd packages/native && npm run build`):
 *
 *   npm run example:native-kernels                      # 40 000 numbers from 1 000 000 001
 *   npm run example:native-kernels -- --count 100000 --start 10000001 --per-task 5000
 *   node packages/examples/dist/native-kernels.js --help
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from '@poolkit/core';
import { NativeBackend, nativeAvailable, poolThreads, runBatch } from '@poolkit/native';
import { runReference } from '@poolkit/native/reference';

/** The steps of adding a built-in kernel, printed at the end (see the native README). */
export const CUSTOM_KERNEL_STEPS = [
  'write packages/native/rust/kernels/<name>.rs: a unit struct implementing the Kernel trait (rust/kernel.rs):',
  '    name() → "<name>", input() → Shape::Numbers { arity: 1 } or Shape::Bytes { .. },',
  '    output(params) → the output Shape (or Err(message) for bad params), run(params, items, out)',
  '    — plain Rust, no Node-API: one output item per input item, no side effects, panics are caught',
  'register it: `pub mod <name>;` and `&<name>::<Struct>` in builtin() in rust/kernels/mod.rs',
  'add #[cfg(test)] tests beside it and run `cargo test` in packages/native',
  'add its pure-JS twin under packages/native/src/reference/ and a test that the two agree',
  'rebuild: `cd packages/native && npm run build` (napi build --platform --release && tsc -b)',
  "use it: runBatch('<name>', inputs) or new NativeBackend({ kernel: '<name>' })",
];

/** `count` odd numbers from `start` (odd): a mix of primes and composites near `start`. */
export function candidates(start: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = start + 2 * i;
  return out;
}

export interface NativeKernelsOptions {
  /** Numbers to test for primality. Default 40 000. */
  count?: number;
  /** The first number (odd). Default 1 000 000 001 (trial division up to ~31 623 per prime). */
  start?: number;
  /** Items sent one per task through NativeBackend (a slice of the batch). Default 2000. */
  perTaskCount?: number;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface NativeKernelsResult {
  count: number;
  threads: number;
  primes: { js: number; runBatch: number; backend: number; backendOfSlice: number };
  /** runBatch's result equals the JS twin's, item by item. */
  identical: boolean;
  /** NativeBackend's per-task results equal the JS twin's on the slice. */
  backendIdentical: boolean;
  ms: { js: number; runBatch: number; backend: number };
}

const countOnes = (values: ArrayLike<number>) => {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 1) n++;
  return n;
};

export async function main(options: NativeKernelsOptions = {}): Promise<NativeKernelsResult> {
  const {
    count = 40_000,
    start = 1_000_000_001,
    perTaskCount = 2000,
    print = (line: string) => console.log(line),
  } = options;
  const inputs = candidates(start, count);
  const threads = poolThreads();
  print(`native-kernels: isprime over ${count} odd numbers from ${start}, Rust pool of ${threads} threads`);

  let t0 = performance.now();
  const js = runReference('isprime', inputs) as Float64Array;
  const jsMs = performance.now() - t0;
  print(`  JS twin, main thread:         ${countOnes(js)} primes in ${jsMs.toFixed(0)} ms`);

  t0 = performance.now();
  const native = await runBatch('isprime', inputs);
  const batchMs = performance.now() - t0;
  const identical = native.length === js.length && native.every((v, i) => v === js[i]);
  print(
    `  runBatch, ${threads} threads:          ${countOnes(native)} primes in ${batchMs.toFixed(0)} ms ` +
      `(${(jsMs / batchMs).toFixed(1)}× the JS twin), identical results: ${identical}`,
  );

  // One item per task: a Pool over NativeBackend, like any other backend.
  const slice = inputs.subarray(0, perTaskCount);
  const pool = new Pool<number, number>({
    backend: new NativeBackend<number, number>({ kernel: 'isprime' }),
  });
  t0 = performance.now();
  const perTask = await Promise.all(Array.from(slice, (n) => pool.submit(n)));
  const backendMs = performance.now() - t0;
  await pool.close();
  const backendIdentical = perTask.every((v, i) => v === js[i]);
  print(
    `  Pool + NativeBackend, 1/task: ${countOnes(perTask)} primes among the first ${perTaskCount} in ${backendMs.toFixed(0)} ms, ` +
      `identical results: ${backendIdentical}`,
  );

  print(
    'adding a built-in Rust kernel (your own crate instead: packages/native/README.md, "Your own kernels"):',
  );
  for (const step of CUSTOM_KERNEL_STEPS) print(step.startsWith(' ') ? `   ${step}` : `  • ${step}`);
  return {
    count,
    threads,
    primes: {
      js: countOnes(js),
      runBatch: countOnes(native),
      backend: countOnes(perTask),
      backendOfSlice: countOnes(js.subarray(0, perTaskCount)),
    },
    identical,
    backendIdentical,
    ms: { js: jsMs, runBatch: batchMs, backend: backendMs },
  };
}

// ── Started as a program: the command line (`node native-kernels.js --help`) ─────────────────────

const USAGE = `usage: native-kernels [--count N] [--start N] [--per-task N]
  --count N     odd numbers to test for primality, 1 to 10000000 (default 40000)
  --start N     the first of them, odd, 1 to 9007199254740991 (default 1000000001)
  --per-task N  how many of them also go one per task through NativeBackend, 0 to count (default 2000)`;

/** The integer given as `--name`, or undefined when absent; throws naming the option, its range and the text. */
function integerArg(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `--${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The options given on the command line; prints the usage and exits with code 2 on a bad one. */
function commandLine(): NativeKernelsOptions {
  try {
    const { values } = parseArgs({
      options: {
        count: { type: 'string' },
        start: { type: 'string' },
        'per-task': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const count = integerArg('count', values.count, 1, 10_000_000);
    const start = integerArg('start', values.start, 1, Number.MAX_SAFE_INTEGER);
    if (start !== undefined && start % 2 === 0) {
      throw new RangeError(`--start must be odd, received ${JSON.stringify(values.start)}`);
    }
    const perTaskCount = integerArg('per-task', values['per-task'], 0, count ?? 40_000);
    return { count, start, perTaskCount };
  } catch (error) {
    console.error(`native-kernels: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = commandLine();
  if (!nativeAvailable()) {
    // Installed without a Rust toolchain: say so and why (the loader's ERR_NATIVE_LOAD message), then skip.
    let reason = 'the native addon did not load';
    try {
      poolThreads();
    } catch (error) {
      reason = (error as Error).message;
    }
    console.log(`native-kernels: skipped: ${reason}`);
    process.exit(0);
  }
  await main(options);
}
