/**
 * The waiting logic shared by every buffered {@link WorkQueue}: bounded storage, a line of
 * pushers waiting for room and a line of poppers waiting for an item. Subclasses only say how
 * items are stored, taken and removed ({@link ChannelQueue}: a ring, FIFO; {@link PriorityQueue}:
 * a heap).
 *
 * Invariants, between any two calls:
 * - `count ≤ capacity`;
 * - poppers wait only while `count === 0` and no pusher waits (an arriving item goes straight
 *   to the first popper, never through the storage);
 * - pushers wait only while `count === capacity` (with capacity 0 — rendezvous — they always
 *   wait, until a popper takes their item straight from them);
 * - once closed, nobody waits: close() rejects every pusher and settles every popper.
 *
 * Every item pushed is popped, drained, removed, or was refused (push rejected / tryPush
 * false) — never two of these, never none.
 */
import type { PushOptions, WorkQueue } from './contracts.js';
import { QueueClosedError } from './errors.js';
import { asArgError, checkSignal } from './validate.js';
import { refusal, Waiter, WaiterList } from './waiters.js';

/** Marks "no item" internally, so that `undefined` items are still carried faithfully. */
const EMPTY: unique symbol = Symbol('poolkit.empty');
type Empty = typeof EMPTY;

/** Shared so that a push which finds room allocates no promise. */
const RESOLVED: Promise<void> = Promise.resolve();
const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);

/**
 * The base class of a buffered {@link WorkQueue}: it owns the capacity, closing, and the lines
 * of pushers waiting for room and poppers waiting for an item; a subclass says only how items
 * are stored, taken and removed, through four protected methods — `store(item, priority)`,
 * `take()`, `takeAll()` (every item in pop order) and `removeStored(item)` — and, to order by
 * priority, `priorityOf(options)`. `count` (protected) is the number of stored items; the base
 * class keeps it. {@link ChannelQueue} (a ring, FIFO) and {@link PriorityQueue} (a heap) are
 * the in-tree subclasses. A queue for a Pool holds {@link QueuedTask}s.
 *
 * @example
 * class LifoQueue<T> extends BlockingQueue<T> {
 *   #items: T[] = [];
 *   constructor(capacity = 1024) { super(capacity); }
 *   protected store(item: T): void { this.#items.push(item); }
 *   protected take(): T { return this.#items.pop() as T; }
 *   protected takeAll(): T[] { return this.#items.splice(0).reverse(); }
 *   protected removeStored(item: T): boolean {
 *     const at = this.#items.lastIndexOf(item);
 *     if (at === -1) return false;
 *     this.#items.splice(at, 1);
 *     return true;
 *   }
 * }
 */
export abstract class BlockingQueue<T> implements WorkQueue<T> {
  /**
   * How many items may wait before `push` waits: an integer ≥ 0, or `Infinity` (unbounded);
   * 0 is a rendezvous (a push completes only when a pop takes its item). Fixed at construction.
   */
  readonly capacity: number;
  #closed = false;
  /** Items in the storage (not counting pushers still waiting). */
  protected count = 0;
  readonly #pushers = new WaiterList<void>();
  readonly #poppers = new WaiterList<unknown>();

  protected constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Stores one item; called only when `count < capacity`. */
  protected abstract store(item: T, priority: number): void;
  /** Removes and returns the next item; called only when `count > 0`. */
  protected abstract take(): T;
  /** Removes and returns every stored item in pop order (the caller resets `count`). */
  protected abstract takeAll(): T[];
  /**
   * Removes one stored occurrence of `item` (`===`) and closes the gap, keeping the pop order of
   * the rest; false if it is not stored. Called only when `count > 0`; `count` still includes
   * the item (the caller decrements it).
   */
  protected abstract removeStored(item: T): boolean;
  /** Reads (and checks) the priority of a push; FIFO queues ignore it. */
  protected priorityOf(_options: PushOptions | undefined): number {
    return 0;
  }

  /** Items waiting in the queue, not counting pushers still blocked on a full queue. */
  get size(): number {
    return this.count;
  }

  /** True once `close()` was called (it cannot be reopened): pushes are refused, pops drain what is left. */
  get closed(): boolean {
    return this.#closed;
  }

