import { describe, expect, it } from 'vitest';
import { runBatch } from '../src/index.js';
import {
  fnv1a,
  isprime,
  mandelbrotRow,
  md5,
  noop,
  runReference,
  spin,
  square,
} from '../src/reference/index.js';
import { randomBytes, rng } from './helpers.js';

// Several chunkings and thread counts: results must not depend on how the batch was split.
const plans = [{}, { threads: 1 }, { threads: 2, chunkSize: 1 }, { threads: 3, chunkSize: 7 }];

describe('every kernel gives exactly what its JS twin gives, on random inputs', () => {
  it('square', async () => {
    const next = rng(1);
    const inputs = Float64Array.from({ length: 5000 }, () => (next() - 0.5) * 1e6);
    inputs[0] = Number.NaN;
    inputs[1] = -0;
    inputs[2] = Number.POSITIVE_INFINITY;
    const expected = runReference('square', inputs);
    for (const plan of plans) expect(await runBatch('square', inputs, plan)).toEqual(expected);
    expect(expected[3]).toBe(square(inputs[3]));
  });

  it('noop hands every number back unchanged, -0 and NaN included', async () => {
    const next = rng(6);
    const inputs = Float64Array.from({ length: 5000 }, () => (next() - 0.5) * 1e300);
    inputs.set([Number.NaN, -0, Number.NEGATIVE_INFINITY, 2 ** 53 + 2, Number.MIN_VALUE], 0);
    const expected = runReference('noop', inputs);
    expect(expected).toEqual(inputs);
    for (const plan of plans) {
      const native = await runBatch('noop', inputs, plan);
      expect(native).toEqual(expected);
      expect(native).not.toBe(inputs); // a fresh result, not the input handed back
      expect(Object.is(native[1], -0)).toBe(true);
      expect(native[0]).toBeNaN();
    }
    expect(await runBatch('noop', [3, -1.5])).toEqual(new Float64Array([3, -1.5]));
    expect(noop(-2.5)).toBe(-2.5);
  });

  it('isprime, small and large numbers, non-integers and negatives', async () => {
    const next = rng(2);
    const inputs = Float64Array.from({ length: 3000 }, (_, i) => {
      if (i % 10 === 0) return Math.floor(next() * 2 ** 40); // u64 path
      if (i % 10 === 1) return next() * 100 - 50; // fractions and negatives
      return Math.floor(next() * 2 ** 31);
    });
    inputs.set([2, 3, 4, 1, 0, -7, 4294967291, 4294967311, 2 ** 53, 2 ** 53 + 2], 2990);
    const native = await runBatch('isprime', inputs);
    expect(native).toEqual(runReference('isprime', inputs));
    expect(native[2990 + 6]).toBe(1);
    expect(Array.from(native).filter((x) => x === 1).length).toBeGreaterThan(50);
    expect(isprime(97)).toBe(true);
  });

  it('spin, including pairs that would never stop', async () => {
    const next = rng(3);
    const pairs: number[] = [];
    for (let i = 0; i < 500; i++) pairs.push(next() * 1e12, 1 + next() * 3);
    pairs.push(10, 1, 10, 0.5, Number.POSITIVE_INFINITY, 2, Number.NaN, 2, 10, Number.NaN);
    const native = await runBatch('spin', pairs, { chunkSize: 13 });
    expect(native).toEqual(runReference('spin', pairs));
    expect(native.length).toBe(pairs.length / 2);
    expect(Array.from(native.slice(-5))).toEqual([-1, -1, -1, 0, -1]);
    expect(spin(1024, 2)).toBe(10);
  });

  it('mandelbrot rows, default and custom params', async () => {
    const rows = Float64Array.from({ length: 256 }, (_, i) => i);
    expect(await runBatch('mandelbrot', rows)).toEqual(runReference('mandelbrot', rows));
    const params = [97, 61, 500];
    const some = [0, 5, 30, 60, 12.5];
    const native = await runBatch('mandelbrot', some, { params, threads: 2, chunkSize: 2 });
    expect(native.length).toBe(5 * 97);
    expect(native).toEqual(runReference('mandelbrot', some, { params }));
    expect(native.subarray(97, 194)).toEqual(mandelbrotRow(5, 97, 61, 500));
  });

  it('fnv1a on random bytes and strings', async () => {
    const items: (Buffer | string)[] = randomBytes(rng(4), 2000, 100);
    items.push('', 'a', 'foobar', 'héllo wörld ✓');
    const native = await runBatch('fnv1a', items, { chunkSize: 33 });
    expect(native).toEqual(runReference('fnv1a', items));
    expect(native[items.length - 2]).toBe(0xbf9cf968);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });

  it('md5 on random bytes and strings, as buffers and packed', async () => {
    const items: (Buffer | string)[] = randomBytes(rng(5), 1500, 200);
    items.push('', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'ünïcödé');
    const buffers = await runBatch('md5', items);
    expect(buffers).toEqual(runReference('md5', items));
    expect(buffers[items.length - 5].toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
    const packed = await runBatch('md5', items, { output: 'packed', threads: 2, chunkSize: 5 });
    expect(packed.length).toBe(16 * items.length);
    expect(packed).toEqual(runReference('md5', items, { output: 'packed' }));
    expect(md5('abc')).toEqual(buffers[items.length - 5]);
  });
});
