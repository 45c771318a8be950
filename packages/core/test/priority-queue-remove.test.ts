import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriorityQueue } from '../src/priority-queue.js';

describe('PriorityQueue.remove', () => {
  it('keeps the highest priority first and equal priorities in push order', () => {
    const queue = new PriorityQueue<string>();
    queue.tryPush('low', { priority: -1 });
    queue.tryPush('first');
    queue.tryPush('urgent', { priority: 10 });
    queue.tryPush('second');
    queue.tryPush('third');
    expect(queue.remove('urgent')).toBe(true);
    expect(queue.remove('second')).toBe(true);
    expect(queue.remove('second')).toBe(false);
    expect(queue.drain()).toEqual(['first', 'third', 'low']);
  });

  it('pops what is left in the order of a stable sort by descending priority, after any removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (priorities, picks) => {
          const queue = new PriorityQueue<number>({ capacity: Number.POSITIVE_INFINITY });
          for (const [i, priority] of priorities.entries()) queue.tryPush(i, { priority });
          const left = priorities.map((_, i) => i);
          for (const pick of picks) {
            if (left.length === 0) break;
            const [item] = left.splice(pick % left.length, 1);
            expect(queue.remove(item)).toBe(true);
          }
          expect(queue.size).toBe(left.length);
          const popped: number[] = [];
          while (queue.size > 0) popped.push(queue.tryPop() as number);
          expect(popped).toEqual(left.sort((a, b) => priorities[b] - priorities[a] || a - b));
        },
      ),
    );
  });

  it('a pusher let in by a removal joins the heap with its own priority', async () => {
    const queue = new PriorityQueue<string>({ capacity: 2 });
    queue.tryPush('a', { priority: 1 });
    queue.tryPush('b', { priority: 2 });
    const push = queue.push('c', { priority: 5 });
    expect(queue.remove('a')).toBe(true);
    await push;
    expect(queue.drain()).toEqual(['c', 'b']);
  });
});
