/**
 * The task module of `distributed`: what every `poolkit-worker` process loads with `--module`.
 * Its named exports are the task names (`pool.submit(range, { task: 'primes' })`); inputs and
 * results travel through Redis as JSON, so both are plain objects.
 *
 * Each result says which worker computed it (host and pid), so the producer can count the tasks
 * per worker — on one machine here, on many in production.
 */
import { hostname } from 'node:os';

/** A half-open range of integers, `[from, to)`. */
export interface Range {
  readonly from: number;
  readonly to: number;
}

/** What `primes` returns: the range, its prime count, and the worker that counted them. */
export interface PrimeCount extends Range {
  readonly count: number;
  /** `<host>:<pid>` of the poolkit-worker process that ran the task. */
  readonly worker: string;
}

/** Whether `n` is prime, by trial division with 6k ± 1 (deliberately plain CPU work). */
export function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0 || n % 3 === 0) return false;
  for (let d = 5; d * d <= n; d += 6) if (n % d === 0 || n % (d + 2) === 0) return false;
  return true;
}

/** Counts the primes in `[from, to)`: a few milliseconds of CPU for a range of 20 000 near 10⁶. */
export function primes(range: Range): PrimeCount {
  const { from, to } = range;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
    throw new RangeError(`primes needs integers from ≤ to, received ${JSON.stringify(range)}`);
  }
  let count = 0;
  for (let n = from; n < to; n++) if (isPrime(n)) count++;
  return { from, to, count, worker: `${hostname()}:${process.pid}` };
}
