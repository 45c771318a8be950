import fc from 'fast-check';
import { expect } from 'vitest';
import type { PushOptions, WorkQueue } from '../contracts.js';
import type { QueueOrder } from './queue-order.js';
import { errorCode, errorName, type Settled, tick, track } from './queue-probes.js';

/**
 * The model-based property of describeQueue: random operations run on a queue and on a reference
 * model (pops in the declared order), compared after every step.
 */
/** What the model-based property does next. */
export type Operation =
  | { kind: 'tryPush' | 'push' | 'pushAbortable' | 'tryPop' | 'pop' | 'popAbortable' | 'drain' | 'close' }
  | { kind: 'abort' | 'remove'; pick: number };

/** One random operation of the model-based property. */
export const operation: fc.Arbitrary<Operation> = fc.oneof(
  // Pushes weigh more than pops so that bounded queues fill up and pushers block.
  {
    weight: 6,
    arbitrary: fc.constantFrom('tryPush', 'push', 'pushAbortable').map((kind) => ({ kind }) as Operation),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom('tryPop', 'pop', 'popAbortable').map((kind) => ({ kind }) as Operation),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' } as Operation) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' } as Operation) },
  { weight: 2, arbitrary: fc.nat(20).map((pick) => ({ kind: 'abort', pick }) as Operation) },
  // Picks a stored item, or (pick 0 of an empty buffer, or past its end) one that is not there.
  { weight: 2, arbitrary: fc.nat(20).map((pick) => ({ kind: 'remove', pick }) as Operation) },
);

/**
 * Runs `ops` on the queue and on a reference model, and after each (once the queue settled)
 * compares every synchronous answer, every settled promise and `size`. At the end, every item
 * pushed was popped, drained or removed exactly once, or refused exactly once. `remove` runs only
 * on queues that have it.
 */
