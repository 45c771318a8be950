/**
 * The per-item kernels every contender runs: the same functions on the main thread (floor,
 * in-process queues) and inside every worker thread (the worker entry files re-export these).
 * Each is a thin wrapper over `@poolkit/native/reference`, the pure-JS twins of the Rust
 * kernels, so the algorithm is identical on every backend, native included.
 *
 * Every input and output is structured-clone friendly (numbers, arrays, typed arrays), so it
 * crosses a worker boundary unchanged.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  noop as identity,
  isprime as isPrime,
  mandelbrotRow,
  md5 as md5Digest,
  spin as spinSteps,
  square as squareOf,
} from '@poolkit/native/reference';

/** Image of the `mandelbrot` workload: the native kernel's default params `[width, height, maxIter]`. */
export const MANDELBROT = { width: 256, height: 256, maxIter: 256 } as const;

/** Pure dispatch cost: hands its input back. */
export function noop(x: number): number {
  return identity(x);
}

/** x → x·x. */
export function square(x: number): number {
  return squareOf(x);
}

/** The 16-byte MD5 digest of one item (a 1 KiB Uint8Array in the benchmark). */
export function md5(bytes: Uint8Array): Uint8Array {
  return md5Digest(bytes);
}

/** 1 when `x` is prime, else 0 (the native kernel's output format), by trial division. */
export function isprime(x: number): number {
  return isPrime(x) ? 1 : 0;
}

/** The escape-time counts of row `y` of the {@link MANDELBROT} image. */
export function mandelbrot(y: number): Float64Array {
  return mandelbrotRow(y, MANDELBROT.width, MANDELBROT.height, MANDELBROT.maxIter);
}

/** Unboxes spin's pair (see {@link spin}); one per thread, as every thread loads this module. */
const spinArgs = new Float64Array(2);

/**
 * Divisions of `f` by `d` until `f ≤ 1`: a float loop whose length the pair sets.
 *
 * The pair goes through a Float64Array so the loop always starts from unboxed doubles. Without
 * it, pairs that crossed to a worker thread (structured clone makes them generic arrays of a
 * small integer and a heap number, where the main thread's are double arrays) made V8 settle,
 * after a few thousand tasks, on code that ran the same loop about 1.75× slower (Node 20:
 * ~130 µs instead of ~74 µs per task): every worker-thread contender paid it and the floor did
 * not. The copy costs nanoseconds, on every side alike.
 */
export function spin(pair: readonly [number, number]): number {
  spinArgs[0] = pair[0];
  spinArgs[1] = pair[1];
  return spinSteps(spinArgs[0], spinArgs[1]);
}

/** I/O-like: waits `ms` milliseconds on a timer, then hands `ms` back. */
export function sleep(ms: number): Promise<number> {
  return delay(ms, ms);
}

/** Every kernel by workload name. */
export const kernels = { noop, square, md5, isprime, mandelbrot, spin, sleep } as const;

/** A workload name, which is also the kernel's (and the worker export's) name. */
export type KernelName = keyof typeof kernels;
