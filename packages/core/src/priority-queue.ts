/**
 * PriorityQueue: a bounded queue that pops the highest priority first, and among equal
 * priorities the oldest first.
 *
 * Storage is a binary max-heap ordered by (priority descending, sequence number ascending),
 * laid out level by level in three parallel arrays so that an item costs no wrapper object:
 *
 *                     [0] p9 #4                  p = priority, # = push sequence number
 *                   ╱           ╲
 *            [1] p5 #1        [2] p7 #2
 *            ╱      ╲           ╱
 *     [3] p1 #0  [4] p5 #3  [5] p2 #5            children of i: 2i+1, 2i+2 · parent: (i-1) >> 1
 *
 * The sequence number makes the heap (not stable by itself) FIFO among equals: #1 beats #3.
 */

import { BlockingQueue } from './blocking-queue.js';
import type { PushOptions } from './contracts.js';
import { checkInteger, checkOptions, describe } from './validate.js';

/** Options of a {@link PriorityQueue}. */
export interface PriorityQueueOptions {
  /**
   * How many items may wait before `push` waits: an integer ≥ 0, or `Infinity` (unbounded).
   * 0 makes a rendezvous queue (priorities then never matter). Default 1024.
   */
  readonly capacity?: number;
}

/**
 * A bounded `WorkQueue` that pops the item of highest `priority` first (`PushOptions.priority`,
 * a finite number, default 0); items of equal priority pop in push order.
 *
 * Waiting, closing, draining and aborting behave as in {@link ChannelQueue}. Priority orders
 * the items *in* the queue: an item pushed while a popper waits goes straight to it, and a
 * pusher blocked on a full queue joins the heap (with its priority) only once there is room.
 * `tryPush`/`push` throw/reject a TypeError or RangeError for a priority that is not a finite number.
 *
 * @example
 * const queue = new PriorityQueue<string>({ capacity: 100 });
 * queue.tryPush('low', { priority: -1 });
 * queue.tryPush('first');                  // priority 0
 * queue.tryPush('urgent', { priority: 10 });
 * queue.tryPush('second');
 * queue.drain();                           // ['urgent', 'first', 'second', 'low']
 */
export class PriorityQueue<T> extends BlockingQueue<T> {
  readonly #items: (T | undefined)[] = [];
  readonly #priorities: number[] = [];
  readonly #sequences: number[] = [];
  #sequence = 0;

  constructor(options?: PriorityQueueOptions) {
    checkOptions('PriorityQueue options', options);
    super(checkInteger('capacity', options?.capacity ?? 1024, 0, { allowInfinity: true }));
  }

  protected override priorityOf(options: PushOptions | undefined): number {
    const priority = options?.priority;
    if (priority === undefined) return 0;
    if (typeof priority !== 'number' || Number.isNaN(priority)) {
      throw new TypeError(`priority must be a number, received ${describe(priority)}`);
    }
    if (!Number.isFinite(priority)) {
      throw new RangeError(`priority must be a finite number, received ${describe(priority)}`);
    }
    return priority;
  }

  protected store(item: T, priority: number): void {
    const sequence = this.#sequence++;
    let i = this.count;
    // Sift up: move parents that lose to the new entry down, then drop it in the hole.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!precedes(priority, sequence, this.#priorities[parent], this.#sequences[parent])) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#items[i] = item;
    this.#priorities[i] = priority;
    this.#sequences[i] = sequence;
  }

  protected take(): T {
    const items = this.#items;
    const top = items[0] as T;
    const last = this.count - 1; // `count` still includes the item being taken
    const priority = this.#priorities[last];
    const sequence = this.#sequences[last];
    const item = items[last];
    items[last] = undefined; // let the item be collected
    if (last > 0) {
      // Sift down: the last entry sinks from the root until both children lose to it.
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        const right = child + 1;
        if (
          right < last &&
          precedes(
            this.#priorities[right],
            this.#sequences[right],
            this.#priorities[child],
            this.#sequences[child],
          )
        ) {
          child = right;
        }
        if (!precedes(this.#priorities[child], this.#sequences[child], priority, sequence)) break;
        this.#move(child, i);
        i = child;
      }
      items[i] = item;
      this.#priorities[i] = priority;
      this.#sequences[i] = sequence;
    }
    return top;
  }

  protected takeAll(): T[] {
    const items = new Array<T>(this.count);
    for (let i = 0; i < items.length; i++) {
      items[i] = this.take();
      this.count--; // take() reads count; the base class resets it to 0 afterwards anyway
    }
    return items;
  }

  #move(from: number, to: number): void {
    this.#items[to] = this.#items[from];
    this.#priorities[to] = this.#priorities[from];
    this.#sequences[to] = this.#sequences[from];
  }
}

/** Whether the entry (p1, s1) pops before the entry (p2, s2): higher priority, then older. */
function precedes(p1: number, s1: number, p2: number, s2: number): boolean {
  return p1 > p2 || (p1 === p2 && s1 < s2);
}
