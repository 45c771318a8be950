/**
 * user-kernels — your own Rust kernels on `@poolkit/native`'s thread pool, without forking the
 * addon: a kernel library (kernels/, a `cdylib` crate depending on the `poolkit-kernel` SDK in
 * packages/native/sdk) exports `cube` (numbers) and `rot13` (bytes); this program loads it and
 * checks both against the same computation in JS:
 *
 * 1. `nativeKernels({ library })`: what the library exports;
 * 2. `Pool` + `NativeBackend({ library, kernel: 'cube' })`: one number per task;
 * 3. `runBatch('rot13', strings, { library })`: a bytes kernel over a whole batch.
 *
 * Run it from the repository root after `npm run build` (which compiles kernels/ with
 * `cargo build --release`):
 *
 *   npm run example:user-kernels                      # 10 000 numbers
 *   npm run example:user-kernels -- --count 100000 --library path/to/libmine.so
 *   node packages/examples/dist/user-kernels.js --help
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from '@poolkit/core';
import { NativeBackend, nativeAvailable, nativeKernels, poolThreads, runBatch } from '@poolkit/native';

/** Where the examples' build leaves the kernel library (kernels/target/release). */
export const DEFAULT_LIBRARY = fileURLToPath(
  new URL('../kernels/target/release/libpoolkit_example_kernels.so', import.meta.url),
);

export interface UserKernelsOptions {
  /** Numbers to cube, one per task. Default 10 000. */
  count?: number;
  /** The kernel library. Default {@link DEFAULT_LIBRARY}. */
  library?: string;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface UserKernelsResult {
  /** The library's kernels, `name(input → output)`. */
  kernels: string[];
  /** Every cube from the library equals `x ** 3` computed in JS. */
  cubesIdentical: boolean;
  /** Every rot13 from the library equals the JS rot13. */
  rot13Identical: boolean;
  /** The sum of the cubes (as JS computes it). */
  sum: number;
}

/** rot13 in JS: the reference the library's bytes kernel is checked against. */
export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

export async function main(options: UserKernelsOptions = {}): Promise<UserKernelsResult> {
  const { count = 10_000, library = DEFAULT_LIBRARY, print = (line: string) => console.log(line) } = options;
  if (!existsSync(library)) {
    throw new Error(
      `user-kernels: no kernel library at ${library}; build it with \`npm run build\` (needs Rust)`,
    );
  }
  const kernels = nativeKernels({ library }).map((k) => `${k.name}(${k.input} → ${k.output})`);
  print(`user-kernels: ${library}\n  exports: ${kernels.join(', ')}`);

  // cube, one number per task, through a Pool like any other backend (the Pool batches the
  // waiting tasks into single native calls).
  const inputs = Array.from({ length: count }, (_, i) => (i - count / 2) / 16);
  const pool = new Pool<number, number>({
    backend: new NativeBackend<number, number>({ library, kernel: 'cube' }),
  });
  let t0 = performance.now();
  const cubes = await Promise.all(inputs.map((x) => pool.submit(x)));
  const cubeMs = performance.now() - t0;
  await pool.close();
  const expected = inputs.map((x) => x * x * x);
  const cubesIdentical = cubes.every((v, i) => v === expected[i]);
  const sum = expected.reduce((a, b) => a + b, 0);
  print(
    `  Pool + NativeBackend cube: ${count} tasks in ${cubeMs.toFixed(0)} ms, ` +
      `identical to JS x ** 3: ${cubesIdentical}`,
  );

  // rot13 over a whole batch of strings, one Buffer back per item.
  const words = Array.from({ length: 1000 }, (_, i) => `Hello, poolkit #${i}!`);
  t0 = performance.now();
  const rotated = (await runBatch('rot13', words, { library })) as Buffer[];
  const rotMs = performance.now() - t0;
  const rot13Identical = rotated.every((b, i) => b.toString() === rot13(words[i]));
  print(
    `  runBatch rot13: ${words.length} strings in ${rotMs.toFixed(1)} ms, ` +
      `"${words[0]}" → "${rotated[0].toString()}", identical to JS: ${rot13Identical}`,
  );
  return { kernels, cubesIdentical, rot13Identical, sum };
}

// ── Started as a program: the command line (`node user-kernels.js --help`) ──────────────────────

const USAGE = `usage: user-kernels [--count N] [--library PATH]
  --count N       numbers to cube, one per task, 1 to 1000000 (default 10000)
  --library PATH  the kernel library (default: kernels/target/release/libpoolkit_example_kernels.so)`;

/** The options given on the command line; prints the usage and exits with code 2 on a bad one. */
function commandLine(): UserKernelsOptions {
  try {
    const { values } = parseArgs({
      options: {
        count: { type: 'string' },
        library: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    let count: number | undefined;
    if (values.count !== undefined) {
      count = Number(values.count);
      if (values.count.trim() === '' || !Number.isInteger(count) || count < 1 || count > 1_000_000) {
        throw new RangeError(
          `--count must be an integer from 1 to 1000000, received ${JSON.stringify(values.count)}`,
        );
      }
    }
    return { count, library: values.library };
  } catch (error) {
    console.error(`user-kernels: ${(error as Error).message}\n${USAGE}`);
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
    console.log(`user-kernels: skipped: ${reason}`);
    process.exit(0);
  }
  await main(options);
}
