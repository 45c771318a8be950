/**
 * Regression (issue 25 §3): an executor whose result has a `then` that cannot be read (a strict
 * Proxy, a revoked Proxy) or that throws left its task `running` for ever — the pool never got
 * idle and close() never resolved — and with timeout + retries the retry's timer threw the
 * user's error as an uncaught exception. Each now fails its try as `await` would.
 */
import { describe, expect, it } from 'vitest';
import { Pool, run } from '../src/index.js';
import { addsUp, revoked as revokedProxy } from './helpers.js';

function strictProxy(): object {
  return new Proxy(
    {},
    {
      get(_target, key) {
        throw new RangeError(`strict: no property ${String(key)}`);
      },
    },
  );
}

function throwingThen(): object {
  return {
    // biome-ignore lint/suspicious/noThenProperty: the point of the test is a hostile thenable
    then() {
      throw new SyntaxError('then() threw');
    },
  };
}

const hostile: Array<[string, () => object, string]> = [
  ['a strict Proxy', strictProxy, 'RangeError'],
  ['a revoked Proxy', revokedProxy, 'TypeError'],
  ['an object whose then() throws', throwingThen, 'SyntaxError'],
];

describe('a result whose then cannot be read', () => {
  for (const [what, make, errorName] of hostile) {
    it(`${what}: submit() rejects, the task settles, the pool gets idle and close() resolves`, async () => {
      const pool = new Pool<number, unknown>({ executor: () => make(), concurrency: 2 });
      const outcomes = await Promise.allSettled([pool.submit(1), pool.submit(2), pool.submit(3)]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toHaveProperty('name', errorName);
      }
      expect(pool.stats).toMatchObject({ running: 0, failed: 3, waiting: 0 });
      expect(addsUp(pool.stats)).toBe(true);
      await pool.onIdle();
      await pool.close();
      expect(pool.state).toBe('closed');
    });

    it(`${what} with timeout and retries: every try fails, none escapes as an uncaught exception`, async () => {
      let calls = 0;
      const pool = new Pool<number, unknown>({
        executor: () => {
          calls++;
          return make();
        },
        timeout: 1_000,
        retries: { attempts: 3, backoff: 1 },
      });
      await expect(pool.submit(1)).rejects.toHaveProperty('name', errorName);
      expect(calls).toBe(3);
      expect(pool.stats).toMatchObject({ running: 0, failed: 1 });
      await pool.close();
    });

    it(`${what} from run()'s executor: every outcome is a failure and run() settles`, async () => {
      const outcomes: boolean[] = [];
      const summary = await run({
        producer: [1, 2, 3, 4],
        executor: () => make() as never,
        collector: (outcome) => {
          outcomes.push(outcome.ok);
        },
      });
      expect(outcomes).toEqual([false, false, false, false]);
      expect(summary).toMatchObject({ failed: 4 });
    });

    it(`${what} through submitAll and a batching backend's run(): settles as failed`, async () => {
      const backend = {
        name: 'hostile',
        concurrency: 2,
        run: () => make() as Promise<unknown>,
        runMany: () => make() as Promise<never>,
        close: async () => {},
      };
      const pool = new Pool<number, unknown>({ backend });
      const outcomes = await pool.submitAll([1, 2, 3, 4, 5, 6]);
      expect(outcomes.every((o) => !o.ok)).toBe(true);
      expect(pool.stats).toMatchObject({ running: 0, failed: 6 });
      await pool.close();
    });
  }
});
