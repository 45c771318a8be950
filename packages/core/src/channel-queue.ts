/**
 * ChannelQueue: a bounded FIFO queue, the default queue of every Pool — Go's buffered channel.
 *
 * Storage is a power-of-two ring that grows lazily (doubling, never past what `capacity`
 * needs), so an idle queue with a large capacity costs a few slots, and a position wraps with
 * a mask instead of a modulo (the trick of piscina's FixedQueue):
 *
 *   ring of 8 (mask 7), head 6, count 4 — popped order a, b, c, d:
 *
 *     index    0   1   2   3   4   5   6   7
 *            ┌───┬───┬───┬───┬───┬───┬───┬───┐
 *            │ c │ d │   │   │   │   │ a │ b │
 *            └───┴───┴───┴───┴───┴───┴───┴───┘
 *                      ▲ next push:            ▲ head: next pop
 *                        (head + count) & mask
 *
 * When the ring is full but `count < capacity`, it doubles and is unrolled so head = 0.
 * With capacity 0 there is no ring at all: the queue is a rendezvous point.
 *
 * `remove(item)` searches from the head and closes the gap by shifting whichever side is
 * shorter, so removing the head costs what a pop costs (the common case: the tasks of one
 * aborted signal leave in queue order) and any removal at most `count / 2` moves:
 *
 *   remove c (offset 2 of 6):         shift a, b one step towards the tail, head + 1
 *     head ▶ a b c d e f        ──▶        · a b d e f
 *   remove e (offset 4 of 6):         shift f one step towards the head
 *     head ▶ a b c d e f        ──▶        a b c d f ·
 */
import { BlockingQueue } from './blocking-queue.js';
import { queueCapacity } from './validate.js';

/** Options of a {@link ChannelQueue}. */
export interface ChannelQueueOptions {
  /**
   * How many items may wait before `push` waits: an integer ≥ 0, or `Infinity` (unbounded).
   * 0 makes a rendezvous (unbuffered) channel. Default 1024.
   */
  readonly capacity?: number;
}

const INITIAL_RING = 16;

/**
 * A bounded first-in first-out `WorkQueue`: items pop in push order (`priority` is ignored).
 *
 * - `push` waits while `capacity` items wait; `pop` waits while none does. An item pushed while
 *   a popper waits goes straight to that popper.
 * - `capacity: 0` is Go's unbuffered channel: `size` is always 0, `tryPush` succeeds only when a
 *   popper is already waiting, and `push` resolves only once a pop has taken its item.
 * - `close()` rejects blocked and later pushes with `QueueClosedError`; pops drain what is left,
 *   then resolve `undefined` (so do not queue `undefined` itself: async iteration carries it,
 *   `pop` cannot tell it from the end).
 * - `remove(item)` takes one waiting item out (the oldest `===` match), keeping the order of
 *   the rest and letting a blocked pusher into the room; O(1) for the head, else at most
 *   `size / 2` moves after the search.
 * - `tryPush`/`tryPop` are synchronous and allocate nothing; `size` is O(1).
 *
 * @example
 * const queue = new ChannelQueue<string>({ capacity: 2 });
 * await queue.push('a');
 * queue.tryPush('b');            // true
 * queue.tryPush('c');            // false: full
 * await queue.pop();             // 'a'
 * queue.close();
 * for await (const item of queue) console.log(item); // 'b'
 */
export class ChannelQueue<T> extends BlockingQueue<T> {
  #ring: (T | undefined)[];
  #mask: number;
  #head = 0;

  constructor(options?: ChannelQueueOptions) {
    const capacity = queueCapacity('ChannelQueue options', options);
    super(capacity);
    const size = capacity === 0 ? 0 : Math.min(INITIAL_RING, nextPowerOfTwo(capacity));
    this.#ring = new Array<T | undefined>(size).fill(undefined);
    this.#mask = size - 1;
  }

  protected store(item: T, _priority: number): void {
    if (this.count === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.count) & this.#mask] = item;
  }

  protected take(): T {
    const head = this.#head;
    const item = this.#ring[head] as T;
    this.#ring[head] = undefined; // let the item be collected
    this.#head = (head + 1) & this.#mask;
    return item;
  }

  protected takeAll(): T[] {
    const items = new Array<T>(this.count);
    for (let i = 0; i < items.length; i++) items[i] = this.take();
    this.#head = 0;
    return items;
  }

  protected removeStored(item: T): boolean {
    const ring = this.#ring;
    const mask = this.#mask;
    const head = this.#head;
    const count = this.count;
    let offset = 0;
    while (offset < count && ring[(head + offset) & mask] !== item) offset++;
    if (offset === count) return false;
    if (offset < count - 1 - offset) {
      // Nearer the head: move the items before it one step towards the tail.
      for (let i = offset; i > 0; i--) ring[(head + i) & mask] = ring[(head + i - 1) & mask];
      ring[head] = undefined;
      this.#head = (head + 1) & mask;
    } else {
      // Nearer the tail: move the items after it one step towards the head.
      for (let i = offset; i < count - 1; i++) ring[(head + i) & mask] = ring[(head + i + 1) & mask];
      ring[(head + count - 1) & mask] = undefined;
    }
    return true;
  }

  #grow(): void {
    const old = this.#ring;
    const ring = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) ring[i] = old[(this.#head + i) & this.#mask];
    this.#ring = ring;
    this.#mask = ring.length - 1;
    this.#head = 0;
  }
}

function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}
