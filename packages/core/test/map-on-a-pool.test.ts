import { describe, expect, it } from 'vitest';
import { map, Pool, TaskTimeoutError } from '../src/index.js';
import { settle, tick, untilAborted } from './fork-join-helpers.js';

// map() runs its own engine, not a Pool; what a Pool adds (timeouts, retries, priorities, rate
// limits, stats) comes from mapping over pool.submit. These check that composition.

describe('map() over pool.submit', () => {
  it("a pool's timeout applies to the items of map(inputs, (x) => pool.submit(x))", async () => {
    const aborted: number[] = [];
    const pool = new Pool({
      executor: async (n: number, ctx) => {
        if (n === 2) {
          await untilAborted(ctx.signal);
          aborted.push(n);
        }
        return n * 10;
      },
      concurrency: 2,
      timeout: 50,
    });
    const seen: number[] = [];
    const result = await settle(
      (async () => {
        for await (const v of map([0, 1, 2, 3], (x: number, { signal }) => pool.submit(x, { signal }), {
          concurrency: 2,
        })) {
          seen.push(v);
        }
      })(),
    );
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error).toBeInstanceOf(TaskTimeoutError);
    expect((result as { error: TaskTimeoutError }).error.code).toBe('ERR_TASK_TIMEOUT');
    expect(seen).toEqual([0, 10]);
    expect(aborted).toEqual([2]);
    await pool.close();
    expect(pool.stats.failed).toBe(1);
  });

  it('leaving the loop early cancels the pool tasks it started, through the signal it passes on', async () => {
    const pool = new Pool({
      executor: async (n: number, ctx) => {
        if (n > 0) await untilAborted(ctx.signal);
        return n;
      },
      concurrency: 4,
    });
    for await (const v of map([0, 1, 2, 3], (x: number, { signal }) => pool.submit(x, { signal }), {
      concurrency: 4,
    })) {
      expect(v).toBe(0);
      break;
    }
    await tick();
    await pool.close();
    expect(pool.stats.succeeded).toBe(1);
    expect(pool.stats.cancelled).toBe(3);
  });
});
