import { describe, expect, it } from 'vitest';
import { describeQueue, LIFO } from '../src/testing/index.js';
import { LifoQueue } from './fixtures/lifo-queue.js';

// A queue that declares LIFO order passes every check; the FIFO-only ones are skipped, by name.
describeQueue('LifoQueue', ({ capacity }) => new LifoQueue<number>(capacity), {
  order: LIFO,
  capacities: [0, 1, 3, Number.POSITIVE_INFINITY],
  numRuns: 50,
});

describe('a LIFO queue, checked as what it is', () => {
  it('pops the newest waiting item first', () => {
    const queue = new LifoQueue<number>(4);
    for (const item of [1, 2, 3]) queue.tryPush(item);
    expect([queue.tryPop(), queue.tryPop(), queue.tryPop()]).toEqual([3, 2, 1]);
  });
});
