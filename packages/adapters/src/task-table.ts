/**
 * A table in shared memory that says, for each task in flight, where it is — so an abort can
 * terminate exactly the thread that runs it without handing piscina a signal (which would make
 * the task run alone on its worker and defeat `concurrentTasksPerWorker`; see the README).
 *
 * One Int32 per slot, written with Atomics by both sides:
 *
 *   slot state   QUEUED (0) ──worker starts──▶ threadId (> 0) ──worker ends──▶ DONE (-2)
 *                   │                                                             │
 *                   │                        its answer cannot be sent; the thread dies
 *                   │                                                             ▼
 *                   └──main aborts first──▶ CANCELLED (-1)                     LOST (-3)
 *                                           the worker skips the task
 *
 * LOST is written by the dying thread itself (answers-in-flight.ts), before piscina reports the
 * death: so "DONE and the thread died" means only that the task finished before something else
 * ended its thread, never that its own answer was the cause.
 *
 * Each transition is one compareExchange, so "the worker starts it" and "the main thread
 * cancels it" cannot both win. The main thread owns allocation: it takes a free slot per task,
 * sets it to QUEUED, and frees it only when piscina settles the task (after that no worker
 * touches the slot). When every slot is taken, `acquire` returns -1 and the backend falls back
 * to handing piscina the signal for that one task.
 */

/** Not started yet. */
export const QUEUED = 0;
/** Cancelled before it started: the worker must not run it. */
export const CANCELLED = -1;
/** Finished on its worker (the result may still be on its way). */
export const DONE = -2;
/** Finished, but its answer could not be sent back (not structured-cloneable); its thread died of it. */
export const LOST = -3;

/** Main-side allocator over the shared Int32 slots. */
export class TaskTable {
  /** The shared memory handed to every worker through `workerData`. */
  readonly buffer: SharedArrayBuffer;
  readonly #states: Int32Array;
  /** Stack of free slot indices; `#free[0 .. #top)` are free. */
  readonly #free: Int32Array;
  #top: number;

  constructor(slots: number) {
    this.buffer = new SharedArrayBuffer(slots * Int32Array.BYTES_PER_ELEMENT);
    this.#states = new Int32Array(this.buffer);
    this.#free = new Int32Array(slots);
    for (let i = 0; i < slots; i++) this.#free[i] = slots - 1 - i;
    this.#top = slots;
  }

  /** A slot set to QUEUED, or -1 when every slot is in use. */
  acquire(): number {
    if (this.#top === 0) return -1;
    const slot = this.#free[--this.#top];
    Atomics.store(this.#states, slot, QUEUED);
    return slot;
  }

  /** Gives the slot back. Precondition: piscina has settled its task. */
  release(slot: number): void {
    this.#free[this.#top++] = slot;
  }

  /** The slot's state now: QUEUED, CANCELLED, DONE, or the id of the thread running it. */
  state(slot: number): number {
    return Atomics.load(this.#states, slot);
  }

  /**
   * Cancels the task in `slot`: returns the threadId running it (> 0), or QUEUED when it had not
   * started (it never will), or DONE when it already finished.
   */
  cancel(slot: number): number {
    const previous = Atomics.compareExchange(this.#states, slot, QUEUED, CANCELLED);
    return previous;
  }
}
