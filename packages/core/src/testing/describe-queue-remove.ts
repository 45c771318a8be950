import { expect } from 'vitest';
import type { WorkQueue } from '../contracts.js';
import type { OrderedBuffer, QueueOrder } from './queue-order.js';
import { tick, track } from './queue-probes.js';

/** What the remove checks share with the rest of describeQueue, for one capacity. */
export interface QueueChecks {
  /** Registers a check, or registers it skipped with the reason in its name. */
  readonly check: (title: string, skip?: string | false) => (body: () => void | Promise<void>) => void;
  /** A fresh queue of this capacity. */
  readonly make: () => WorkQueue<number>;
  /** Stores 0, 1, … (count, default capacity) and returns the reference holding the same. */
  readonly fill: (queue: WorkQueue<number>, count?: number) => OrderedBuffer;
  /** An empty reference of the declared order. */
  readonly reference: () => OrderedBuffer;
  /** Pushes an item with the order's push options. */
  readonly push: (queue: WorkQueue<number>, item: number, signal?: AbortSignal) => Promise<void>;
  /** The capacity checked. */
  readonly capacity: number;
  /** The declared order. */
  readonly order: QueueOrder;
  /** Why checks are skipped at this capacity: no remove(), not bounded (false: they run). */
  readonly skip: { readonly noRemove: string | false; readonly notBounded: string | false };
}

/** The checks of the optional `remove`, skipped (named) for a queue that does not have it. */
export function describeRemove({
  check,
  make,
  fill,
  reference,
  push,
  capacity,
  order,
  skip,
}: QueueChecks): void {
  const bounded = Number.isFinite(capacity);
  check(
    'remove takes out a middle item and keeps the order of the rest',
    skip.noRemove || (capacity === 0 && 'the queue stores nothing at capacity 0'),
  )(() => {
    const queue = make();
    const stored = Math.min(capacity, 5);
    const model = fill(queue, stored);
    const middle = stored >> 1;
    expect(queue.remove?.(middle), `remove(${middle}) of a stored item`).toBe(true);
    model.remove(middle);
    expect(queue.size).toBe(stored - 1);
    expect(queue.remove?.(middle), `remove(${middle}) again`).toBe(false);
    expect(queue.drain(), `drain() after remove (${order.name} order)`).toEqual(model.drain());
  });

  check(
    'remove frees room at once for a blocked pusher',
    skip.noRemove || skip.notBounded || (capacity === 0 && 'the queue stores nothing at capacity 0'),
  )(async () => {
    const queue = make();
    const model = fill(queue);
    const pushed = track(push(queue, 100));
    model.push(100);
    await tick();
    expect(pushed.current.state, 'a push into a full queue').toBe('pending');
    expect(queue.remove?.(0), 'remove(0) of a stored item').toBe(true);
    model.remove(0);
    await tick();
    expect(pushed.current.state, 'the waiting push after remove made room').toBe('fulfilled');
    expect(queue.size).toBe(capacity);
    expect(queue.drain(), `drain() (${order.name} order)`).toEqual(model.drain());
  });

  check(
    'remove of an item that is not in the queue is false and changes nothing',
    skip.noRemove,
  )(() => {
    const queue = make();
    expect(queue.remove?.(1), 'remove() from an empty queue').toBe(false);
    const model = fill(queue, bounded ? Math.min(capacity, 3) : 3);
    expect(queue.remove?.(99), 'remove() of an item never pushed').toBe(false);
    expect(queue.size).toBe(model.items.length);
    expect(queue.drain(), `drain() (${order.name} order)`).toEqual(model.drain());
  });

  check(
    'remove of an item already popped is false',
    skip.noRemove,
  )(async () => {
    const queue = make();
    const model = reference();
    const pushes = [push(queue, 1), push(queue, 2)];
    model.push(1);
    model.push(2);
    const first = model.pop() as number;
    expect(await queue.pop(), `the first pop (${order.name} order)`).toBe(first);
    expect(queue.remove?.(first), 'remove() of the item just popped').toBe(false);
    const second = model.pop() as number;
    expect(await queue.pop(), `the second pop (${order.name} order)`).toBe(second);
    await Promise.all(pushes);
    expect(queue.remove?.(second), 'remove() of the item just popped').toBe(false);
    expect(queue.size).toBe(0);
  });
}