  tryPush(item: T, options?: PushOptions): boolean {
    let priority: number;
    let signal: AbortSignal | undefined;
    try {
      priority = this.priorityOf(options);
      signal = options === undefined ? undefined : checkSignal('signal', options.signal);
    } catch (error) {
      throw asArgError('push options', error);
    }
    if (this.#closed || signal?.aborted) return false;
    return this.#offer(item, priority);
  }

  push(item: T, options?: PushOptions): Promise<void> {
    let priority: number;
    let signal: unknown;
    try {
      priority = this.priorityOf(options);
      signal = options?.signal;
    } catch (error) {
      return Promise.reject(asArgError('push options', error));
    }
    const refused = refusal(signal);
    if (refused !== undefined) return refused;
    if (this.#closed) return Promise.reject(new QueueClosedError());
    if (this.#offer(item, priority)) return RESOLVED;
    const waiter = new Waiter<void>(signal as AbortSignal | undefined, item, priority, undefined);
    this.#pushers.push(waiter);
    return waiter.promise;
  }

  tryPop(): T | undefined {
    const item = this.#next();
    return item === EMPTY ? undefined : item;
  }

  pop(signal?: AbortSignal): Promise<T | undefined> {
    return this.#pop(signal, undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (let pusher = this.#pushers.shiftLive(); pusher !== null; pusher = this.#pushers.shiftLive()) {
      pusher.fail(new QueueClosedError('the queue was closed while the push waited for room'));
    }
    // Poppers wait only on an empty queue, and nothing can arrive any more.
    for (let popper = this.#poppers.shiftLive(); popper !== null; popper = this.#poppers.shiftLive()) {
      popper.settle(popper.doneValue);
    }
  }

  /**
   * Removes and returns every stored item, in pop order. Pushers still blocked on a full queue
   * are not part of it: they move into the room drain frees (their items stay queued).
   */
  drain(): T[] {
    if (this.count === 0) return [];
    const items = this.takeAll();
    this.count = 0;
    this.#admitPushers();
    return items;
  }

  /**
   * Removes one stored occurrence of `item` (`===`); true if there was one. The room it frees
   * goes at once to the oldest blocked pusher, as after a pop. Items still held by blocked
   * pushers are not stored, so they are not found (with capacity 0 this is always false).
   */
  remove(item: T): boolean {
    if (this.count === 0 || !this.removeStored(item)) return false;
    this.count--;
    if (this.#pushers.length > 0) this.#admitPushers();
    return true;
  }

  /**
   * Pops items one by one, waiting for each, and ends once the queue is closed and empty
   * (an `undefined` item is carried through, unlike with `pop`).
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const item = await this.#pop(undefined, EMPTY);
      if (item === EMPTY) return;
      yield item;
    }
  }

  /** Hands the item to a waiting popper, or stores it if there is room; false when full. */
  #offer(item: T, priority: number): boolean {
    if (this.#poppers.length > 0) {
      const popper = this.#poppers.shiftLive();
      if (popper !== null) {
        popper.settle(item);
        return true;
      }
    }
    if (this.count < this.capacity) {
      this.store(item, priority);
      this.count++;
      return true;
    }
    return false;
  }

  /** Takes the next item: from the storage, or straight from a pusher (rendezvous). */
  #next(): T | Empty {
    if (this.count > 0) {
      const item = this.take();
      this.count--;
      if (this.#pushers.length > 0) this.#admitPushers();
      return item;
    }
    if (this.#pushers.length > 0) {
      const pusher = this.#pushers.shiftLive();
      if (pusher !== null) {
        pusher.settle();
        return pusher.item as T;
      }
    }
    return EMPTY;
  }

  /** Moves blocked pushers into free room, oldest first. */
  #admitPushers(): void {
    while (this.count < this.capacity) {
      const pusher = this.#pushers.shiftLive();
      if (pusher === null) return;
      this.store(pusher.item as T, pusher.priority);
      this.count++;
      pusher.settle();
    }
  }

  #pop<D>(signal: AbortSignal | undefined, doneValue: D): Promise<T | D> {
    const refused = refusal(signal);
    if (refused !== undefined) return refused;
    const item = this.#next();
    if (item !== EMPTY) return Promise.resolve(item);
    if (this.#closed)
      return doneValue === undefined ? (RESOLVED_UNDEFINED as Promise<D>) : Promise.resolve(doneValue);
    const waiter = new Waiter<unknown>(signal, undefined, 0, doneValue);
    this.#poppers.push(waiter);
    return waiter.promise as Promise<T | D>;
  }
}
