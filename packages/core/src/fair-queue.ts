/**
 * FairQueue: a bounded queue that serves keys (tenants, users, shards) in turn, so one key's
 * flood never starves another, and that can cap how many tasks of one key run at once.
 *
 * The turns are a ring of the keys that have a waiting item and room to run (deficit round
 * robin, Shreedhar & Varghese 1995, with a quantum of `weight` pops):
 *
 *     head ─▶ [a: 3 waiting, 1 of 2 out] ⇄ [c: 1 waiting] ⇄ [b: 9000 waiting] ◀─ tail
 *
 * A pop takes the head key's next item. The head keeps its turn while its credit lasts (each
 * turn adds `weight`, each pop costs 1), then moves to the tail; a key leaves the ring when
 * nothing of it waits or `keyConcurrency` of it are out (popped, not yet released), and joins at
 * the tail again when it has both. A key with nothing waiting and nothing out is forgotten: its
 * state is dropped, so keys that come and go leave nothing behind.
 *
 * Costs: push, pop and release are O(1) (a Map lookup by key and a few links); a key whose
 * weights are all below 1 may need a skip over whole rounds, O(keys in turn), once per pop.
 */
import type { PushOptions, WorkQueue } from './contracts.js';
import { abortError, QueueClosedError } from './errors.js';
import { IntrusiveList } from './intrusive-list.js';
import { KeyGroup } from './key-group.js';
import {
  argRangeError,
  argTypeError,
  asArgError,
  checkFunction,
  checkInteger,
  checkOptions,
  checkSignal,
  describe,
  describeThrown,
  pushPriority,
  readOptions,
} from './validate.js';
import { refusal, Waiter, WaiterList } from './waiters.js';

/** Options of a {@link FairQueue}. */
export interface FairQueueOptions {
  /**
   * How many items may wait, all keys together, before a push waits (or a Pool's caller waits or
   * is refused, per its `onFull`): an integer ≥ 1, or `Infinity`. Default 1024.
   */
  readonly capacity?: number;
  /**
   * How many items of one key may wait: an integer ≥ 1, or `Infinity` (default: only `capacity`
   * bounds a key). A full key makes its own pushers wait (or be refused); other keys are not held back.
   */
  readonly keyCapacity?: number;
  /**
   * At most this many items of one key out at once (popped and not yet released — a Pool
   * releases a task when it ends, batched or not): an integer ≥ 1 or `Infinity`, or a function
   * of the key returning one (called when a key becomes known, not per item). Default `Infinity`.
   */
  readonly keyConcurrency?: number | ((key: string | undefined) => number);
  /**
   * A key's share of the turns: a function of the key returning a positive finite number
   * (called when a key becomes known). A busy key of weight 2 gets twice the pops of a busy key
   * of weight 1. Default: 1 for every key.
   */
  readonly weight?: (key: string | undefined) => number;
}

/** A key's counts, as {@link FairQueue.keyStats} reports them. */
export interface KeyStats {
  /** Items of the key waiting in the queue. */
  readonly waiting: number;
  /** Items of the key popped and not yet released (with a Pool: started and not ended). */
  readonly running: number;
}

/** Marks "no item" internally, so that `undefined` items are still carried faithfully. */
const EMPTY: unique symbol = Symbol('poolkit.empty');
const RESOLVED: Promise<void> = Promise.resolve();
const NO_STATS: KeyStats = Object.freeze({ waiting: 0, running: 0 });

/** A pusher waiting for room, with the key and priority its item will be stored with. */
class KeyedWaiter extends Waiter<void> {
  constructor(
    signal: AbortSignal | undefined,
    item: unknown,
    priority: number,
    readonly key: string | undefined,
  ) {
    super(signal, item, priority, undefined);
  }
}

