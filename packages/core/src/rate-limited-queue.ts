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
 * closed-out waiter returns its permit. `remove` goes straight to the inner queue and never
 * touches a permit: a removed item was never popped, so it costs no slot.
 *
 * Visibility: `isRateLimited` is true, between the 'rateLimit' and 'rateLimitCleared' events,
 * exactly while `#waiters` is non-empty or `#heldBack` is set (see {@link RateLimitedQueue}).
 */
import type { PushOptions, WorkQueue } from './contracts.js';
import { Emitter } from './emitter.js';
import {
  argRangeError,
  argTypeError,
  checkInteger,
  checkNumber,
  checkObject,
  describe,
  readOptions,
} from './validate.js';
import { refusal, Waiter, WaiterList } from './waiters.js';

/** Options of a {@link RateLimitedQueue}. */
export interface RateLimitedQueueOptions {
  /** Most pops in any window of `interval` ms: an integer ≥ 1. Required. */
  readonly limit: number;
  /**
   * The window, in milliseconds: a number > 0 and ≤ 2147483647 (2^31 − 1, about 24.8 days, the
   * longest delay `setTimeout` honours). Required.
   */
  readonly interval: number;
  /**
   * Most pops that may go back to back (an integer from 1 to `limit`); beyond it pops are spread
   * one every `interval / limit` ms. Default `limit` (the whole window's share at once).
   */
  readonly burst?: number;
}

/**
 * The events of a {@link RateLimitedQueue}, for `on`/`once`/`off`. Neither carries arguments;
 * read `isRateLimited` or the queue's counters for details.
 */
export type RateLimitedQueueEvents = {
  /** `isRateLimited` went from false to true: the rate now holds pops back. */
  rateLimit: [];
  /** `isRateLimited` went from true to false: pops flow again, or nothing is left to hold back. */
  rateLimitCleared: [];
};

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);
const EPSILON = 1e-9;
/** The longest delay setTimeout takes; a longer one fires after 1 ms with a TimeoutOverflowWarning. */
const MAX_TIMEOUT = 2_147_483_647;

/**
 * A popper waiting on the rate. Its abort also tells the queue (once, via a callback shared by
 * all its waiters), which may then stop being rate-limited and disarm its timer.
 */
class RateWaiter extends Waiter<boolean> {
  constructor(
    signal: AbortSignal | undefined,
    readonly onLeave: () => void,
  ) {
    super(signal, undefined, 0, false);
  }

  override handleEvent(): void {
    if (this.list === null) return;
    super.handleEvent();
    this.onLeave();
  }
}

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
 * - `remove(item)` is `inner.remove(item)` (false when the inner queue has no `remove`); it
 *   neither uses nor returns a permit.
 *
 * It is an {@link Emitter} of {@link RateLimitedQueueEvents}. `isRateLimited` is true exactly
 * while the rate holds pops back, that is while either
 * - a popper waits for a permit (its `pop` found the window full or the bucket empty, or other
 *   poppers already waiting), or
 * - the last `tryPop` refused because of the rate found an item in the inner queue
 *   (`inner.size > 0`), and since then no permit was granted and the inner queue was not found
 *   empty by `drain`, `remove` or `close`.
 * It turns false once a permit is granted (a `pop` or `tryPop` takes one, or the timer hands one
 * to a waiting popper) and no popper still waits on the rate, or when the last such popper
 * aborts, or when `close()`/`drain()`/`remove()` leaves neither a waiting popper nor an item
 * held back. A popper that holds a permit and waits for an item is not rate-limited. Time
 * passing alone does not clear it: a refused `tryPop` stays "held back" until the next pop.
 * 'rateLimit' is emitted on each false → true change and 'rateLimitCleared' on each true →
 * false change, synchronously, so the two always alternate.
 *
 * @example
 * // at most 10 requests per second, never more than 2 at once
 * const queue = new RateLimitedQueue(new ChannelQueue<Request>(), { limit: 10, interval: 1000, burst: 2 });
 * queue.on('rateLimit', () => console.log('throttled'));
 * queue.on('rateLimitCleared', () => console.log('flowing'));
 */
