/**
 * RateLimitedQueue: wraps any WorkQueue so that items leave it at a bounded rate.
 *
 * Two rules, both enforced on the moments items are popped:
 *
 * 1. Sliding window — at most `limit` pops in ANY span of `interval` ms (not per fixed tick).
 *    We keep the times of the pops still inside the window, oldest first; a pop may happen when
 *    fewer than `limit` remain, i.e. once the oldest of the last `limit` pops is `interval` old.
 *
 *      limit 3, interval 100:   pops ──●●●───────────────●───●●──▶ time
 *                                      0 1 2            100 ↑
 *                                      a 4th pop waits until t ≥ 100 (the first leaves the window)
 *
 * 2. Burst (only when `burst < limit`) — a token bucket of `burst` tokens refilled at
 *    `limit / interval` tokens per ms: at most `burst` pops back to back, after which pops are
 *    spaced `interval / limit` ms apart until the bucket refills. With `burst === limit` (the
 *    default) the bucket never binds: the window alone already implies it.
 *
 * A popper that must wait for an item (the inner queue is empty) first takes a permit — a slot
 * of the window and a token — and holds it while it waits, so that no other pop can use it
 * meanwhile; the slot's `interval` starts when the item actually arrives. An aborted or
 * closed-out waiter returns its permit.
 */
import type { PushOptions, WorkQueue } from './contracts.js';
import { checkInteger, checkNumber, checkObject, describe } from './validate.js';
import { refusal, Waiter, WaiterList } from './waiters.js';

/** Options of a {@link RateLimitedQueue}. */
export interface RateLimitedQueueOptions {
  /** Most pops in any window of `interval` ms: an integer ≥ 1. Required. */
  readonly limit: number;
  /** The window, in milliseconds: a finite number > 0. Required. */
  readonly interval: number;
  /**
   * Most pops that may go back to back (an integer from 1 to `limit`); beyond it pops are spread
   * one every `interval / limit` ms. Default `limit` (the whole window's share at once).
   */
  readonly burst?: number;
}

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);
const EPSILON = 1e-9;

/**
 * A `WorkQueue` that passes pushes through to `inner` and lets at most `limit` items be popped
 * in any window of `interval` ms (and at most `burst` back to back).
 *
 * - `size`, `capacity`, `closed`, `push`, `tryPush` and `drain` are the inner queue's (drain is
 *   not rate-limited: drained items are not handed to workers).
 * - `tryPop` returns `undefined` when the rate forbids a pop now (or other poppers already wait).
 * - `pop` waits for the rate and for an item; poppers waiting on the rate are served in order.
 * - `close()` closes the inner queue; poppers then drain it (still at the rate) and get
 *   `undefined` once it is empty. Do not queue `undefined`: it reads as "closed and empty".
 *
 * @example
 * // at most 10 requests per second, never more than 2 at once
 * const queue = new RateLimitedQueue(new ChannelQueue<Request>(), { limit: 10, interval: 1000, burst: 2 });
 */
export class RateLimitedQueue<T> implements WorkQueue<T> {
  readonly inner: WorkQueue<T>;
  readonly limit: number;
  readonly interval: number;
  readonly burst: number;

