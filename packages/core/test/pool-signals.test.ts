import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Backend, neverAborted, Pool, type RunOptions } from '../src/index.js';

/** A backend that records the options of every run. */
function recordingBackend(): Backend<number, number> & { seen: RunOptions[] } {
  const seen: RunOptions[] = [];
  return {
    name: 'recording',
    concurrency: 4,
    seen,
    run: async (n, options) => {
      seen.push(options);
      return n;
    },
    close: async () => {},
  };
}

/** A backend whose tasks never settle on their own; `seen` is the signal of the last run. */
function hangingBackend(): Backend<number, number> & { seen: AbortSignal | undefined } {
  const backend: Backend<number, number> & { seen: AbortSignal | undefined } = {
    name: 'hanging',
    concurrency: 1,
    seen: undefined,
    run: (_n, options) => {
      backend.seen = options.signal;
      return new Promise(() => {});
    },
    close: async () => {},
  };
  return backend;
}

describe('the signal a backend receives', () => {
  it('is one stop signal shared by every try that only a force-stop can cancel, per pool', async () => {
    const backend = recordingBackend();
    const pool = new Pool({ backend });
    const other = new Pool({ backend: recordingBackend() });
    await Promise.all([pool.submit(1), pool.submit(2), other.submit(3)]);
    const [first, second] = backend.seen.map((o) => o.signal);
    expect(first).toBe(second);
    expect(first).not.toBe(neverAborted);
    expect(first.aborted).toBe(false);
    await pool.close();
    await other.close();
    expect(first.aborted).toBe(false); // a graceful close cancels nothing
  });

  it('the shared stop signal aborts with a PoolStoppedError on stop({ force: true })', async () => {
    const backend = hangingBackend();
    const pool = new Pool<number, number>({ backend });
    const running = pool.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    await pool.stop({ force: true });
    await expect(running).rejects.toMatchObject({ code: 'ERR_POOL_STOPPED' });
    expect(backend.seen?.aborted).toBe(true);
    expect((backend.seen!.reason as { code?: string }).code).toBe('ERR_POOL_STOPPED');
    expect(neverAborted.aborted).toBe(false);
  });

  it('is a signal of its own for a try with a timeout or a task signal, and it aborts on timeout', async () => {
    const backend = recordingBackend();
    const pool = new Pool({ backend });
    await pool.submit(1, { timeout: 1000 });
    await pool.submit(2, { signal: new AbortController().signal });
    const [timed, signalled] = backend.seen.map((o) => o.signal);
    expect(timed).not.toBe(neverAborted);
    expect(signalled).not.toBe(neverAborted);
    expect(timed).not.toBe(signalled);
    await pool.close();

    const hangingOne = hangingBackend();
    const hanging = new Pool<number, number>({ backend: hangingOne, timeout: 10 });
    await expect(hanging.submit(1)).rejects.toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    expect(hangingOne.seen?.aborted).toBe(true);
    expect((hangingOne.seen!.reason as { code?: string }).code).toBe('ERR_TASK_TIMEOUT');
    await hanging.close();
    expect(neverAborted.aborted).toBe(false);
  });

  it('a pool-wide timeout makes every try cancellable', async () => {
    const backend = recordingBackend();
    const pool = new Pool({ backend, timeout: 5000 });
    await pool.submit(1);
    expect(backend.seen[0].signal).not.toBe(neverAborted);
    await pool.close();
  });
});

describe('the pool signal', () => {
  it('an already-aborted pool signal refuses even a task submitted in the same tick', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n, signal: AbortSignal.abort() });
    await expect(pool.submit(1)).rejects.toMatchObject({ code: 'ERR_POOL_STOPPED' });
    expect(pool.stats.submitted).toBe(0);
    await pool.close();
    expect(pool.state).toBe('closed');
  });

  it('a closed pool stops listening to its signal (a long-lived signal keeps no closed pool alive)', async () => {
    const controller = new AbortController();
    const listeners = () => getEventListeners(controller.signal, 'abort').length;
    const pools = Array.from(
      { length: 3 },
      () => new Pool<number, number>({ executor: (n) => n, signal: controller.signal }),
    );
    expect(listeners()).toBe(3);
    await Promise.all(pools.map((p) => p.close()));
    expect(listeners()).toBe(0);
  });
});
