/**
 * describeQueue: the conformance suite every {@link WorkQueue} runs (in-tree queues and yours).
 *
 * @example
 * // test/my-queue.test.ts
 * import { describeQueue } from '@poolkit/core/testing';
 * describeQueue('MyQueue', ({ capacity }) => new MyQueue({ capacity }), { capacities: [1, 8] });
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkQueue } from '../contracts.js';

/** Options of {@link describeQueue}. */
export interface DescribeQueueOptions {
  /**
   * The capacities to run the suite at, each in its own `describe` block. Include 0 if the queue
   * supports rendezvous and Infinity if it supports unbounded. Default `[1, 3]`.
   */
  readonly capacities?: readonly number[];
  /** fast-check runs of the model-based property, per capacity. Default 100. */
  readonly numRuns?: number;
}

/** Makes a fresh, empty, open queue of the given capacity. */
export type QueueFactory = (options: { capacity: number }) => WorkQueue<number>;

/** Lets every pending callback, microtask and timer-free continuation run. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Settled<T> =
  | { state: 'pending' }
  | { state: 'fulfilled'; value: T }
  | { state: 'rejected'; error: unknown };

/** Follows a promise so that a test can look at its state synchronously. */
function track<T>(promise: Promise<T>): { readonly current: Settled<T> } {
  const box: { current: Settled<T> } = { current: { state: 'pending' } };
  promise.then(
    (value) => {
      box.current = { state: 'fulfilled', value };
    },
    (error: unknown) => {
      box.current = { state: 'rejected', error };
    },
  );
  return box;
}

const errorName = (error: unknown): unknown => (error as { name?: unknown }).name;
const errorCode = (error: unknown): unknown => (error as { code?: unknown }).code;

/**
 * Registers a vitest suite checking the `WorkQueue` contract for queues made by `factory`:
 * FIFO order among equal priorities, push waiting while full, pop waiting while empty, close
 * waking pushers (QueueClosedError, code `ERR_QUEUE_CLOSED`) and poppers (`undefined`), drain,
 * async iteration, aborts (AbortError, nothing lost), tryPush/tryPop, size/capacity/closed, and a
 * fast-check model: a random sequence of operations never loses nor duplicates an item. When the
 * queue has the optional `remove`, it is checked too (order kept, room freed, false when absent
 * or already popped) and the model uses it.
 *
 * The queue may settle promises asynchronously; the suite waits a macrotask (`setImmediate`)
 * before looking. It must not need timers to make progress when nothing limits it.
 */
