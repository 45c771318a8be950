import { Pool } from '@poolkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAddon, NativeBackend, runBatch } from '../src/index.js';
import { buildTestLibraries, testLibraries } from './fixtures/test-kernels.js';
import { rejection } from './helpers.js';

/** A spin pair that would take ~3·10¹⁸ divisions: for ever, in practice. */
const FOREVER = [1.7e308, 1 + 2 ** -52];

/** Settles with the raw addon callback's error of batch `id`'s completion. */
function rawSubmit(
  kernel: string,
  input: Float64Array,
): { id: number; done: Promise<{ code?: string } | null> } {
  const addon = loadAddon();
  let resolve!: (e: { code?: string } | null) => void;
  const done = new Promise<{ code?: string } | null>((r) => {
    resolve = r;
  });
  const id = addon.submit(kernel, input, undefined, undefined, 1, 1, (error) => resolve(error));
  return { id, done };
}

beforeAll(() => {
  buildTestLibraries();
}, 180_000);

describe('a native item that never ends does not hold the pool or the process', () => {
  it('a cancelled spin item stops mid-item: its completion arrives (cancelled) and the thread is free again', async () => {
    const { id, done } = rawSubmit('spin', Float64Array.from(FOREVER));
    await new Promise((r) => setTimeout(r, 50));
    expect(loadAddon().cancel(id)).toBe(true);
    // Detached at once: it no longer counts as pending (nor keeps the process alive)…
    expect(loadAddon().pending()).toBe(0);
    // …and the kernel really stopped: its completion comes, long before "for ever".
    expect((await done)?.code).toBe('ERR_BATCH_CANCELLED');
    expect(loadAddon().rescue(id)).toBe(0);
  }, 20_000);

  it('a user kernel of the current SDK that polls cancelled() stops too', async () => {
    const backend = new NativeBackend<number, number>({
      kernel: 'test_until_cancelled',
      library: testLibraries.good,
    });
    const pool = new Pool({ backend, timeout: 100 });
    const tasks = Array.from({ length: 3 }, () => pool.submit(0));
    for (const task of tasks) expect((await rejection(task)).code).toBe('ERR_TASK_TIMEOUT');
    await pool.close();
  }, 20_000);

  for (const maxBatch of [undefined, 1]) {
    it(`after its timeout, the tasks behind it run and close() resolves (maxBatch ${maxBatch ?? 'default'})`, async () => {
      const backend = new NativeBackend<number[], number>({ kernel: 'spin', threads: 1 });
      const pool = new Pool({ backend, timeout: 200, concurrency: 1, ...(maxBatch ? { maxBatch } : {}) });
      const forever = pool.submit(FOREVER);
      const behind = Array.from({ length: 5 }, () => pool.submit([1024, 2]));
      expect((await rejection(forever)).code).toBe('ERR_TASK_TIMEOUT');
      expect(await Promise.all(behind)).toEqual([10, 10, 10, 10, 10]);
      await pool.close(); // would never resolve before: the slot stayed with the endless item
    }, 30_000);
  }

  it('an aborted runBatch of endless items frees the pool threads for the next batch', async () => {
    const threads = loadAddon().threads();
    const controller = new AbortController();
    const endless = runBatch('spin', Array.from({ length: threads }, () => FOREVER).flat(), {
      signal: controller.signal,
      chunkSize: 1,
    });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await rejection(endless);
    // Every thread was inside an endless item; each stopped, so this batch gets all of them.
    expect(await runBatch('square', [1, 2, 3], { threads, chunkSize: 1 })).toEqual(
      new Float64Array([1, 4, 9]),
    );
  }, 20_000);
});
