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
import { describeRemove } from './describe-queue-remove.js';
import { operation, runModel } from './queue-model.js';
import { FIFO, OrderedBuffer, type QueueOrder } from './queue-order.js';
import { errorCode, errorName, tick, track } from './queue-probes.js';

/** Options of {@link describeQueue}. */
export interface DescribeQueueOptions {
  /**
   * The capacities to run the suite at, each in its own `describe` block. Include 0 if the queue
   * supports rendezvous and Infinity if it supports unbounded. Default `[1, 3]`.
   */
  readonly capacities?: readonly number[];
  /** fast-check runs of the model-based property, per capacity. Default 100. */
  readonly numRuns?: number;
  /**
   * The order the queue pops in ({@link FIFO}, {@link LIFO}, or your own {@link QueueOrder}).
   * Checks that only hold for FIFO are named "(FIFO order)" and skipped for another order; every
   * other check expects the declared order. Default FIFO.
   */
  readonly order?: QueueOrder;
}

/** Makes a fresh, empty, open queue of the given capacity. */
export type QueueFactory = (options: { capacity: number }) => WorkQueue<number>;

/**
 * Registers a vitest suite checking the `WorkQueue` contract for queues made by `factory`: pops
 * in the declared order (FIFO unless `order` says otherwise), push waiting while full, pop waiting
 * while empty, close waking pushers (QueueClosedError, code `ERR_QUEUE_CLOSED`) and poppers
 * (`undefined`), drain, async iteration, aborts (AbortError, nothing lost), tryPush/tryPop,
 * size/capacity/closed, and a fast-check model: a random sequence of operations never loses nor
 * duplicates an item and pops in the declared order. When the queue has the optional `remove`,
 * it is checked too (order kept, room freed, false when absent or already popped) and the model
 * uses it; otherwise those checks are reported as skipped.
 *
 * The queue may settle promises asynchronously; the suite waits a macrotask (`setImmediate`)
 * before looking. It must not need timers to make progress when nothing limits it.
 */