export function describeQueue(name: string, factory: QueueFactory, options: DescribeQueueOptions = {}): void {
  const capacities = options.capacities ?? [1, 3];
  const numRuns = options.numRuns ?? 100;

  describe(`${name} (WorkQueue conformance)`, () => {
    for (const capacity of capacities) {
      describe(`with capacity ${capacity}`, () => {
        const bounded = Number.isFinite(capacity);
        const make = (): WorkQueue<number> => factory({ capacity });
        const removable = typeof make().remove === 'function';
        // Tests that need a full queue exist only for bounded capacities, and tests of remove only
        // for queues that have it: such tests are not registered at all rather than reported as
        // skipped.
        const itIf = (condition: boolean): typeof it =>
          condition ? it : ((() => undefined) as unknown as typeof it);
        const itBounded = itIf(bounded);
        /** Fills a bounded queue to capacity with 0, 1, 2, … */
        const fill = (queue: WorkQueue<number>): void => {
          for (let i = 0; i < capacity; i++) expect(queue.tryPush(i)).toBe(true);
        };

        it('starts empty and open, with the capacity it was given', () => {
          const queue = make();
          expect(queue.size).toBe(0);
          expect(queue.capacity).toBe(capacity);
          expect(queue.closed).toBe(false);
          expect(queue.tryPop()).toBeUndefined();
        });

        it('pops items in push order when priorities are equal', async () => {
          const queue = make();
          const count = bounded ? capacity * 2 + 3 : 20;
          const pushes = Array.from({ length: count }, (_, i) => queue.push(i));
          const popped: (number | undefined)[] = [];
          for (let i = 0; i < count; i++) popped.push(await queue.pop());
          await Promise.all(pushes);
          expect(popped).toEqual(Array.from({ length: count }, (_, i) => i));
          expect(queue.size).toBe(0);
        });

        itBounded('a full queue makes push wait until a pop makes room', async () => {
          const queue = make();
          fill(queue);
          expect(queue.tryPush(-1)).toBe(false);
          const push = track(queue.push(100));
          await tick();
          expect(push.current.state).toBe('pending');
          expect(queue.size).toBe(capacity);
          expect(await queue.pop()).toBe(capacity === 0 ? 100 : 0);
          await tick();
          expect(push.current.state).toBe('fulfilled');
          const rest: (number | undefined)[] = [];
          while (queue.size > 0) rest.push(queue.tryPop());
          expect(rest).toEqual(
            capacity === 0 ? [] : [...Array.from({ length: capacity - 1 }, (_, i) => i + 1), 100],
          );
        });

        it('an empty queue makes pop wait until an item arrives', async () => {
          const queue = make();
          const pop = track(queue.pop());
          await tick();
          expect(pop.current.state).toBe('pending');
          expect(queue.tryPush(7)).toBe(true);
          await tick();
          expect(pop.current).toEqual({ state: 'fulfilled', value: 7 });
          expect(queue.size).toBe(0);
        });

        it('tryPush says false when full and tryPop undefined when empty', () => {
          const queue = make();
          expect(queue.tryPop()).toBeUndefined();
          if (bounded) {
            fill(queue);
            expect(queue.size).toBe(capacity);
            expect(queue.tryPush(99)).toBe(false);
            expect(queue.size).toBe(capacity);
            for (let i = 0; i < capacity; i++) expect(queue.tryPop()).toBe(i);
          } else {
            for (let i = 0; i < 5000; i++) expect(queue.tryPush(i)).toBe(true);
            expect(queue.size).toBe(5000);
            for (let i = 0; i < 5000; i++) expect(queue.tryPop()).toBe(i);
          }
          expect(queue.tryPop()).toBeUndefined();
          expect(queue.size).toBe(0);
        });

        itBounded('close rejects blocked pushers with QueueClosedError and keeps queued items', async () => {
          const queue = make();
          fill(queue);
          const push = track(queue.push(100));
          await tick();
          queue.close();
          await tick();
          expect(queue.closed).toBe(true);
          expect(push.current.state).toBe('rejected');
          if (push.current.state === 'rejected')
            expect(errorCode(push.current.error)).toBe('ERR_QUEUE_CLOSED');
          const rest: (number | undefined)[] = [];
          for (let i = 0; i < capacity; i++) rest.push(await queue.pop());
          expect(rest).toEqual(Array.from({ length: capacity }, (_, i) => i));
          expect(await queue.pop()).toBeUndefined();
        });

        it('close resolves blocked poppers with undefined', async () => {
          const queue = make();
          const pops = [track(queue.pop()), track(queue.pop())];
          await tick();
          queue.close();
          await tick();
          for (const pop of pops) expect(pop.current).toEqual({ state: 'fulfilled', value: undefined });
        });

        it('a closed queue refuses pushes and lets pops drain what is left', async () => {
          const queue = make();
          const first = [1, 2].slice(0, Math.min(2, capacity));
          for (const item of first) expect(queue.tryPush(item)).toBe(true);
          queue.close();
          queue.close(); // idempotent
          expect(queue.closed).toBe(true);
          expect(queue.tryPush(3)).toBe(false);
          await expect(queue.push(3)).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
          for (const item of first) expect(await queue.pop()).toBe(item);
          expect(await queue.pop()).toBeUndefined();
          expect(queue.tryPop()).toBeUndefined();
          expect(queue.size).toBe(0);
        });

        it('drain removes and returns every waiting item in pop order', async () => {
          const queue = make();
          const stored = bounded ? capacity : 10;
          for (let i = 0; i < stored; i++) expect(queue.tryPush(i)).toBe(true);
          expect(queue.drain()).toEqual(Array.from({ length: stored }, (_, i) => i));
          expect(queue.size).toBe(0);
          expect(queue.drain()).toEqual([]);
          expect(queue.tryPush(42)).toBe(capacity > 0);
          if (capacity > 0) expect(queue.tryPop()).toBe(42);
        });

        it('async iteration yields every item and ends once closed and empty', async () => {
          const queue = make();
          const seen: number[] = [];
          const consumer = (async () => {
            for await (const item of queue) seen.push(item);
          })();
          for (let i = 0; i < 10; i++) await queue.push(i);
          queue.close();
          await consumer;
          expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
        });

        itBounded('aborting a blocked push rejects with AbortError and queues nothing', async () => {
          const queue = make();
          fill(queue);
          const controller = new AbortController();
          const push = track(queue.push(100, { signal: controller.signal }));
          const after = track(queue.push(101));
          await tick();
          controller.abort();
          await tick();
          expect(push.current.state).toBe('rejected');
          if (push.current.state === 'rejected') expect(errorName(push.current.error)).toBe('AbortError');
          const popped: (number | undefined)[] = [];
          for (let i = 0; i <= capacity; i++) popped.push(await queue.pop());
          expect(popped).toEqual([...Array.from({ length: capacity }, (_, i) => i), 101]);
          await tick();
          expect(after.current.state).toBe('fulfilled');
          expect(queue.size).toBe(0);
        });

        it('aborting a blocked pop rejects with AbortError and loses no item', async () => {
          const queue = make();
          const controller = new AbortController();
          const pop = track(queue.pop(controller.signal));
          await tick();
          controller.abort();
          await tick();
          expect(pop.current.state).toBe('rejected');
          if (pop.current.state === 'rejected') expect(errorName(pop.current.error)).toBe('AbortError');
          const next = track(queue.pop());
          await tick();
          expect(queue.tryPush(5)).toBe(true);
          await tick();
          expect(next.current).toEqual({ state: 'fulfilled', value: 5 });
        });

        it('a popper whose signal aborted never receives an item, even before its abort listener ran', async () => {
          const queue = make();
          const controller = new AbortController();
          // This listener runs before the queue's own: the item arrives while the signal is
          // already aborted but the popper has not heard of it yet.
          controller.signal.addEventListener('abort', () => {
            queue.tryPush(9);
          });
          const pop = track(queue.pop(controller.signal));
          await tick();
          controller.abort();
          await tick();
          expect(pop.current.state).toBe('rejected');
          if (capacity > 0) expect(queue.tryPop()).toBe(9);
          expect(queue.size).toBe(0);
        });

        it('an already aborted signal rejects push and pop at once and changes nothing', async () => {
          const queue = make();
          const signal = AbortSignal.abort();
          await expect(queue.push(1, { signal })).rejects.toMatchObject({ name: 'AbortError' });
          expect(queue.size).toBe(0);
          if (capacity > 0) {
            expect(queue.tryPush(2)).toBe(true);
            await expect(queue.pop(signal)).rejects.toMatchObject({ name: 'AbortError' });
            expect(queue.size).toBe(1);
            expect(queue.tryPop()).toBe(2);
          } else {
            await expect(queue.pop(signal)).rejects.toMatchObject({ name: 'AbortError' });
          }
        });

        itIf(removable && capacity > 0)(
          'remove takes out a middle item and keeps the order of the rest',
          () => {
            const queue = make();
            const stored = Math.min(capacity, 5);
            for (let i = 0; i < stored; i++) expect(queue.tryPush(i)).toBe(true);
            const middle = stored >> 1;
            expect(queue.remove?.(middle)).toBe(true);
            expect(queue.size).toBe(stored - 1);
            expect(queue.remove?.(middle)).toBe(false);
            const rest = Array.from({ length: stored }, (_, i) => i).filter((i) => i !== middle);
            expect(queue.drain()).toEqual(rest);
          },
        );

        itIf(removable && bounded && capacity > 0)(
          'remove frees room at once for a blocked pusher',
          async () => {
            const queue = make();
            fill(queue);
            const push = track(queue.push(100));
            await tick();
            expect(push.current.state).toBe('pending');
            expect(queue.remove?.(0)).toBe(true);
            await tick();
            expect(push.current.state).toBe('fulfilled');
            expect(queue.size).toBe(capacity);
            expect(queue.drain()).toEqual([...Array.from({ length: capacity - 1 }, (_, i) => i + 1), 100]);
          },
        );

        itIf(removable)('remove of an item that is not in the queue is false and changes nothing', () => {
          const queue = make();
          expect(queue.remove?.(1)).toBe(false);
          const stored = bounded ? Math.min(capacity, 3) : 3;
          for (let i = 0; i < stored; i++) expect(queue.tryPush(i)).toBe(true);
          expect(queue.remove?.(99)).toBe(false);
          expect(queue.size).toBe(stored);
          expect(queue.drain()).toEqual(Array.from({ length: stored }, (_, i) => i));
        });

        itIf(removable)('remove of an item already popped is false', async () => {
          const queue = make();
          const pushes = [queue.push(1), queue.push(2)];
          expect(await queue.pop()).toBe(1);
          expect(queue.remove?.(1)).toBe(false);
          expect(await queue.pop()).toBe(2);
          await Promise.all(pushes);
          expect(queue.remove?.(2)).toBe(false);
          expect(queue.size).toBe(0);
        });

        it('a random sequence of operations never loses or duplicates an item', async () => {
          await fc.assert(
            fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 60 }), async (ops) => {
              await runModel(make(), capacity, ops);
            }),
            { numRuns },
          );
        });
      });
    }
  });
}

