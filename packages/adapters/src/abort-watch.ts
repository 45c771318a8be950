/**
 * Watches the signals of every task in flight with one timer, instead of one 'abort' listener
 * per task.
 *
 * Why: on Node 20, `addEventListener` + `removeEventListener` on an AbortSignal cost several
 * microseconds per task (EventTarget is implemented in JS with per-listener bookkeeping). For a
 * tiny task that round-trips a thread in ~40 µs that is a large share: measured in
 * bench/piscina-backend.mjs, listening per task cost ~30% of tiny-task throughput. Polling the
 * `aborted` flag of each task in flight costs a few nanoseconds each, and the set in flight is
 * small (the Pool keeps it at `concurrency`).
 *
 * The price: a task notices its abort up to {@link POLL_MS} late (plus event-loop lag). The timer
 * is unref'd (it never keeps a process alive), runs only while something is watched, and stops
 * itself on the first tick that finds nothing to watch.
 */

/** How often the signals in flight are checked, in ms. */
export const POLL_MS = 5;

/**
 * One watched task (or batch): `poll` is called from the timer until it returns true (then it is
 * no longer watched); it checks its signals and acts on those found aborted.
 */
export interface Watched {
  poll(): boolean;
}

export class AbortWatch {
  readonly #watched = new Set<Watched>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Starts watching `entry` (its signal must not be aborted yet). */
  add(entry: Watched): void {
    this.#watched.add(entry);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#check(), POLL_MS);
      this.#timer.unref();
    }
  }

  /** Stops watching `entry`; harmless if it is not watched. */
  delete(entry: Watched): void {
    this.#watched.delete(entry);
  }

  #check(): void {
    if (this.#watched.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    for (const entry of this.#watched) {
      if (entry.poll()) this.#watched.delete(entry);
    }
  }
}