/**
 * A `WorkQueue` that serves keys in turn: among the keys with a waiting item and room to run,
 * round robin (weighted by `weight`); within a key, first in first out (a higher `priority`
 * first). A key comes from the push options (`{ key }`; a Pool passes `TaskOptions.key`);
 * items without one form one group of their own.
 *
 * - No starvation: with unit weights, an item of a key that just arrived pops after at most one
 *   item of each other key in turn, however many they have waiting.
 * - `keyCapacity` bounds the items one key may have waiting: a push of a full key waits (a
 *   Pool's caller waits or is refused) while other keys' pushes go in.
 * - `keyConcurrency` bounds the items of one key out at once: the consumer calls
 *   `release(item, options)` when done with a popped item (a Pool does, as the task ends).
 *   While every key with waiting items is at its limit, `tryPop` gives nothing and `pop` waits
 *   for a release, although `size > 0`.
 * - `keyCount`, `keyStats(key)`, `keys()` look inside; `drainKey(key)` takes out one key's
 *   waiting items (a Pool's `clear({ key })` cancels them).
 * - Waiting, closing, draining and aborting behave as in {@link ChannelQueue}; `drain()` returns
 *   the items in the order turns would pop them if every key had room to run.
 *
 * @example
 * const queue = new FairQueue({ keyConcurrency: 2 });
 * const pool = new Pool({ backend, queue });
 * await Promise.all([
 *   ...bulk.map((job) => pool.submit(job, { key: 'tenant-a' })), // 10 000 of them
 *   pool.submit(small, { key: 'tenant-b' }), // starts within a couple of starts, not after 10 000
 * ]);
 */
