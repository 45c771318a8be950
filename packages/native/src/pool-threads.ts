/** The size of the process-wide Rust pool. */
import { checkInteger } from '@poolkit/core';
import { loadAddon } from './addon.js';

/** The most threads the native pool accepts (rust/thread_pool.rs MAX_THREADS). */
export const MAX_THREADS = 256;

/**
 * How many threads the process-wide pool has now. It starts with the available cores, or
 * `POOLKIT_NATIVE_THREADS` (an integer 1–256) when set, on first use.
 */
export function poolThreads(): number {
  return loadAddon().threads();
}

/**
 * Grows the pool to at least `threads` threads (1–256) and returns the new size. The size is never
 * lowered: the threads it keeps wait at no cost but their stacks, and keep nothing alive. (A batch
 * whose `threads` exceeds the size starts extra threads instead, which exit after 5 s idle.)
 */
export function setPoolThreads(threads: number): number {
  return loadAddon().ensureThreads(checkInteger('threads', threads, 1, { max: MAX_THREADS }));
}