export async function runModel(
  queue: WorkQueue<number>,
  capacity: number,
  order: QueueOrder,
  ops: readonly Operation[],
): Promise<void> {
  const model = order.model();
  const options = (item: number, signal?: AbortSignal): PushOptions | undefined => {
    const own = order.pushOptions?.(item);
    return signal === undefined ? own : { ...own, signal };
  };
  /** Takes the stored item the order says goes next. */
  const next = (): number => buffer.splice(model.next(buffer), 1)[0];
  type Pending = { id: number; controller?: AbortController; box: { current: Settled<unknown> } };
  const buffer: number[] = [];
  const pushers: Pending[] = [];
  const poppers: Pending[] = [];
  let closed = false;
  let nextItem = 0;
  const out: number[] = []; // every item that left the queue, in order
  const refused = new Set<number>();
  const removed = new Set<number>();
  // What each promise should have become, by id.
  const expected = new Map<Pending, Settled<unknown>>();
  const abortable: Pending[] = [];

  const give = (item: number): boolean => {
    const popper = poppers.shift();
    if (popper !== undefined) {
      expected.set(popper, { state: 'fulfilled', value: item });
      out.push(item);
      return true;
    }
    if (buffer.length < capacity) {
      buffer.push(item);
      return true;
    }
    return false;
  };
  const admit = (): void => {
    while (buffer.length < capacity && pushers.length > 0) {
      const pusher = pushers.shift() as Pending;
      buffer.push(pusher.id);
      expected.set(pusher, { state: 'fulfilled', value: undefined });
    }
  };
  const take = (): number | undefined => {
    if (buffer.length > 0) {
      const item = next();
      admit();
      out.push(item);
      return item;
    }
    const pusher = pushers.shift();
    if (pusher !== undefined) {
      expected.set(pusher, { state: 'fulfilled', value: undefined });
      out.push(pusher.id);
      return pusher.id;
    }
    return undefined;
  };

  const closeModel = (): void => {
    if (closed) return;
    closed = true;
    for (const pusher of pushers.splice(0)) {
      refused.add(pusher.id);
      expected.set(pusher, { state: 'rejected', error: 'ERR_QUEUE_CLOSED' });
    }
    for (const popper of poppers.splice(0)) expected.set(popper, { state: 'fulfilled', value: undefined });
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'tryPush': {
        const item = nextItem++;
        const accepted = !closed && give(item);
        if (!accepted) refused.add(item);
        expect(queue.tryPush(item, options(item)), `tryPush(${item})`).toBe(accepted);
        break;
      }
      case 'push':
      case 'pushAbortable': {
        const item = nextItem++;
        const controller = op.kind === 'pushAbortable' ? new AbortController() : undefined;
        const pending: Pending = {
          id: item,
          controller,
          box: track(queue.push(item, options(item, controller?.signal))),
        };
        if (closed) {
          refused.add(item);
          expected.set(pending, { state: 'rejected', error: 'ERR_QUEUE_CLOSED' });
        } else if (give(item)) {
          expected.set(pending, { state: 'fulfilled', value: undefined });
        } else {
          pushers.push(pending);
          expected.set(pending, { state: 'pending' });
          if (controller) abortable.push(pending);
        }
        break;
      }
      case 'tryPop':
        expect(queue.tryPop(), `tryPop() (${order.name} order)`).toBe(take());
        break;
      case 'pop':
      case 'popAbortable': {
        const controller = op.kind === 'popAbortable' ? new AbortController() : undefined;
        const pending: Pending = { id: -1, controller, box: track(queue.pop(controller?.signal)) };
        const item = take();
        if (item !== undefined) expected.set(pending, { state: 'fulfilled', value: item });
        else if (closed) expected.set(pending, { state: 'fulfilled', value: undefined });
        else {
          poppers.push(pending);
          expected.set(pending, { state: 'pending' });
          if (controller) abortable.push(pending);
        }
        break;
      }
      case 'abort': {
        if (abortable.length === 0) break;
        const pending = abortable.splice(op.pick % abortable.length, 1)[0];
        pending.controller?.abort();
        for (const line of [pushers, poppers]) {
          const index = line.indexOf(pending);
          if (index >= 0) {
            line.splice(index, 1);
            expected.set(pending, { state: 'rejected', error: 'AbortError' });
            if (line === pushers) refused.add(pending.id);
          }
        }
        break;
      }
      case 'drain': {
        const items: number[] = [];
        while (buffer.length > 0) items.push(next());
        out.push(...items);
        admit();
        expect(queue.drain(), `drain() (${order.name} order)`).toEqual(items);
        break;
      }
      case 'close':
        queue.close();
        closeModel();
        break;
      case 'remove': {
        if (queue.remove === undefined) break;
        // Some picks aim past the buffer, at an item that is not in the queue: one that left it,
        // one a blocked pusher still holds (not in the queue yet), or one never pushed.
        const absent = [...out.slice(-2), ...pushers.slice(0, 2).map((pusher) => pusher.id), nextItem + 1000];
        const index = op.pick % (buffer.length + absent.length);
        const present = index < buffer.length;
        const item = present ? buffer[index] : absent[index - buffer.length];
        if (present) {
          model.removed?.(buffer, index);
          buffer.splice(index, 1);
          removed.add(item);
          admit();
        }
        expect(queue.remove(item)).toBe(present);
        break;
      }
    }
    await tick();
    expect(queue.size, `size after ${op.kind}`).toBe(buffer.length);
    expect(queue.closed, `closed after ${op.kind}`).toBe(closed);
    for (const [pending, want] of expected) {
      const got = pending.box.current;
      if (want.state === 'rejected') {
        expect(got.state).toBe('rejected');
        if (got.state === 'rejected') {
          expect(want.error === 'AbortError' ? errorName(got.error) : errorCode(got.error)).toBe(want.error);
        }
      } else {
        expect(got, `a ${pending.id < 0 ? 'pop' : `push of ${pending.id}`} after ${op.kind}`).toEqual(want);
      }
    }
  }

  // Finish: close, take what is left, and account for every item.
  queue.close();
  closeModel();
  const rest: number[] = [];
  while (buffer.length > 0) rest.push(next());
  expect(queue.drain(), `drain() after close (${order.name} order)`).toEqual(rest);
  out.push(...rest);
  await tick();
  expect(queue.size).toBe(0);
  for (const [pending, want] of expected) {
    if (want.state === 'pending') throw new Error('the model left a promise pending after close');
    expect(pending.box.current.state).toBe(want.state);
  }
  const left = new Set(out);
  expect(left.size).toBe(out.length); // no duplicates
  for (const item of refused) expect(left.has(item)).toBe(false);
  for (const item of removed) expect(left.has(item) || refused.has(item)).toBe(false);
  expect(
    left.size + refused.size + removed.size,
    'items pushed, against items out, refused and removed',
  ).toBe(nextItem); // nothing lost
}