export function describeQueue(name: string, factory: QueueFactory, options: DescribeQueueOptions = {}): void {
  const capacities = options.capacities ?? [1, 3];
  const numRuns = options.numRuns ?? 100;
  const order = options.order ?? FIFO;
  const fifo = order.fifo === true;

  describe(`${name} (WorkQueue conformance, ${order.name} order)`, () => {
    for (const capacity of capacities) {
      describe(`with capacity ${capacity}`, () => {
        const bounded = Number.isFinite(capacity);
        const make = (): WorkQueue<number> => factory({ capacity });
        const removable = typeof make().remove === 'function';
        /** A check registered as skipped, with its reason in its name, when `skip` is a reason. */
        const check =
          (title: string, skip: string | false = false) =>
          (body: () => void | Promise<void>): void => {
            if (skip === false) it(title, body);
            else it.skip(`${title} — skipped: ${skip}`, body);
          };
        const notBounded = bounded ? false : 'the queue is unbounded at this capacity';
        const noRemove = removable ? false : 'the queue has no remove()';
        const notFifo = fifo ? false : `the queue declares ${order.name} order`;
        const reference = () => new OrderedBuffer(order, capacity);
        const push = (queue: WorkQueue<number>, item: number, signal?: AbortSignal) =>
          queue.push(item, { ...order.pushOptions?.(item), ...(signal && { signal }) });
        const tryPush = (queue: WorkQueue<number>, item: number) =>
          queue.tryPush(item, order.pushOptions?.(item));
        /** Fills a bounded queue to capacity with 0, 1, 2, …; returns the reference holding the same. */
        const fill = (queue: WorkQueue<number>, count = capacity): OrderedBuffer => {
          const model = reference();
          for (let i = 0; i < count; i++) {
            expect(tryPush(queue, i), `tryPush(${i}) into a queue holding ${i} of ${capacity}`).toBe(true);
            model.push(i);
          }
          return model;
        };

        it('starts empty and open, with the capacity it was given', () => {
          const queue = make();
          expect(queue.size, 'size').toBe(0);
          expect(queue.capacity, 'capacity').toBe(capacity);
          expect(queue.closed, 'closed').toBe(false);
          expect(queue.tryPop(), 'tryPop() of a new queue').toBeUndefined();
        });

        check(
          'pops items in push order when priorities are equal (FIFO order)',
          notFifo,
        )(async () => {
          const queue = make();
          const count = bounded ? capacity * 2 + 3 : 20;
          const pushes = Array.from({ length: count }, (_, i) => push(queue, i));
          const popped: (number | undefined)[] = [];
          for (let i = 0; i < count; i++) popped.push(await queue.pop());
          await Promise.all(pushes);
          expect(popped, 'items popped, in push order').toEqual(Array.from({ length: count }, (_, i) => i));
          expect(queue.size).toBe(0);
        });

        it(`pops stored items in ${order.name} order`, async () => {
          const queue = make();
          const count = bounded ? Math.min(capacity, 10) : 20;
          const model = fill(queue, count);
          const popped: (number | undefined)[] = [];
          for (let i = 0; i < count; i++) popped.push(await queue.pop());
          expect(popped, `items popped (${order.name} order)`).toEqual(model.popAll());
        });

        check(
          'a full queue makes push wait until a pop makes room',
          notBounded,
        )(async () => {
          const queue = make();
          const model = fill(queue);
          expect(tryPush(queue, -1), 'tryPush() into a full queue').toBe(false);
          const pushed = track(push(queue, 100));
          model.push(100);
          await tick();
          expect(pushed.current.state, 'a push into a full queue').toBe('pending');
          expect(queue.size, 'size of a full queue').toBe(capacity);
          expect(await queue.pop(), `the first pop (${order.name} order)`).toBe(model.pop());
          await tick();
          expect(pushed.current.state, 'the waiting push after a pop made room').toBe('fulfilled');
          const rest: (number | undefined)[] = [];
          while (queue.size > 0) rest.push(queue.tryPop());
          expect(rest, `the rest (${order.name} order)`).toEqual(model.popAll());
        });

        it('an empty queue makes pop wait until an item arrives', async () => {
          const queue = make();
          const pop = track(queue.pop());
          await tick();
          expect(pop.current.state, 'a pop of an empty queue').toBe('pending');
          expect(tryPush(queue, 7), 'tryPush() with a popper waiting').toBe(true);
          await tick();
          expect(pop.current, 'the waiting pop').toEqual({ state: 'fulfilled', value: 7 });
          expect(queue.size).toBe(0);
        });

        it('tryPush says false when full and tryPop undefined when empty', () => {
          const queue = make();
          expect(queue.tryPop(), 'tryPop() of an empty queue').toBeUndefined();
          const model = fill(queue, bounded ? capacity : 5000);
          if (bounded) {
            expect(queue.size).toBe(capacity);
            expect(tryPush(queue, 99999), 'tryPush() into a full queue').toBe(false);
            expect(queue.size).toBe(capacity);
          } else {
            expect(queue.size).toBe(5000);
          }
          const popped: (number | undefined)[] = [];
          while (queue.size > 0) popped.push(queue.tryPop());
          expect(popped, `items tryPop()ped (${order.name} order)`).toEqual(model.popAll());
          expect(queue.tryPop(), 'tryPop() of an emptied queue').toBeUndefined();
          expect(queue.size).toBe(0);
        });

        check(
          'close rejects blocked pushers with QueueClosedError and keeps queued items',
          notBounded,
        )(async () => {
          const queue = make();
          const model = fill(queue);
          const pushed = track(push(queue, 100));
          await tick();
          queue.close();
          await tick();
          expect(queue.closed).toBe(true);
          expect(pushed.current.state, 'a push waiting when the queue closed').toBe('rejected');
          if (pushed.current.state === 'rejected') {
            expect(errorCode(pushed.current.error), 'the waiting push rejected with').toBe(
              'ERR_QUEUE_CLOSED',
            );
          }
          const rest: (number | undefined)[] = [];
          for (let i = 0; i < capacity; i++) rest.push(await queue.pop());
          expect(rest, `items left after close (${order.name} order)`).toEqual(model.popAll());
          expect(await queue.pop(), 'a pop of a closed, empty queue').toBeUndefined();
        });

        it('close resolves blocked poppers with undefined', async () => {
          const queue = make();
          const pops = [track(queue.pop()), track(queue.pop())];
          await tick();
          queue.close();
          await tick();
          for (const pop of pops)
            expect(pop.current, 'a pop waiting at close').toEqual({ state: 'fulfilled', value: undefined });
        });

        it('a closed queue refuses pushes and lets pops drain what is left', async () => {
          const queue = make();
          const model = reference();
          for (const item of [1, 2].slice(0, Math.min(2, capacity))) {
            expect(tryPush(queue, item)).toBe(true);
            model.push(item);
          }
          queue.close();
          queue.close(); // idempotent
          expect(queue.closed).toBe(true);
          expect(tryPush(queue, 3), 'tryPush() into a closed queue').toBe(false);
          await expect(push(queue, 3), 'push() into a closed queue').rejects.toMatchObject({
            code: 'ERR_QUEUE_CLOSED',
          });
          for (const item of model.popAll())
            expect(await queue.pop(), `a pop after close (${order.name} order)`).toBe(item);
          expect(await queue.pop()).toBeUndefined();
          expect(queue.tryPop()).toBeUndefined();
          expect(queue.size).toBe(0);
        });

        it('drain removes and returns every waiting item in pop order', async () => {
          const queue = make();
          const model = fill(queue, bounded ? capacity : 10);
          expect(queue.drain(), `drain() (${order.name} order)`).toEqual(model.drain());
          expect(queue.size).toBe(0);
          expect(queue.drain(), 'drain() of an empty queue').toEqual([]);
          expect(tryPush(queue, 42)).toBe(capacity > 0);
          if (capacity > 0) expect(queue.tryPop()).toBe(42);
        });

        it('async iteration yields every item and ends once closed and empty', async () => {
          const queue = make();
          const seen: number[] = [];
          const consumer = (async () => {
            for await (const item of queue) seen.push(item);
          })();
          for (let i = 0; i < 10; i++) await push(queue, i);
          queue.close();
          await consumer;
          const all = Array.from({ length: 10 }, (_, i) => i);
          // Which of the items waiting at once comes first is the order's business; all must come.
          expect(fifo ? seen : [...seen].sort((a, b) => a - b), 'items iterated').toEqual(all);
        });

        check(
          'aborting a blocked push rejects with AbortError and queues nothing',
          notBounded,
        )(async () => {
          const queue = make();
          const model = fill(queue);
          const controller = new AbortController();
          const aborted = track(push(queue, 100, controller.signal));
          const after = track(push(queue, 101));
          model.push(101);
          await tick();
          controller.abort();
          await tick();
          expect(aborted.current.state, 'the aborted push').toBe('rejected');
          if (aborted.current.state === 'rejected')
            expect(errorName(aborted.current.error)).toBe('AbortError');
          const popped: (number | undefined)[] = [];
          for (let i = 0; i <= capacity; i++) popped.push(await queue.pop());
          expect(popped, `items popped (${order.name} order), without the aborted push`).toEqual(
            model.popAll(),
          );
          await tick();
          expect(after.current.state, 'the push after the aborted one').toBe('fulfilled');
          expect(queue.size).toBe(0);
        });

        it('aborting a blocked pop rejects with AbortError and loses no item', async () => {
          const queue = make();
          const controller = new AbortController();
          const pop = track(queue.pop(controller.signal));
          await tick();
          controller.abort();
          await tick();
          expect(pop.current.state, 'the aborted pop').toBe('rejected');
          if (pop.current.state === 'rejected') expect(errorName(pop.current.error)).toBe('AbortError');
          const next = track(queue.pop());
          await tick();
          expect(tryPush(queue, 5)).toBe(true);
          await tick();
          expect(next.current, 'the pop after the aborted one').toEqual({ state: 'fulfilled', value: 5 });
        });

        it('a popper whose signal aborted never receives an item, even before its abort listener ran', async () => {
          const queue = make();
          const controller = new AbortController();
          // This listener runs before the queue's own: the item arrives while the signal is
          // already aborted but the popper has not heard of it yet.
          controller.signal.addEventListener('abort', () => {
            tryPush(queue, 9);
          });
          const pop = track(queue.pop(controller.signal));
          await tick();
          controller.abort();
          await tick();
          expect(pop.current.state, 'the aborted pop').toBe('rejected');
          if (capacity > 0) expect(queue.tryPop(), 'the item pushed as the pop aborted').toBe(9);
          expect(queue.size).toBe(0);
        });

        it('an already aborted signal rejects push and pop at once and changes nothing', async () => {
          const queue = make();
          const signal = AbortSignal.abort();
          await expect(push(queue, 1, signal), 'push() with an aborted signal').rejects.toMatchObject({
            name: 'AbortError',
          });
          expect(queue.size).toBe(0);
          if (capacity > 0) {
            expect(tryPush(queue, 2)).toBe(true);
            await expect(queue.pop(signal), 'pop() with an aborted signal').rejects.toMatchObject({
              name: 'AbortError',
            });
            expect(queue.size).toBe(1);
            expect(queue.tryPop()).toBe(2);
          } else {
            await expect(queue.pop(signal), 'pop() with an aborted signal').rejects.toMatchObject({
              name: 'AbortError',
            });
          }
        });

        describeRemove({
          check,
          make,
          fill,
          reference,
          push,
          capacity,
          order,
          skip: { noRemove, notBounded },
        });

        it(`a random sequence of operations never loses or duplicates an item, and pops in ${order.name} order`, async () => {
          await fc.assert(
            fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 60 }), async (ops) => {
              await runModel(make(), capacity, order, ops);
            }),
            { numRuns },
          );
        });
      });
    }
  });
}
