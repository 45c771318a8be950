import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriorityQueue } from '../src/priority-queue.js';
import { describeQueue } from '../src/testing/describe-queue.js';

describeQueue('PriorityQueue', ({ capacity }) => new PriorityQueue<number>({ capacity }), {
  capacities: [0, 1, 3, 64, Number.POSITIVE_INFINITY],
});

describe('PriorityQueue', () => {
  it('pops the highest priority first and equal priorities in push order', () => {
    const queue = new PriorityQueue<string>();
    queue.tryPush('low', { priority: -1 });
    queue.tryPush('first');
    queue.tryPush('urgent', { priority: 10 });
    queue.tryPush('second', { priority: 0 });
    expect([queue.tryPop(), queue.tryPop(), queue.tryPop(), queue.tryPop()]).toEqual([
      'urgent',
      'first',
      'second',
      'low',
    ]);
    expect(queue.tryPop()).toBeUndefined();
  });

  it('pops in the order of a stable sort by descending priority', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 200 }), (priorities) => {
        const queue = new PriorityQueue<number>({ capacity: Number.POSITIVE_INFINITY });
        for (const [i, priority] of priorities.entries()) queue.tryPush(i, { priority });
        const popped: number[] = [];
        while (queue.size > 0) popped.push(queue.tryPop() as number);
        const expected = priorities.map((_, i) => i).sort((a, b) => priorities[b] - priorities[a]);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('keeps the order across interleaved pushes, pops and drains', () => {
    type Op = { push: number } | { pop: true } | { drain: true };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((push) => ({ push })),
      fc.constant({ pop: true as const }),
      fc.constant({ drain: true as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const queue = new PriorityQueue<number>({ capacity: 50 });
        const model: { id: number; priority: number }[] = [];
        let id = 0;
        for (const o of ops) {
          if ('push' in o) {
            const accepted = model.length < 50;
            expect(queue.tryPush(id, { priority: o.push })).toBe(accepted);
            if (accepted) model.push({ id, priority: o.push });
            id++;
          } else {
            // Stable sort: equal priorities stay in push order.
            model.sort((a, b) => b.priority - a.priority);
            if ('pop' in o) expect(queue.tryPop()).toBe(model.shift()?.id);
            else expect(queue.drain()).toEqual(model.splice(0).map((entry) => entry.id));
          }
          expect(queue.size).toBe(model.length);
        }
      }),
    );
  });

  it('a blocked pusher joins with its priority once a pop makes room', async () => {
    const queue = new PriorityQueue<string>({ capacity: 2 });
    queue.tryPush('a', { priority: 1 });
    queue.tryPush('b', { priority: 2 });
    const blocked = queue.push('c', { priority: 5 });
    expect(queue.tryPop()).toBe('b');
    await blocked;
    expect(queue.drain()).toEqual(['c', 'a']);
  });

  describe('validation', () => {
    it.each([
      [Number.NaN, TypeError, /priority.*NaN/],
      ['1', TypeError, /priority.*"1"/],
      [Number.POSITIVE_INFINITY, RangeError, /priority.*Infinity/],
    ])('rejects priority %s naming the option and the value', async (priority, type, message) => {
      const queue = new PriorityQueue<number>();
      expect(() => queue.tryPush(1, { priority: priority as number })).toThrow(type);
      expect(() => queue.tryPush(1, { priority: priority as number })).toThrow(message);
      await expect(queue.push(1, { priority: priority as number })).rejects.toThrow(message);
      expect(queue.size).toBe(0);
    });

    it('rejects a capacity that is not an integer ≥ 0 or Infinity', () => {
      expect(() => new PriorityQueue({ capacity: -2 })).toThrow(/capacity.*-2/);
      expect(() => new PriorityQueue({ capacity: 0.5 })).toThrow(RangeError);
    });

    it('defaults to a capacity of 1024', () => {
      expect(new PriorityQueue().capacity).toBe(1024);
    });
  });
});
