import { type BatchEntry, type BatchResult, isAbortError, Pool, PoolClosedError } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { NativeBackend } from '../src/index.js';
import { mandelbrotRow } from '../src/reference/index.js';
import { rejection } from './helpers.js';

const opts = () => ({ signal: new AbortController().signal });
const entries = <I>(inputs: readonly I[]): BatchEntry<I>[] =>
  inputs.map((input) => ({ input, options: opts() }));

/** What run() gives for `input`: `{ ok, value }` or `{ ok: false, error }`. */
async function alone(backend: NativeBackend, input: unknown) {
  try {
    return { ok: true, value: await backend.run(input, opts()) };
  } catch (error) {
    return { ok: false, error: error as Error & { code?: string } };
  }
}

/** Checks runMany against run() entry by entry, and returns the results. */
async function sameAsRun(
  backend: NativeBackend,
  inputs: readonly unknown[],
): Promise<readonly BatchResult[]> {
  const results = await backend.runMany(entries(inputs));
  expect(results).toHaveLength(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const expected = await alone(backend, inputs[i]);
    const result = results[i];
    if (expected.ok) {
      expect(result).toMatchObject({ status: 'fulfilled' });
      expect((result as { value: unknown }).value).toEqual(expected.value);
      const time = (result as { time?: number }).time;
      expect(typeof time === 'number' && time >= 0).toBe(true);
    } else {
      expect(result.status).toBe('rejected');
      const reason = (result as { reason: Error & { code?: string } }).reason;
      const error = expected.error!;
      expect(reason).toBeInstanceOf(error.constructor);
      expect(reason.code).toBe(error.code);
      expect(reason.message).toBe(error.message);
    }
  }
  return results;
}

