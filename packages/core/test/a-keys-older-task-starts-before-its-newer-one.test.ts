/**
 * Regression: with a pop() pending (every key with waiting tasks at its keyConcurrency, a slot
 * free), a key's task handed straight to that pop was overtaken by the same key's next task, which
 * the pump took from the queue before the pop delivered the first: a FairQueue's first in, first
 * out within a key broke at the Pool. Feed.take now starts tasks in transit first.
 */
import { expect, it } from 'vitest';
import { FairQueue, Pool } from '../src/index.js';
import { gatedExecutor, tick } from './helpers.js';

it("a key's older task starts before its newer one, even when the older went to a pending pop", async () => {
  const gated = gatedExecutor<string>();
  const queue = new FairQueue({ keyConcurrency: (key) => (key === 'a' ? 2 : 1) });
  const pool = new Pool({ executor: gated.executor, concurrency: 2, queue });
  const done = ['b1', 'b2', 'a1', 'a2'].map((name) => pool.submit(name, { key: name[0] }));
  await tick();
  pool.concurrency = 3;
  await tick();
  // b2 waits behind b1 (b's limit); a1 went to the pop the free slot kept pending, a2 to the queue.
  expect(gated.started).toEqual(['b1', 'a1', 'a2']);
  while (gated.inFlight > 0) {
    gated.releaseAll();
    await tick();
  }
  await Promise.all(done);
  expect(gated.started).toEqual(['b1', 'a1', 'a2', 'b2']);
  expect(queue.keyCount).toBe(0);
  await pool.close();
});