type Operation =
  | { kind: 'tryPush' | 'push' | 'pushAbortable' | 'tryPop' | 'pop' | 'popAbortable' | 'drain' | 'close' }
  | { kind: 'abort' | 'remove'; pick: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
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
async function runModel(
  queue: WorkQueue<number>,
  capacity: number,
  ops: readonly Operation[],
): Promise<void> {
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
      const item = buffer.shift() as number;
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
        expect(queue.tryPush(item)).toBe(accepted);
        break;
      }
      case 'push':
      case 'pushAbortable': {
        const item = nextItem++;
        const controller = op.kind === 'pushAbortable' ? new AbortController() : undefined;
        const pending: Pending = {
          id: item,
          controller,
          box: track(queue.push(item, controller ? { signal: controller.signal } : undefined)),
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
        expect(queue.tryPop()).toBe(take());
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
        const items = buffer.splice(0);
        out.push(...items);
        admit();
        expect(queue.drain()).toEqual(items);
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
          buffer.splice(index, 1);
          removed.add(item);
          admit();
        }
        expect(queue.remove(item)).toBe(present);
        break;
      }
    }
    await tick();
    expect(queue.size).toBe(buffer.length);
    expect(queue.closed).toBe(closed);
    for (const [pending, want] of expected) {
      const got = pending.box.current;
      if (want.state === 'rejected') {
        expect(got.state).toBe('rejected');
        if (got.state === 'rejected') {
          expect(want.error === 'AbortError' ? errorName(got.error) : errorCode(got.error)).toBe(want.error);
        }
      } else {
        expect(got).toEqual(want);
      }
    }
  }

  // Finish: close, take what is left, and account for every item.
  queue.close();
  closeModel();
  const rest = buffer.splice(0);
  expect(queue.drain()).toEqual(rest);
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
  expect(left.size + refused.size + removed.size).toBe(nextItem); // nothing lost
  // Equal priorities: items leave in the order they were pushed.
  expect(out).toEqual([...out].sort((a, b) => a - b));
}