export class FairQueue<T> implements WorkQueue<T> {
  /** How many items may wait, all keys together: the `capacity` option. */
  readonly capacity: number;
  /** How many items of one key may wait: the `keyCapacity` option. */
  readonly keyCapacity: number;
  readonly #limitOf: (key: string | undefined) => number;
  readonly #weightOf: ((key: string | undefined) => number) | undefined;
  /** Every key with a waiting item or one out (no others: a drained key is forgotten). */
  readonly #groups = new Map<string | undefined, KeyGroup<T>>();
  /** The keys that may pop now, in turn order. */
  readonly #turns = new IntrusiveList<KeyGroup<T>>();
  readonly #pushers = new WaiterList<void>();
  readonly #poppers = new WaiterList<unknown>();
  #count = 0;
  #closed = false;
  /** A release has scheduled {@link #serveLater}, which has not run yet. */
  #serveQueued = false;
  readonly #serveLater = (): void => {
    this.#serveQueued = false;
    this.#servePoppers();
  };

  constructor(options?: FairQueueOptions) {
    const read = readOptions('FairQueue options', () => readFairOptions(options));
    this.capacity = read.capacity;
    this.keyCapacity = read.keyCapacity;
    this.#limitOf = read.limitOf;
    this.#weightOf = read.weightOf;
  }

  /** Items waiting, all keys together, not counting pushers still blocked on a full queue. */
  get size(): number {
    return this.#count;
  }

  /** True once `close()` was called: pushes are refused, pops drain what is left. */
  get closed(): boolean {
    return this.#closed;
  }

  /** How many keys have an item waiting or out. */
  get keyCount(): number {
    return this.#groups.size;
  }

  /** The keys that have an item waiting or out (`undefined` for items pushed without a key). */
  keys(): IterableIterator<string | undefined> {
    return this.#groups.keys();
  }

  /** How many items of `key` wait and are out; zeros for a key the queue does not hold. */
  keyStats(key: string | undefined): KeyStats {
    const group = this.#groups.get(key);
    return group === undefined ? NO_STATS : { waiting: group.waiting, running: group.running };
  }

  tryPush(item: T, options?: PushOptions): boolean {
    let key: string | undefined;
    let priority: number;
    let signal: AbortSignal | undefined;
    try {
      key = keyOf(options);
      priority = pushPriority(options);
      signal = options === undefined ? undefined : checkSignal('signal', options.signal);
    } catch (error) {
      throw asArgError('push options', error);
    }
    if (this.#closed || signal?.aborted) return false;
    return this.#offer(item, key, priority);
  }

  push(item: T, options?: PushOptions): Promise<void> {
    let key: string | undefined;
    let priority: number;
    let signal: unknown;
    try {
      key = keyOf(options);
      priority = pushPriority(options);
      signal = options?.signal;
    } catch (error) {
      return Promise.reject(asArgError('push options', error));
    }
    const refused = refusal(signal);
    if (refused !== undefined) return refused;
    if (this.#closed) return Promise.reject(new QueueClosedError());
    try {
      if (this.#offer(item, key, priority)) return RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
    const waiter = new KeyedWaiter(signal as AbortSignal | undefined, item, priority, key);
    this.#pushers.push(waiter);
    return waiter.promise;
  }

  tryPop(): T | undefined {
    return this.#turns.length === 0 ? undefined : this.#take();
  }

  pop(signal?: AbortSignal): Promise<T | undefined> {
    return this.#pop(signal, undefined);
  }

  /**
   * The consumer is done with `item`, popped with the push `options` given (its key): one fewer
   * of its key is out, and the key may take its turn again. Ignored for a key with none out.
   */
  release(_item: T, options?: PushOptions): void {
    let key: string | undefined;
    try {
      key = keyOf(options);
    } catch {
      return; // never throws: a key that cannot be read was never pushed
    }
    const group = this.#groups.get(key);
    if (group === undefined || group.running === 0) return;
    group.running--;
    if (group.list === null && group.ready) this.#turns.push(group);
    if (group.idle) this.#groups.delete(key);
    // Waiting poppers are served a microtask later, not now: the consumer that releases can take
    // the item it let out with tryPop first. A Pool does (it keeps pop()s pending for free slots):
    // served now, the item would sit in a pop's resolution until its continuation ran, out of the
    // Pool's reach — a clear({ key }) in the same tick would miss it, and it would run.
    if (this.#poppers.length > 0 && !this.#serveQueued) {
      this.#serveQueued = true;
      queueMicrotask(this.#serveLater);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (let pusher = this.#pushers.shiftLive(); pusher !== null; pusher = this.#pushers.shiftLive()) {
      pusher.fail(new QueueClosedError('the queue was closed while the push waited for room'));
    }
    this.#settleIfDone();
  }

  /** Removes and returns every waiting item, in the order turns would pop them if every key had room. */
  drain(): T[] {
    if (this.#count === 0) return [];
    // Keys held back by keyConcurrency take their turns too, from the tail.
    for (const group of this.#groups.values())
      if (group.list === null && group.waiting > 0) this.#turns.push(group);
    const items: T[] = [];
    while (this.#turns.length > 0) items.push(this.#takeFrom(this.#turn(), false));
    this.#count = 0;
    for (const group of this.#groups.values()) if (group.idle) this.#groups.delete(group.key);
    this.#roomFreed();
    return items;
  }

  /** Removes and returns every waiting item of `key`, first to pop first; room frees as after `drain`. */
  drainKey(key: string | undefined): T[] {
    const group = this.#groups.get(key);
    if (group === undefined || group.waiting === 0) return [];
    const items = group.takeAll();
    this.#count -= items.length;
    this.#leftTurns(group);
    this.#roomFreed();
    return items;
  }

  /**
   * Removes one waiting occurrence of `item` (`===`); true if there was one. With the push
   * `options` it was pushed with, only its key is searched; without, every key. Its room goes at
   * once to the oldest blocked pusher that fits.
   */
  remove(item: T, options?: PushOptions): boolean {
    if (this.#count === 0) return false;
    let group: KeyGroup<T> | undefined;
    if (options !== undefined) {
      let key: string | undefined;
      try {
        key = keyOf(options);
      } catch {
        return false;
      }
      group = this.#groups.get(key);
      if (group === undefined || !group.remove(item)) return false;
    } else {
      for (const candidate of this.#groups.values()) {
        if (candidate.waiting > 0 && candidate.remove(item)) {
          group = candidate;
          break;
        }
      }
      if (group === undefined) return false;
    }
    this.#count--;
    this.#leftTurns(group);
    this.#roomFreed();
    return true;
  }

  /**
   * Pops items one by one, waiting for each, and ends once the queue is closed and empty (an
   * `undefined` item is carried through, unlike with `pop`).
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const item = await this.#pop(undefined, EMPTY);
      if (item === EMPTY) return;
      yield item;
    }
  }

  /** Stores the item, or hands it to a waiting popper when its key may pop; false when no room. */
  #offer(item: T, key: string | undefined, priority: number): boolean {
    let group = this.#groups.get(key);
    // Poppers wait only while no key may pop: an item of a key with room goes straight to one.
    if (this.#poppers.length > 0 && (group === undefined || group.running < group.limit)) {
      group ??= this.#group(key);
      const popper = this.#poppers.shiftLive();
      if (popper !== null) {
        group.running++;
        popper.settle(item);
        return true;
      }
    }
    if (this.#count >= this.capacity || (group !== undefined && group.waiting >= this.keyCapacity)) {
      if (group?.idle) this.#groups.delete(key);
      return false;
    }
    group ??= this.#group(key);
    group.store(item, priority);
    this.#count++;
    if (group.list === null && group.ready) this.#turns.push(group);
    return true;
  }

  /** The state of a key new to the queue: its limit and weight asked now (may throw a coded error). */
  #group(key: string | undefined): KeyGroup<T> {
    const limit = callOption('keyConcurrency', this.#limitOf, key, checkLimit);
    const weight = this.#weightOf === undefined ? 1 : callOption('weight', this.#weightOf, key, checkWeight);
    const group = new KeyGroup<T>(key, limit, weight);
    this.#groups.set(key, group);
    return group;
  }

  /** Pops the next item by turns; called only when some key may pop. */
  #take(): T {
    const item = this.#takeFrom(this.#turn(), true);
    this.#count--;
    this.#roomFreed();
    return item;
  }

  /** Takes `group`'s next item (counting it out when `out`), and moves the turns on. */
  #takeFrom(group: KeyGroup<T>, out: boolean): T {
    const item = group.shift();
    group.credit -= 1;
    if (out) group.running++;
    if (out ? !group.ready : group.waiting === 0) {
      this.#turns.remove(group);
      group.credit = 0;
    } else if (group.credit < 1) {
      this.#turns.remove(group);
      this.#turns.push(group);
    }
    return item;
  }

  /** The key whose turn it is: the head, once its credit covers a pop. */
  #turn(): KeyGroup<T> {
    const turns = this.#turns;
    let spins = 0;
    for (;;) {
      const group = turns.head as KeyGroup<T>;
      if (group.credit >= 1) return group;
      group.credit += group.weight;
      if (group.credit >= 1) return group;
      turns.remove(group);
      turns.push(group);
      if (++spins >= turns.length) {
        skipRounds(turns);
        spins = 0;
      }
    }
  }

  /** A key lost a waiting item without popping it: it leaves the turns when empty, or is forgotten. */
  #leftTurns(group: KeyGroup<T>): void {
    if (group.waiting === 0 && group.list !== null) {
      this.#turns.remove(group);
      group.credit = 0;
    }
    if (group.idle) this.#groups.delete(group.key);
  }

  /** Room appeared: blocked pushers move in, then poppers left with nothing learn of the end. */
  #roomFreed(): void {
    if (this.#pushers.length > 0) this.#admitPushers();
    if (this.#closed && this.#count === 0) this.#settleIfDone();
  }

  /**
   * Moves blocked pushers into free room, oldest first, passing over those whose key is full
   * (they keep their place). O(pushers passed over) per call.
   */
  #admitPushers(): void {
    let pusher = this.#pushers.head as KeyedWaiter | null;
    while (pusher !== null && this.#count < this.capacity) {
      const next = pusher.next as KeyedWaiter | null;
      if (pusher.signal?.aborted) {
        // Its abort listener has not run yet (another listener of the signal got here first).
        this.#pushers.remove(pusher);
        pusher.fail(abortError(pusher.signal.reason));
      } else {
        const group = this.#groups.get(pusher.key);
        if (group === undefined || group.waiting < this.keyCapacity) {
          this.#pushers.remove(pusher);
          try {
            if (this.#offer(pusher.item as T, pusher.key, pusher.priority)) pusher.settle();
            else this.#pushers.push(pusher); // cannot happen: room was checked
          } catch (error) {
            pusher.fail(error); // its key's keyConcurrency or weight function refused the key
          }
        }
      }
      pusher = next;
    }
  }

  /** Hands items to waiting poppers while some key may pop. */
  #servePoppers(): void {
    while (this.#poppers.length > 0 && this.#turns.length > 0) {
      const popper = this.#poppers.shiftLive();
      if (popper === null) return;
      popper.settle(this.#take());
    }
  }

  /** Once closed and empty, nobody waits: poppers get their end value. */
  #settleIfDone(): void {
    if (this.#count > 0) return;
    for (let popper = this.#poppers.shiftLive(); popper !== null; popper = this.#poppers.shiftLive()) {
      popper.settle(popper.doneValue);
    }
  }

  #pop<D>(signal: AbortSignal | undefined, doneValue: D): Promise<T | D> {
    const refused = refusal(signal);
    if (refused !== undefined) return refused;
    if (this.#turns.length > 0) return Promise.resolve(this.#take());
    if (this.#closed && this.#count === 0) return Promise.resolve(doneValue);
    const waiter = new Waiter<unknown>(signal, undefined, 0, doneValue);
    this.#poppers.push(waiter);
    return waiter.promise as Promise<T | D>;
  }
}

/**
 * Every key in turn has credit < 1 after a whole round: gives each the rounds it would take for
 * the first of them to reach a pop, less one (the next round's own), in one step. Only weights
 * below 1 get here.
 */
function skipRounds<T>(turns: IntrusiveList<KeyGroup<T>>): void {
  let rounds = Number.POSITIVE_INFINITY;
  for (let group = turns.head; group !== null; group = group.next) {
    rounds = Math.min(rounds, Math.ceil((1 - group.credit) / group.weight));
  }
  if (rounds <= 1) return;
  for (let group = turns.head; group !== null; group = group.next)
    group.credit += (rounds - 1) * group.weight;
}

function keyOf(options: PushOptions | undefined): string | undefined {
  const key = options?.key;
  if (key !== undefined && typeof key !== 'string') {
    throw argTypeError(`key must be a string, received ${describe(key)}`);
  }
  return key;
}

/** Calls a per-key option function and checks what it returns; a coded error names both. */
function callOption(
  name: string,
  fn: (key: string | undefined) => number,
  key: string | undefined,
  check: (name: string, value: unknown) => number,
): number {
  let value: unknown;
  try {
    value = fn(key);
  } catch (error) {
    const refusal = argTypeError(`FairQueue ${name}(${describe(key)}) threw: ${describeThrown(error)}`);
    Object.defineProperty(refusal, 'cause', { value: error, configurable: true, writable: true });
    throw refusal;
  }
  return check(`FairQueue ${name}(${describe(key)})`, value);
}

function checkLimit(name: string, value: unknown): number {
  return checkInteger(name, value, 1, { allowInfinity: true });
}

function checkWeight(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw argTypeError(`${name} must be a number, received ${describe(value)}`);
  }
  if (!(value > 0) || !Number.isFinite(value)) {
    throw argRangeError(`${name} must be a positive finite number, received ${describe(value)}`);
  }
  return value;
}

function readFairOptions(options: FairQueueOptions | undefined): {
  capacity: number;
  keyCapacity: number;
  limitOf: (key: string | undefined) => number;
  weightOf: ((key: string | undefined) => number) | undefined;
} {
  checkOptions('FairQueue options', options);
  const { capacity, keyCapacity, keyConcurrency, weight } = options ?? {};
  const limit =
    typeof keyConcurrency === 'function' || keyConcurrency === undefined
      ? undefined
      : checkLimit('keyConcurrency', keyConcurrency);
  return {
    capacity: capacity === undefined ? 1024 : checkInteger('capacity', capacity, 1, { allowInfinity: true }),
    keyCapacity:
      keyCapacity === undefined
        ? Number.POSITIVE_INFINITY
        : checkInteger('keyCapacity', keyCapacity, 1, { allowInfinity: true }),
    limitOf:
      typeof keyConcurrency === 'function'
        ? keyConcurrency
        : (
            (value: number) => () =>
              value
          )(limit ?? Number.POSITIVE_INFINITY),
    weightOf: weight === undefined ? undefined : checkFunction('weight', weight),
  };
}
