import { Pool } from '@poolkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAddon, NativeBackend, nativeKernels, poolThreads, runBatch } from '../src/index.js';
import { buildTestLibraries, testLibraries } from './fixtures/test-kernels.js';
import { rejection } from './helpers.js';

const { abiV1 } = testLibraries;

beforeAll(() => {
  buildTestLibraries();
}, 180_000);

describe('a library built against ABI version 1 (before cancellation) still loads and runs', () => {
  it('its kernels are listed and give their results', async () => {
    expect(nativeKernels({ library: abiV1 }).map((k) => k.name)).toEqual(['test_v1_double', 'test_v1_sleep']);
    const xs = Float64Array.from({ length: 1000 }, (_, i) => i);
    expect(await runBatch('test_v1_double', xs, { library: abiV1, chunkSize: 7 })).toEqual(
      xs.map((x) => 2 * x),
    );
    const backend = new NativeBackend<number, number>({ kernel: 'test_v1_double', library: abiV1 });
    const pool = new Pool({ backend, timeout: 5_000 });
    expect(await Promise.all([1, 2, 3].map((x) => pool.submit(x)))).toEqual([2, 4, 6]);
    await pool.close();
  });

  it('its items cannot be stopped, but a timed-out one is let go: its thread is replaced, tasks behind it run, close() resolves', async () => {
    const threads = poolThreads();
    // Every pool thread asleep in an item for 20 s, ignoring cancellation.
    const sleeper = new NativeBackend<number, number>({ kernel: 'test_v1_sleep', library: abiV1 });
    const sleepers = new Pool({ backend: sleeper, timeout: 100, maxBatch: 1 });
    const stuck = Array.from({ length: threads }, () => sleepers.submit(20_000));
    for (const task of stuck) expect((await rejection(task)).code).toBe('ERR_TASK_TIMEOUT');
    await sleepers.close(); // returns: the stuck items are detached, not waited for
    // The threads were written off and replaced (after 250 ms): new work runs long before 20 s.
    const start = Date.now();
    expect(await runBatch('test_v1_double', [21], { library: abiV1 })).toEqual(new Float64Array([42]));
    expect(Date.now() - start).toBeLessThan(15_000);
  }, 30_000);
});

describe('a library built against ABI version 2 (before params) still loads and runs', () => {
  it('its kernels are listed and give their results, params or not', async () => {
    const { abiV2 } = testLibraries;
    expect(nativeKernels({ library: abiV2 }).map((k) => k.name)).toEqual([
      'test_v2_negate',
      'test_v2_until_cancelled',
    ]);
    const xs = Float64Array.from({ length: 1000 }, (_, i) => i);
    expect(await runBatch('test_v2_negate', xs, { library: abiV2, chunkSize: 7 })).toEqual(xs.map((x) => -x));
    // A version-2 kernel takes no params: the addon does not ask it about them.
    expect(await runBatch('test_v2_negate', [1, 2], { library: abiV2, params: [9, 9] })).toEqual(
      new Float64Array([-1, -2]),
    );
  });

  it('its kernel that polls the version-2 stop check still stops when its batch is cancelled', async () => {
    const { abiV2 } = testLibraries;
    nativeKernels({ library: abiV2 });
    const addon = loadAddon();
    const done = new Promise<{ code?: string } | null>((resolve) => {
      const id = addon.submit(
        'test_v2_until_cancelled',
        new Float64Array([0]),
        undefined,
        undefined,
        1,
        1,
        (e) => resolve(e),
      );
      setTimeout(() => expect(addon.cancel(id)).toBe(true), 50);
    });
    // The completion comes only once the kernel returned: it saw the check (else 60 s).
    expect((await done)?.code).toBe('ERR_BATCH_CANCELLED');
  }, 20_000);
});
