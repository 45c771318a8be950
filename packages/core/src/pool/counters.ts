/**
 * The Pool's counters and their transitions, in one place that owns the invariant
 *
 *   submitted = waiting + running + succeeded + failed + cancelled
 *
 * at every moment a caller can observe. Each transition moves exactly one task between two
 * terms (or adds one to `submitted` and to `waiting`), so the sum holds after every call:
 *
 *            accept           start
 *   (new) ──────────▶ waiting ─────▶ running ──settle──▶ succeeded | failed | cancelled
 *                        └────────── cancelWaiting ──────────────────────────▲
 *
 * It also watches the two edges the pool announces: 'drain' (a backlog existed and nothing
 * waits any more) and 'idle' (something ran and now nothing waits or runs).
 */

/**
 * Counters of accepted tasks. At every moment a caller can observe:
 * `submitted = waiting + running + succeeded + failed + cancelled`.
 */
export interface PoolStats {
  /** Tasks the queue accepted. A caller still blocked on a full queue is not counted. */
  readonly submitted: number;
  /** Accepted, not started (in the queue). */
  readonly waiting: number;
  /** Started, not settled (including a retry's backoff). */
  readonly running: number;
  /** Resolved with a value, on any try. */
  readonly succeeded: number;
  /** Failed after its last try; a timeout counts here. */
  readonly failed: number;
  /** Cancelled: by its signal, by `clear()`, or by `stop()`. */
  readonly cancelled: number;
}

/** How a running task ended for good. */
export const SUCCEEDED = 0;
export const FAILED = 1;
export const CANCELLED = 2;
export type Ending = typeof SUCCEEDED | typeof FAILED | typeof CANCELLED;

/** Bits returned by {@link Counters.edges}. */
export const DRAINED = 1;
export const IDLE = 2;

export class Counters {
  submitted = 0;
  waiting = 0;
  running = 0;
  succeeded = 0;
  failed = 0;
  cancelled = 0;
  /** A backlog was seen: 'drain' fires when it is gone. */
  #backlog = false;
  /** Something was started since the last 'idle'. */
  #busy = false;

  accept(): void {
    this.submitted++;
    this.waiting++;
  }

  start(): void {
    this.waiting--;
    this.running++;
    this.#busy = true;
  }

  /** A waiting task was cancelled before it started. */
  cancelWaiting(): void {
    this.waiting--;
    this.cancelled++;
  }

  /** A running task ended for good. */
  settle(ending: Ending): void {
    this.running--;
    if (ending === SUCCEEDED) this.succeeded++;
    else if (ending === FAILED) this.failed++;
    else this.cancelled++;
  }

  /** Nothing waits or runs (the pool adds its own conditions: no caller blocked, none held). */
  get empty(): boolean {
    return this.waiting === 0 && this.running === 0;
  }

  /**
   * The edges crossed since the last call, as DRAINED | IDLE bits; call after every change.
   * `quiet` is the pool's idle condition (this.empty and nothing else pending).
   */
  edges(quiet: boolean): number {
    let edges = 0;
    if (this.waiting > 0) {
      this.#backlog = true;
    } else if (this.#backlog) {
      this.#backlog = false;
      edges |= DRAINED;
    }
    if (quiet && this.#busy) {
      this.#busy = false;
      edges |= IDLE;
    }
    return edges;
  }

  snapshot(): PoolStats {
    return {
      submitted: this.submitted,
      waiting: this.waiting,
      running: this.running,
      succeeded: this.succeeded,
      failed: this.failed,
      cancelled: this.cancelled,
    };
  }
}