describe('NativeBackend.runMany runs a batch as one native call, each entry as run() would', () => {
  it('numbers kernels give the same number per entry as run()', async () => {
    const square = await sameAsRun(new NativeBackend({ kernel: 'square' }), [0, 1, -3, 2.5, 1e10]);
    expect(square.map((r) => (r as { value: unknown }).value)).toEqual([0, 1, 9, 6.25, 1e20]);
    const noop = await sameAsRun(new NativeBackend({ kernel: 'noop' }), [-12.25, 0, 7, Number.NaN]);
    expect(noop.map((r) => (r as { value: unknown }).value)).toEqual([-12.25, 0, 7, Number.NaN]);
    const isprime = await sameAsRun(new NativeBackend({ kernel: 'isprime' }), [
      1_000_000_007,
      1,
      2,
      91,
      [97],
    ]);
    expect(isprime.map((r) => (r as { value: unknown }).value)).toEqual([1, 0, 1, 0, 1]);
    const spin = await sameAsRun(new NativeBackend({ kernel: 'spin' }), [
      [1024, 2],
      [1e6, 10],
      [5, 0.5],
    ]);
    expect(spin.map((r) => (r as { value: unknown }).value)).toEqual([10, 6, -1]);
  });

  it('mandelbrot gives one Float64Array row per entry, each its own array like run()', async () => {
    const backend = new NativeBackend({ kernel: 'mandelbrot', params: [40, 30, 80] });
    const results = await sameAsRun(backend, [0, 15, 29, 7]);
    for (const [i, row] of [0, 15, 29, 7].entries()) {
      const value = (results[i] as { value: Float64Array }).value;
      expect(value).toBeInstanceOf(Float64Array);
      expect(value).toEqual(mandelbrotRow(row, 40, 30, 80));
      expect(value.buffer.byteLength).toBe(40 * 8);
    }
  });

  it('md5 gives one 16-byte Buffer per entry, fnv1a one number, from strings and bytes', async () => {
    const inputs = ['abc', Buffer.alloc(0), '', new Uint8Array([0x61]), 'x'.repeat(100)];
    const md5 = await sameAsRun(new NativeBackend({ kernel: 'md5' }), inputs);
    const hex = md5.map((r) => {
      const value = (r as { value: Buffer }).value;
      expect(Buffer.isBuffer(value)).toBe(true);
      expect(value.length).toBe(16);
      return value.toString('hex');
    });
    expect(hex.slice(0, 4)).toEqual([
      '900150983cd24fb0d6963f7d28e17f72',
      'd41d8cd98f00b204e9800998ecf8427e',
      'd41d8cd98f00b204e9800998ecf8427e',
      '0cc175b9c0f1b6a831c399e269772661',
    ]);
    const fnv = await sameAsRun(new NativeBackend({ kernel: 'fnv1a' }), ['foobar', Buffer.from('foobar')]);
    expect(fnv.map((r) => (r as { value: unknown }).value)).toEqual([0xbf9cf968, 0xbf9cf968]);
  });

  it('a bad input in the middle fails only itself, with the error run() gives it', async () => {
    const square = await sameAsRun(new NativeBackend({ kernel: 'square' }), [2, '3', [1, 2], null, 4]);
    expect(square.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((square[1] as { reason: { code: string } }).reason.code).toBe('ERR_INVALID_ARG_TYPE');
    expect((square[2] as { reason: { code: string } }).reason.code).toBe('ERR_INVALID_ARG_VALUE');
    expect((square[4] as { value: unknown }).value).toBe(16);

    const spin = await sameAsRun(new NativeBackend({ kernel: 'spin' }), [[1024, 2], 5, [1, 2, 3], [1e6, 10]]);
    expect(spin.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);

    const detached = new Uint8Array(4);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const md5 = await sameAsRun(new NativeBackend({ kernel: 'md5' }), ['a', 42, detached, ['b'], 'a']);
    expect(md5.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    expect((md5[2] as { reason: { code: string } }).reason.code).toBe('ERR_DETACHED_BUFFER');
  });

  it('a native call that fails as a whole is retried entry by entry (kernel panic)', async () => {
    const backend = new NativeBackend({ kernel: '__panic' });
    const results = await sameAsRun(backend, [1, 'bad', 2]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as { reason: { code: string } }).reason.code).toBe('ERR_KERNEL_PANIC');
    expect((results[1] as { reason: { code: string } }).reason.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(await runManyWorks()).toBe(true);
  });

  it('entries aborted before the call are skipped with an AbortError carrying the reason', async () => {
    const backend = new NativeBackend({ kernel: 'square' });
    const gone = new AbortController();
    gone.abort('bye');
    const batch: BatchEntry<unknown>[] = [
      { input: 3, options: opts() },
      { input: 4, options: { signal: gone.signal } },
      { input: 'not even valid', options: { signal: gone.signal } },
      { input: 5, options: opts() },
    ];
    const results = await backend.runMany(batch);
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: 9 });
    expect(results[3]).toMatchObject({ status: 'fulfilled', value: 25 });
    for (const i of [1, 2]) {
      expect(results[i].status).toBe('rejected');
      const reason = (results[i] as { reason: Error }).reason;
      expect(isAbortError(reason)).toBe(true);
      expect(reason.cause).toBe('bye');
    }
    const all = await backend.runMany([{ input: 1, options: { signal: gone.signal } }]);
    expect(all).toHaveLength(1);
    expect(isAbortError((all[0] as { reason: unknown }).reason)).toBe(true);
    expect(await backend.runMany([])).toEqual([]);
  });

  it('after close() every entry is rejected with PoolClosedError, as run() would', async () => {
    const backend = new NativeBackend({ kernel: 'square' });
    await backend.close();
    const results = await backend.runMany(entries([1, 2, 3]));
    expect(results).toHaveLength(3);
    const error = await rejection(backend.run(1, opts()));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as { reason: Error }).reason;
      expect(reason).toBeInstanceOf(PoolClosedError);
      expect(reason.message).toBe(error.message);
    }
  });

  it('time per entry is the native call time shared by the entries sent (untimed entries)', async () => {
    const backend = new NativeBackend({ kernel: 'spin' });
    // Two items of ~20 ms each on one thread: ~20 ms per entry, whatever the machine's noise.
    const pair = [1e300, Math.exp(Math.log(1e300) / 2.5e6)];
    const start = performance.now();
    const untimed = entries([pair, pair]).map((e) => ({
      ...e,
      options: { ...e.options, cancellable: false },
    }));
    const results = await backend.runMany(untimed);
    const elapsed = performance.now() - start;
    const times = results.map((r) => (r as { time: number }).time);
    expect(times[0]).toBe(times[1]);
    expect(times[0] * 2).toBeLessThanOrEqual(elapsed + 1);
    expect(times[0] * 2).toBeGreaterThan(elapsed / 2);
  });

  it('entries that can be cancelled are timed one by one, and the times add up to the call', async () => {
    const backend = new NativeBackend({ kernel: 'spin' });
    const pair = [1e300, Math.exp(Math.log(1e300) / 2.5e6)];
    const start = performance.now();
    const results = await backend.runMany(entries([pair, pair, pair]));
    const elapsed = performance.now() - start;
    const times = results.map((r) => (r as { time: number }).time);
    for (const t of times) expect(t).toBeGreaterThan(0);
    expect(times.reduce((a, b) => a + b)).toBeLessThanOrEqual(elapsed + 1);
  });
});

