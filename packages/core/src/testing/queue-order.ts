import type { PushOptions } from '../contracts.js';

/**
 * A queue's declared pop order, as {@link describeQueue} checks it: a model of which waiting item
 * the next pop takes. Every check that looks at order asks the model, so a queue of any order can
 * pass; the checks that only hold for first-in first-out are named "(FIFO order)" and skipped for
 * a queue that declares another. Write your own for a new order: a fair-by-key queue's model keeps
 * which key went last and picks the oldest item of the next key, and its `pushOptions` gives each
 * test item its key.
 *
 * @example
 * const LIFO: QueueOrder = { name: 'LIFO', model: () => ({ next: (waiting) => waiting.length - 1 }) };
 * describeQueue('LifoQueue', ({ capacity }) => new LifoQueue(capacity), { order: LIFO });
 */
export interface QueueOrder {
  /** Shown in check names and failure messages: `'FIFO'`, `'LIFO'`, `'fair by key'`. */
  readonly name: string;
  /** True only for first-in first-out: the "(FIFO order)" checks run only then. Default false. */
  readonly fifo?: boolean;
  /** Makes a fresh model for one queue; it may keep state (called once per pop, in pop order). */
  model(): QueueOrderModel;
  /**
   * The options the suite pushes test item `item` with (the suite's items are 0, 1, 2, … and a
   * few above 99): a priority, a key. Absent: no options. Blocked pushers move in oldest first
   * whatever the order, so the model is asked only about items already in the queue.
   */
  pushOptions?(item: number): PushOptions | undefined;
}

/** The stateful part of a {@link QueueOrder}: answers one pop at a time. */
export interface QueueOrderModel {
  /**
   * The index in `waiting` (the items in the queue, oldest first; never empty) of the item the
   * next pop takes. Called exactly once per item popped or drained, in that order.
   */
  next(waiting: readonly number[]): number;
  /**
   * Optional: the item at `index` of `waiting` (the items in the queue, oldest first, that one
   * still among them) is being removed (`remove`). For an order with state that depends on what
   * waits: a fair queue's turns, which a key leaves when its last item goes.
   */
  removed?(waiting: readonly number[], index: number): void;
}

/** First in, first out: the order of ChannelQueue, and of PriorityQueue among equal priorities. */
export const FIFO: QueueOrder = { name: 'FIFO', fifo: true, model: () => ({ next: () => 0 }) };

/**
 * The order of a queue fair by key with equal weights (`FairQueue`'s, from `@poolkit/core`): keys take turns,
 * one item each, oldest first within a key. A key joins the turns at the end when its first
 * item arrives (keys arriving together join in their items' order) and leaves them when its
 * last waiting item goes (popped or removed). `keyOf` gives each test item its key, pushed as
 * `{ key }`.
 *
 * @example
 * describeQueue('FairQueue', ({ capacity }) => new FairQueue({ capacity }), {
 *   order: fairByKey((item) => `k${item % 3}`),
 * });
 */
export function fairByKey(keyOf: (item: number) => string): QueueOrder {
  return {
    name: 'fair by key',
    pushOptions: (item) => ({ key: keyOf(item) }),
    model: () => new FairTurns(keyOf),
  };
}

class FairTurns implements QueueOrderModel {
  /** Keys in turn order: the next pop serves the first. */
  #turns: string[] = [];
  constructor(readonly keyOf: (item: number) => string) {}

  next(waiting: readonly number[]): number {
    this.#join(waiting);
    const key = this.#turns.shift() as string;
    const index = waiting.findIndex((item) => this.keyOf(item) === key);
    // It keeps a turn (at the end) only while another of its items waits.
    if (waiting.some((item, i) => i !== index && this.keyOf(item) === key)) this.#turns.push(key);
    return index;
  }

  removed(waiting: readonly number[], index: number): void {
    this.#join(waiting);
    const key = this.keyOf(waiting[index]);
    if (!waiting.some((item, i) => i !== index && this.keyOf(item) === key)) {
      this.#turns = this.#turns.filter((k) => k !== key);
    }
  }

  /** Keys that got their first item since the last look join the turns, in their items' order. */
  #join(waiting: readonly number[]): void {
    for (const item of waiting) {
      const key = this.keyOf(item);
      if (!this.#turns.includes(key)) this.#turns.push(key);
    }
  }
}

/** Last in, first out: the newest waiting item goes first. */
export const LIFO: QueueOrder = { name: 'LIFO', model: () => ({ next: (waiting) => waiting.length - 1 }) };

/**
 * The reference a check compares a queue with: items stored up to `capacity`, pushers waiting
 * beyond it (moving in oldest first as room frees), pops in the order's model.
 */
export class OrderedBuffer {
  /** The stored items, oldest first. */
  readonly items: number[] = [];
  /** Items of pushers waiting for room, oldest first. */
  readonly pushers: number[] = [];
  readonly #model: QueueOrderModel;
  readonly #capacity: number;

  constructor(order: QueueOrder, capacity: number) {
    this.#model = order.model();
    this.#capacity = capacity;
  }

  /** Stores `item`, or lines it up as a waiting pusher when full. */
  push(item: number): void {
    if (this.items.length < this.#capacity) this.items.push(item);
    else this.pushers.push(item);
  }

  /** What the next pop returns (taking it from the storage, or from the first pusher when empty). */
  pop(): number | undefined {
    if (this.items.length === 0) return this.pushers.shift();
    const [item] = this.items.splice(this.#model.next(this.items), 1);
    this.admit();
    return item;
  }

  /** Every stored item in pop order (waiting pushers then move in). */
  drain(): number[] {
    const out: number[] = [];
    while (this.items.length > 0) out.push(this.items.splice(this.#model.next(this.items), 1)[0]);
    this.admit();
    return out;
  }

  /** Takes `item` out of the storage; false when it is not stored. */
  remove(item: number): boolean {
    const at = this.items.indexOf(item);
    if (at === -1) return false;
    this.#model.removed?.(this.items, at);
    this.items.splice(at, 1);
    this.admit();
    return true;
  }

  /** Pops until empty (storage and pushers), in order. */
  popAll(): number[] {
    const out: number[] = [];
    for (let item = this.pop(); item !== undefined; item = this.pop()) out.push(item);
    return out;
  }

  /** Moves waiting pushers into free room, oldest first. */
  admit(): void {
    while (this.items.length < this.#capacity && this.pushers.length > 0) {
      this.items.push(this.pushers.shift() as number);
    }
  }
}