  /** Times of the pops still inside the window, oldest first: a ring that grows up to `limit`. */
  #times: number[] = new Array<number>(4).fill(0);
  #timesHead = 0;
  #timesCount = 0;
  /** Permits held by poppers waiting on the inner queue for an item. */
  #reserved = 0;
  /** Free tokens of the burst bucket (unused when burst === limit). */
  #tokens: number;
  #refilledAt: number;
  readonly #waiters = new WaiterList<boolean>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(inner: WorkQueue<T>, options: RateLimitedQueueOptions) {
    if (!looksLikeQueue(inner)) {
      throw new TypeError(
        `inner must be a WorkQueue (push, tryPush, pop, tryPop, close, drain), received ${describe(inner)}`,
      );
    }
    checkObject('RateLimitedQueue options', options);
    this.inner = inner;
    this.limit = checkInteger('limit', options.limit, 1);
    this.interval = checkNumber('interval', options.interval, 0);
    if (this.interval === 0) throw new RangeError('interval must be a finite number > 0 (ms), received 0');
    this.burst = checkInteger('burst', options.burst ?? this.limit, 1, { max: this.limit });
    this.#tokens = this.burst;
    this.#refilledAt = performance.now();
  }

  get size(): number {
    return this.inner.size;
  }

  get capacity(): number {
    return this.inner.capacity;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  push(item: T, options?: PushOptions): Promise<void> {
    return this.inner.push(item, options);
  }

  tryPush(item: T, options?: PushOptions): boolean {
    return this.inner.tryPush(item, options);
  }

  tryPop(): T | undefined {
    if (this.#waiters.length > 0) return undefined;
    const now = performance.now();
    if (!this.#permitFree(now)) return undefined;
    const item = this.inner.tryPop();
    if (item !== undefined) this.#use(now);
    return item;
  }

  pop(signal?: AbortSignal): Promise<T | undefined> {
    const refused = refusal(signal);
    if (refused !== undefined) return refused;
    if (this.inner.closed && this.inner.size === 0) return RESOLVED_UNDEFINED;
    if (this.#waiters.length === 0 && this.#permitFree(performance.now())) return this.#popWithPermit(signal);
    const waiter = new Waiter<boolean>(signal, undefined, 0, false);
    this.#waiters.push(waiter);
    this.#grant(performance.now());
    // true: a permit is ours; false: woken by close(), look again.
    return waiter.promise.then((granted) => (granted ? this.#popWithPermit(signal, true) : this.pop(signal)));
  }

  close(): void {
    this.inner.close();
    for (let waiter = this.#waiters.shiftLive(); waiter !== null; waiter = this.#waiters.shiftLive()) {
      waiter.settle(false);
    }
    this.#schedule(performance.now());
  }

  drain(): T[] {
    return this.inner.drain();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const item = await this.pop();
      if (item === undefined) return;
      yield item;
    }
  }

  /** Pops from the inner queue holding a permit (reserving one now unless `reserved`). */
  #popWithPermit(signal: AbortSignal | undefined, reserved = false): Promise<T | undefined> {
    if (!reserved) this.#reserve(performance.now());
    return this.inner.pop(signal).then(
      (item) => {
        this.#release(item !== undefined);
        return item;
      },
      (error: unknown) => {
        this.#release(false);
        throw error;
      },
    );
  }

  /** Drops window entries at least `interval` old and refills the bucket; true if a pop may go now. */
  #permitFree(now: number): boolean {
    while (this.#timesCount > 0 && now - this.#times[this.#timesHead] >= this.interval) {
      this.#timesHead = (this.#timesHead + 1) & (this.#times.length - 1);
      this.#timesCount--;
    }
    if (this.#timesCount + this.#reserved >= this.limit) return false;
    if (this.burst === this.limit) return true;
    this.#tokens = Math.min(
      this.burst - this.#reserved,
      this.#tokens + ((now - this.#refilledAt) * this.limit) / this.interval,
    );
    this.#refilledAt = now;
    return this.#tokens >= 1 - EPSILON;
  }

  /** Records a pop at `now` (after #permitFree said yes). */
  #use(now: number): void {
    if (this.#timesCount === this.#times.length) this.#growTimes();
    this.#times[(this.#timesHead + this.#timesCount) & (this.#times.length - 1)] = now;
    this.#timesCount++;
    if (this.burst < this.limit) this.#tokens -= 1;
  }

  #reserve(now: number): void {
    this.#permitFree(now); // refill the bucket up to now before taking from it
    this.#reserved++;
    if (this.burst < this.limit) this.#tokens -= 1;
  }

  /** Ends a reservation: the pop happened now (`used`), or the permit goes back. */
  #release(used: boolean): void {
    const now = performance.now();
    this.#permitFree(now);
    this.#reserved--;
    if (used) this.#use(now);
    if (this.burst < this.limit) this.#tokens += 1; // the reserved token: #use spent it again if used
    this.#grant(now);
  }

  /** Gives free permits to waiting poppers in order, then arms the timer for the next one. */
  #grant(now: number): void {
    while (this.#waiters.length > 0 && this.#permitFree(now)) {
      const waiter = this.#waiters.shiftLive();
      if (waiter === null) break;
      this.#reserve(now);
      waiter.settle(true);
    }
    this.#schedule(now);
  }

  /** Arms one timer for the moment the next permit frees, if poppers wait and time will free it. */
  #schedule(now: number): void {
    const at = this.#waiters.length === 0 ? Number.POSITIVE_INFINITY : this.#nextFree(now);
    if (at === this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#grant(performance.now());
      },
      Math.max(1, Math.ceil(at - now)),
    );
  }

  /** When the next permit frees by time alone; Infinity if only a returned permit can free one. */
  #nextFree(now: number): number {
    this.#permitFree(now);
    let at = now;
    const expiring = this.#timesCount + this.#reserved - this.limit + 1; // window entries that must leave
    if (expiring > 0) {
      if (expiring > this.#timesCount) return Number.POSITIVE_INFINITY;
      const index = (this.#timesHead + expiring - 1) & (this.#times.length - 1);
      at = this.#times[index] + this.interval;
    }
    if (this.burst < this.limit && this.#tokens < 1 - EPSILON) {
      if (this.burst - this.#reserved < 1) return Number.POSITIVE_INFINITY;
      at = Math.max(at, now + ((1 - this.#tokens) * this.interval) / this.limit);
    }
    return at;
  }

  #growTimes(): void {
    const old = this.#times;
    const times = new Array<number>(old.length * 2).fill(0);
    for (let i = 0; i < this.#timesCount; i++) times[i] = old[(this.#timesHead + i) & (old.length - 1)];
    this.#times = times;
    this.#timesHead = 0;
  }
}

function looksLikeQueue(value: unknown): value is WorkQueue<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const queue = value as Record<string, unknown>;
  return ['push', 'tryPush', 'pop', 'tryPop', 'close', 'drain'].every(
    (name) => typeof queue[name] === 'function',
  );
}
