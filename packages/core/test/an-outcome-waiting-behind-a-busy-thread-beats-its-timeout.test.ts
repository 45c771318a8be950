/**
 * Regression (issue 25 §1, found by an adversarial run under CPU load): a task that finished in
 * 3 ms failed a 50 ms timeout because the main thread was busy — when it came back, the timer
 * ran first and the answer, already waiting in the I/O queue, came second. The time an answer
 * waits for a busy main thread is not the task's: a timeout's verdict now waits one turn of the
 * event loop, so an outcome already delivered wins.
 */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { type Backend, Pool, type RunOptions } from '../src/index.js';

/** Answers through a MessagePort (like a worker thread) at 10 ms, while the main thread is busy. */
class BusyMainThread implements Backend<number, number> {
  readonly name = 'busy-main-thread';
  readonly concurrency = 1;
  run(input: number, _options: RunOptions): Promise<number> {
    const { port1, port2 } = new MessageChannel();
    return new Promise<number>((resolve) => {
      port1.once('message', (value: number) => {
        port1.close();
        resolve(value);
      });
      setTimeout(() => {
        // In the check phase: the task is done (its answer posted), then the main thread is busy
        // past the timeout. When the loop comes back, its timers phase (the timeout, now due)
        // runs before the poll phase that reads the answer from the port.
        setImmediate(() => {
          port2.postMessage(input * 2);
          port2.close();
          const until = performance.now() + 150;
          while (performance.now() < until) {}
        });
      }, 10);
    });
  }
  async close(): Promise<void> {}
}

describe('an outcome waiting behind a busy main thread', () => {
  it('beats the timeout that came due while the thread was busy', async () => {
    const pool = new Pool<number, number>({ backend: new BusyMainThread(), timeout: 50 });
    expect(await pool.submit(21)).toBe(42);
    expect(pool.stats).toMatchObject({ succeeded: 1, failed: 0 });
    await pool.close();
  });

  it('a task that really overruns still times out', async () => {
    const never: Backend<number, number> = {
      name: 'never',
      concurrency: 1,
      run: (_input, { signal }) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      close: async () => {},
    };
    const pool = new Pool<number, number>({ backend: never, timeout: 30 });
    await expect(pool.submit(1)).rejects.toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    await pool.close();
  });
});
