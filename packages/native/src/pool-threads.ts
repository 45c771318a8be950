/** The size of the process-wide Rust pool. */
import { loadAddon } from './addon.js';
import { checkInteger, MAX_THREADS } from './options.js';

/**
 * How many threads the process-wide pool has now. It starts with the available cores, or
 * `POOLKIT_NATIVE_THREADS` (an integer 1–256) when set, on first use.
 */
export function poolThreads(): number {
  return loadAddon().threads();
}

/**
 * Grows the pool to at least `threads` threads (1–256) and returns the new size. The pool never
 * shrinks: idle threads cost nothing but their stacks, and keep nothing alive.
 */
export function setPoolThreads(threads: number): number {
  return loadAddon().ensureThreads(checkInteger('threads', threads, 1, MAX_THREADS));
}
