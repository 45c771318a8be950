/**
 * Waiter lists: the callers blocked on a queue (pushers waiting for room, poppers waiting for
 * an item), in arrival order.
 *
 * An {@link IntrusiveList} (the same one the Pool uses for its blocked callers), so that an
 * aborted waiter leaves in O(1) from anywhere in the line and the head is taken in O(1) — no
 * `Array.prototype.shift` on long lines. Only the slow path (an operation that must wait)
 * allocates a {@link Waiter}; `tryPush`/`tryPop` never touch one.
 *
 *   head ─▶ [w1] ⇄ [w2] ⇄ [w3] ◀─ tail        abort of w2:  [w1] ⇄ [w3]
 *
 * Invariant: a waiter is in at most one list, and `list` is non-null exactly while it is linked.
 * Once unlinked it has been (or is about to be) settled exactly once.
 */
import { abortError } from './errors.js';
import { IntrusiveList, type Linked } from './intrusive-list.js';
import { checkSignal } from './validate.js';

/**
 * Why a blocking call must not even start: a rejected promise when `signal` is not an
 * AbortSignal (TypeError) or has already aborted (AbortError); undefined when it may go on.
 */
export function refusal(signal: unknown): Promise<never> | undefined {
  if (signal === undefined) return undefined;
  try {
    checkSignal('signal', signal);
  } catch (error) {
    return Promise.reject(error);
  }
  return (signal as AbortSignal).aborted
    ? Promise.reject(abortError((signal as AbortSignal).reason))
    : undefined;
}

/**
 * One blocked caller. It is its own abort listener (`handleEvent`), so waiting costs one
 * object and one promise, no extra closure.
 */
export class Waiter<V> implements Linked<Waiter<V>> {
  prev: Waiter<V> | null = null;
  next: Waiter<V> | null = null;
  /** The list holding this waiter, null once it has left (settled or aborted). */
  list: IntrusiveList<Waiter<V>> | null = null;
  readonly promise: Promise<V>;
  resolve!: (value: V) => void;
  reject!: (error: unknown) => void;

  /**
   * @param signal aborting it rejects the waiter with an AbortError and unlinks it.
   * @param item what a pusher carries (unused by poppers).
   * @param priority the pusher's priority (unused by poppers and FIFO queues).
   * @param doneValue what a popper receives when the queue closes empty.
   */
  constructor(
    readonly signal: AbortSignal | undefined,
    readonly item: unknown,
    readonly priority: number,
    readonly doneValue: V,
  ) {
    this.promise = new Promise<V>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (signal !== undefined) signal.addEventListener('abort', this, { once: true });
  }

  /** The abort listener: leaves the line and rejects, unless it was already served. */
  handleEvent(): void {
    if (this.list === null) return;
    this.list.remove(this);
    this.reject(abortError(this.signal?.reason));
  }

  /** Settles an unlinked waiter with a value and stops listening for aborts. */
  settle(value: V): void {
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    this.resolve(value);
  }

  /** Rejects an unlinked waiter and stops listening for aborts. */
  fail(error: unknown): void {
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    this.reject(error);
  }
}

/** A FIFO line of {@link Waiter}s with O(1) append, take-first and remove-anywhere. */
export class WaiterList<V> extends IntrusiveList<Waiter<V>> {
  /**
   * Unlinks and returns the first waiter whose signal has not aborted, or null. A waiter whose
   * signal aborted but whose listener has not run yet (another abort listener ran first and
   * reached the queue) is rejected here, so an item is never handed to an aborted caller.
   */
  shiftLive(): Waiter<V> | null {
    for (;;) {
      const waiter = this.head;
      if (waiter === null) return null;
      this.remove(waiter);
      if (waiter.signal?.aborted) {
        waiter.fail(abortError(waiter.signal.reason));
        continue;
      }
      return waiter;
    }
  }
}