describe('a core Pool batches through NativeBackend by default', () => {
  /** A backend whose runMany calls are counted. */
  function counted(kernel: string) {
    const backend = new NativeBackend<number, number>({ kernel });
    const calls = { runMany: 0, entries: 0, biggest: 0 };
    const runMany = backend.runMany.bind(backend);
    backend.runMany = (batch) => {
      calls.runMany++;
      calls.entries += batch.length;
      calls.biggest = Math.max(calls.biggest, batch.length);
      return runMany(batch);
    };
    return { backend, calls };
  }

  it('5000 pool.submit on square are all correct and the stats add up', async () => {
    const { backend, calls } = counted('square');
    const pool = new Pool({ backend });
    const n = 5000;
    const values = await Promise.all(Array.from({ length: n }, (_, i) => pool.submit(i)));
    for (let i = 0; i < n; i++) expect(values[i]).toBe(i * i);
    expect(calls.runMany).toBeGreaterThan(0);
    expect(calls.biggest).toBeGreaterThan(1);
    expect(calls.runMany).toBeLessThan(n);
    const stats = pool.stats;
    expect(stats).toMatchObject({
      submitted: n,
      succeeded: n,
      failed: 0,
      cancelled: 0,
      waiting: 0,
      running: 0,
    });
    await pool.close();
  });

  it('bad inputs through the pool fail only their own tasks', async () => {
    const { backend } = counted('square');
    const pool = new Pool<unknown, unknown>({ backend: backend as NativeBackend });
    const inputs: unknown[] = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? `bad${i}` : i));
    const outcomes = await Promise.allSettled(inputs.map((x) => pool.submit(x)));
    let failed = 0;
    for (let i = 0; i < inputs.length; i++) {
      if (typeof inputs[i] === 'string') {
        failed++;
        expect(outcomes[i]).toMatchObject({ status: 'rejected', reason: { code: 'ERR_INVALID_ARG_TYPE' } });
      } else {
        expect(outcomes[i]).toEqual({ status: 'fulfilled', value: (inputs[i] as number) ** 2 });
      }
    }
    expect(pool.stats).toMatchObject({ submitted: 300, succeeded: 300 - failed, failed, cancelled: 0 });
    await pool.close();
  });

  it('maxBatch: 1 turns batching off and still works', async () => {
    const { backend, calls } = counted('square');
    const pool = new Pool({ backend, maxBatch: 1 });
    const n = 500;
    const values = await Promise.all(Array.from({ length: n }, (_, i) => pool.submit(i)));
    expect(values).toEqual(Array.from({ length: n }, (_, i) => i * i));
    expect(calls.runMany).toBe(0);
    expect(pool.stats).toMatchObject({ submitted: n, succeeded: n, failed: 0, cancelled: 0 });
    await pool.close();
  });

  it('mandelbrot rows and md5 digests through the pool equal run()', async () => {
    const mandel = new NativeBackend<number, Float64Array>({ kernel: 'mandelbrot', params: [32, 24, 50] });
    const pool = new Pool({ backend: mandel });
    const rows = await Promise.all(Array.from({ length: 24 }, (_, y) => pool.submit(y)));
    for (let y = 0; y < 24; y++) expect(rows[y]).toEqual(mandelbrotRow(y, 32, 24, 50));
    await pool.close();
    const md5 = new NativeBackend<string, Buffer>({ kernel: 'md5' });
    const hashes = new Pool({ backend: md5 });
    const words = Array.from({ length: 200 }, (_, i) => `word ${i}`);
    const digests = await Promise.all(words.map((w) => hashes.submit(w)));
    for (let i = 0; i < words.length; i += 37) expect(digests[i]).toEqual(await md5.run(words[i], opts()));
    await hashes.close();
  });
});

/** The pool still works after a failed batch. */
async function runManyWorks(): Promise<boolean> {
  const results = await new NativeBackend({ kernel: 'square' }).runMany(entries([6, 7]));
  return results.every((r, i) => r.status === 'fulfilled' && r.value === [36, 49][i]);
}
