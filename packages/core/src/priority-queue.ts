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
 * `remove(item)` finds the entry by a linear scan, moves the last entry into its place and
 * sifts that one up or down (the classic indexed-heap deletion).
 */

import { BlockingQueue } from './blocking-queue.js';
import type { PushOptions } from './contracts.js';
import { pushPriority, queueCapacity } from './validate.js';

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
 * `remove(item)` takes one waiting occurrence out in O(size) (scan) + O(log size) (repair).
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
    super(queueCapacity('PriorityQueue options', options));
  }

  protected override priorityOf(options: PushOptions | undefined): number {
    return pushPriority(options);
  }

  protected store(item: T, priority: number): void {
    this.#siftUp(this.count, item, priority, this.#sequence++);
  }

  protected take(): T {
    const top = this.#items[0] as T;
    this.#fillHole(0, this.count - 1); // `count` still includes the item being taken
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

  protected removeStored(item: T): boolean {
    const index = this.#items.indexOf(item);
    if (index === -1 || index >= this.count) return false;
    this.#fillHole(index, this.count - 1);
    return true;
  }

  /**
   * Fills the hole at `hole` with the last entry (at `last`, which leaves the heap) and restores
   * the heap order: the moved entry may beat the hole's parent (sift up) or lose to a child (sift
   * down), never both. The order is total (sequence numbers are unique), so FIFO among equal
   * priorities survives any removal.
   */
  #fillHole(hole: number, last: number): void {
    const item = this.#items[last] as T;
    const priority = this.#priorities[last];
    const sequence = this.#sequences[last];
    this.#items[last] = undefined; // let the item be collected
    if (hole === last) return;
    const parent = (hole - 1) >> 1;
    if (hole > 0 && precedes(priority, sequence, this.#priorities[parent], this.#sequences[parent])) {
      this.#siftUp(hole, item, priority, sequence);
    } else {
      this.#siftDown(hole, last, item, priority, sequence);
    }
  }

  /** Puts the entry in the hole at `i`, first moving down the parents it beats. */
  #siftUp(i: number, item: T, priority: number, sequence: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!precedes(priority, sequence, this.#priorities[parent], this.#sequences[parent])) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#set(i, item, priority, sequence);
  }

  /** Puts the entry in the hole at `i` of a heap of `size`, first moving up the children that beat it. */
  #siftDown(i: number, size: number, item: T, priority: number, sequence: number): void {
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (
        right < size &&
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
    this.#set(i, item, priority, sequence);
  }

  #set(i: number, item: T, priority: number, sequence: number): void {
    this.#items[i] = item;
    this.#priorities[i] = priority;
    this.#sequences[i] = sequence;
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