export class RateLimitedQueue<T> extends Emitter<RateLimitedQueueEvents> implements WorkQueue<T> {
  /** The wrapped queue: it stores the items; pushes, `drain` and `remove` go straight to it. */
  readonly inner: WorkQueue<T>;
  /** Most pops in any window of `interval` ms: the `limit` option (an integer ≥ 1). */
  readonly limit: number;
  /** The window, in milliseconds: the `interval` option (> 0 and ≤ 2147483647). */
  readonly interval: number;
  /** Most pops back to back: the `burst` option (an integer from 1 to `limit`), `limit` if not given. */
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
  /** A tryPop was refused by the rate while the inner queue had an item (see isRateLimited). */
  #heldBack = false;
  /** What isRateLimited last reported (and the events last announced). */
  #limited = false;
  /** Shared by every waiter: one closure per queue, none per pop. */
  readonly #onWaiterAbort = (): void => {
    this.#schedule(performance.now());
    this.#update();
  };

  constructor(inner: WorkQueue<T>, options: RateLimitedQueueOptions) {
    const read = readOptions('RateLimitedQueue options', () => readRateOptions(inner, options));
    super();
    this.inner = inner;
    this.limit = read.limit;
    this.interval = read.interval;
    this.burst = read.burst;
    this.#tokens = this.burst;
    this.#refilledAt = performance.now();
  }

  /** The inner queue's `size`: items waiting in it. */
  get size(): number {
    return this.inner.size;
  }

  /** The inner queue's `capacity`. */
  get capacity(): number {
    return this.inner.capacity;
  }

  /** The inner queue's `closed`: true once either queue's `close()` closed it. */
  get closed(): boolean {
    return this.inner.closed;
  }

  /** Whether the rate holds pops back now; the exact rule is in the class comment. */
  get isRateLimited(): boolean {
    return this.#limited;
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
    if (!this.#permitFree(now)) {
      this.#heldBack = this.inner.size > 0;
      this.#update();
      return undefined;
    }
    const item = this.inner.tryPop();
    if (item !== undefined) {
      this.#use(now);
      this.#heldBack = false;
      this.#update();
    }
    return item;
  }

  pop(signal?: AbortSignal): Promise<T | undefined> {
    const refused = refusal(signal);
    if (refused !== undefined) return refused;
    if (this.inner.closed && this.inner.size === 0) return RESOLVED_UNDEFINED;
    if (this.#waiters.length === 0 && this.#permitFree(performance.now())) {
      const popped = this.#popWithPermit(signal);
      this.#heldBack = false;
      this.#update();
      return popped;
    }
    const waiter = new RateWaiter(signal, this.#onWaiterAbort);
    this.#waiters.push(waiter);
    this.#grant(performance.now());
    // true: a permit is ours; false: woken by close(), look again.
    return waiter.promise.then((granted) => (granted ? this.#popWithPermit(signal, true) : this.pop(signal)));
  }

  close(): void {
    const wasLimited = this.#limited;
    this.inner.close();
    for (let waiter = this.#waiters.shiftLive(); waiter !== null; waiter = this.#waiters.shiftLive()) {
      waiter.settle(false);
    }
    const now = performance.now();
    this.#schedule(now);
    // The woken poppers look again at once: they are still held back if items are left that the
    // rate forbids taking now, and nothing is held back if the queue is empty for good.
    this.#heldBack = wasLimited && this.inner.size > 0 && !this.#permitFree(now);
    this.#update();
  }

  drain(): T[] {
    const items = this.inner.drain();
    this.#forgetIfEmpty();
    return items;
  }

  /**
   * Removes one waiting item from the inner queue (`inner.remove`); false if it was not there or
   * the inner queue cannot remove. Uses no permit and returns none.
   */
  remove(item: T, options?: PushOptions): boolean {
    const removed = this.inner.remove?.(item, options) ?? false;
    if (removed) this.#forgetIfEmpty();
    return removed;
  }

  /** The inner queue's `release` (a FairQueue inside counts the item back); nothing else. */
  release(item: T, options?: PushOptions): void {
    this.inner.release?.(item, options);
  }

  /**
   * Pops items one by one at the rate, waiting for each, and ends once the queue is closed and
   * empty (or at an `undefined` item, which reads as the end).
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const item = await this.pop();
      if (item === undefined) return;
      yield item;
    }
  }

  /** Once the inner queue is empty, no item is held back any more. */
  #forgetIfEmpty(): void {
    if (this.#heldBack && this.inner.size === 0) {
      this.#heldBack = false;
      this.#update();
    }
  }

  /** Announces a change of isRateLimited; call after anything that may change it. */
  #update(): void {
    const limited = this.#heldBack || this.#waiters.length > 0;
    if (limited === this.#limited) return;
    this.#limited = limited;
    this.emit(limited ? 'rateLimit' : 'rateLimitCleared');
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
      this.#heldBack = false;
      waiter.settle(true);
    }
    this.#schedule(now);
    this.#update();
  }

  /**
   * Arms one timer for the moment the next permit frees, if poppers wait and time will free it.
   * The delay never exceeds setTimeout's limit: a later moment is reached by re-arming.
   */
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
      Math.min(MAX_TIMEOUT, Math.max(1, Math.ceil(at - now))),
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

/** The checked options of a RateLimitedQueue (its constructor reads them before `super()`). */
function readRateOptions(
  inner: unknown,
  options: RateLimitedQueueOptions,
): { limit: number; interval: number; burst: number } {
  if (!looksLikeQueue(inner)) {
    throw argTypeError(
      `inner must be a WorkQueue (push, tryPush, pop, tryPop, close, drain), received ${describe(inner)}`,
    );
  }
  checkObject('RateLimitedQueue options', options);
  const limit = checkInteger('limit', options.limit, 1);
  const interval = options.interval;
  if (typeof interval === 'number' && !Number.isNaN(interval) && !(interval > 0 && interval <= MAX_TIMEOUT)) {
    // Past 2^31 − 1 ms setTimeout fires after 1 ms instead, which would re-arm forever.
    throw argRangeError(
      `interval must be a number of ms > 0 and ≤ 2147483647, received ${describe(interval)}`,
    );
  }
  // `=== undefined`, not `??`: a null burst is a mistake to report.
  const burst = options.burst === undefined ? limit : checkInteger('burst', options.burst, 1, { max: limit });
  return { limit, interval: checkNumber('interval', interval, 0), burst };
}

function looksLikeQueue(value: unknown): value is WorkQueue<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const queue = value as Record<string, unknown>;
  return ['push', 'tryPush', 'pop', 'tryPop', 'close', 'drain'].every(
    (name) => typeof queue[name] === 'function',
  );
}
