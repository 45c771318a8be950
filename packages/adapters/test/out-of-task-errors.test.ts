import { Pool, WorkerCrashedError } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend } from './helpers.js';

/** Resolves with the first `'error'` the pool emits, with its input. */
function nextError(pool: Pool): Promise<{ error: unknown; input: unknown }> {
  return new Promise((resolve) => pool.once('error', (error, input) => resolve({ error, input })));
}

describe("errors outside any task reach the pool's 'error' event", () => {
  it('an uncaught exception in a timer a task left behind', async () => {
    const pool = new Pool({ backend: backend({ threads: 1, atomics: 'async' }) });
    const errored = nextError(pool);
    // 200 ms: long enough that even a loaded main thread reads the answer before the thread dies.
    expect(await pool.submit({ ms: 200, message: 'thrown after the task' }, { task: 'throwLater' })).toBe(
      'returned',
    );
    const { error, input } = await errored;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ code: 'ERR_WORKER_CRASHED' });
    expect((error as Error).message).toMatch(/outside any task: thrown after the task/);
    expect(((error as Error).cause as Error).message).toBe('thrown after the task');
    expect(input).toBeUndefined();
    // The thread was replaced: the pool goes on, and no task failed.
    expect(await pool.submit(21)).toBe(42);
    expect(pool.stats).toMatchObject({ succeeded: 2, failed: 0 });
    await pool.close();
  });

  it('an unhandled rejection after the task returned', async () => {
    const pool = new Pool({ backend: backend({ threads: 1, atomics: 'async' }) });
    const errored = nextError(pool);
    await pool.submit('rejected after the task', { task: 'rejectLater' });
    const { error } = await errored;
    expect(error).toMatchObject({ code: 'ERR_WORKER_CRASHED' });
    expect((error as Error).message).toMatch(/rejected after the task/);
    // The replacement thread works. (Closing while it still starts up is fine too, but from
    // sources its `--import tsx` leaves one OS thread behind, which test/setup.ts would flag:
    // see the README, "Under faults".)
    expect(await pool.submit(5)).toBe(10);
    await pool.close();
  });

  it('a direct backend user subscribes with onError; unsubscribing stops the calls', async () => {
    const b = backend({ threads: 1, atomics: 'async' });
    const seen: Error[] = [];
    const unsubscribe = b.onError((error) => seen.push(error));
    const { neverAborted } = await import('@poolkit/core');
    // The throw comes 200 ms after the answer: with 1 ms, a loaded main thread (CI, Node 26 at
    // load ≈ 8) saw the thread's death before it read the answer, and the task failed as crashed.
    await b.run({ ms: 200, message: 'one' }, { task: 'throwLater', signal: neverAborted });
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(1);
    unsubscribe();
    await b.run({ ms: 200, message: 'two' }, { task: 'throwLater', signal: neverAborted });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(seen.map((e) => e.message)).toEqual([expect.stringMatching(/one$/)]);
    expect(() => b.onError(42 as never)).toThrow(TypeError);
  });
});

describe('atomics', () => {
  async function timerFired(atomics: 'sync' | 'async' | 'disabled' | undefined): Promise<number> {
    const counts = new Int32Array(new SharedArrayBuffer(4));
    const pool = new Pool({
      backend: backend(atomics === undefined ? { threads: 1 } : { threads: 1, atomics }),
    });
    await pool.submit({ counts, ms: 20 }, { task: 'bumpLater' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fired = Atomics.load(counts, 0);
    await pool.close();
    return fired;
  }

  it("'async' (the default here) and 'disabled' keep an idle thread's event loop running: its timers fire", async () => {
    expect(await timerFired('async')).toBe(1);
    expect(await timerFired(undefined)).toBe(1);
    expect(await timerFired('disabled')).toBe(1);
  });

  it("'sync' (piscina's default) parks an idle thread: its timers wait for the next task", async () => {
    expect(await timerFired('sync')).toBe(0);
  });
});
