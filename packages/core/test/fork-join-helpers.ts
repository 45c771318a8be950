/** Small helpers shared by the run() and map() tests. */

export { deferred, sleep, tick } from './helpers.js';

/** Counts calls in progress and remembers the most seen at once. */
export class Gauge {
  now = 0;
  max = 0;
  enter(): void {
    this.now++;
    if (this.now > this.max) this.max = this.now;
  }
  leave(): void {
    this.now--;
  }
}

/** Resolves when `signal` aborts (a task that runs until cancelled). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The settled value or error of a promise, for assertions on rejections with more than one field. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
