import { describe, expect, it } from 'vitest';
import { isprime, kernels, mandelbrot } from '../src/kernels.js';
import { WORKLOAD_NAMES, WORKLOADS } from '../src/workloads.js';

describe('workloads', () => {
  it('makes the same inputs every time', () => {
    for (const name of WORKLOAD_NAMES) {
      expect(WORKLOADS[name].items(40, 3), name).toEqual(WORKLOADS[name].items(40, 3));
    }
  });

  it('gives isprime numbers above 2^35, half of them prime, so a constant answer fails the cross-check', () => {
    const items = WORKLOADS.isprime.items(32, 0) as number[];
    expect(Math.min(...items)).toBeGreaterThan(2 ** 34);
    expect(items.filter((x) => isprime(x) === 1)).toHaveLength(16);
  });

  it('gives md5 distinct 1 KiB buffers', () => {
    const items = WORKLOADS.md5.items(50, 0) as Uint8Array[];
    expect(items.every((b) => b.byteLength === 1024)).toBe(true);
    expect(new Set(items.map((b) => WORKLOADS.md5.canon(b))).size).toBe(50);
  });

  it('writes outputs down the same way whether they arrive as Buffer, Uint8Array or Float64Array views', () => {
    const digest = kernels.md5(new Uint8Array(1024));
    expect(WORKLOADS.md5.canon(digest)).toBe('0f343b0931126a20f133d67c2b018a3b');
    expect(WORKLOADS.md5.canon(new Uint8Array(digest))).toBe('0f343b0931126a20f133d67c2b018a3b');
    const row = mandelbrot(128);
    const packed = new Float64Array(512);
    packed.set(row, 256);
    expect(WORKLOADS.mandelbrot.canon(packed.subarray(256))).toBe(
      WORKLOADS.mandelbrot.canon(Array.from(row)),
    );
    expect(WORKLOADS.md5.canon(42)).toMatch(/^not bytes/);
  });

  it('has a native kernel for every CPU workload, noop included, and none for the I/O one', () => {
    expect(WORKLOAD_NAMES.filter((n) => WORKLOADS[n].native === undefined)).toEqual(['sleep']);
    expect(WORKLOADS.noop.native).toEqual({ kernel: 'noop' });
  });
});
