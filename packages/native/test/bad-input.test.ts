import { describe, expect, it } from 'vitest';
import { loadAddon, NativeBackend, runBatch, setPoolThreads } from '../src/index.js';
import { rejection } from './helpers.js';

const noop = () => {};

async function poolStillWorks(): Promise<void> {
  expect(await runBatch('square', [3, 4])).toEqual(new Float64Array([9, 16]));
}

describe('bad input becomes a JS error with a code, and the pool keeps working', () => {
  it('wrong input types reject with ERR_INVALID_ARG_TYPE', async () => {
    for (const bad of ['1,2', 42, null, { length: 2 }, [1, '2'], [1n]]) {
      const e = await rejection(runBatch('square', bad as never));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.code).toBe('ERR_INVALID_ARG_TYPE');
    }
    for (const bad of ['abc', [1, 2], [Buffer.from('a'), 3], new Uint8Array(3)]) {
      const e = await rejection(runBatch('md5', bad as never));
      expect(e.code).toBe('ERR_INVALID_ARG_TYPE');
    }
    await poolStillWorks();
  });

  it('an unknown kernel rejects with ERR_UNKNOWN_KERNEL, naming it', async () => {
    const e = await rejection(runBatch('sha256', [1]));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.code).toBe('ERR_UNKNOWN_KERNEL');
    expect(e.message).toContain('"sha256"');
    expect((await rejection(runBatch(7 as never, [1]))).code).toBe('ERR_INVALID_ARG_TYPE');
    await poolStillWorks();
  });

  it('threads ≤ 0 or not an integer is a RangeError naming the option and value', async () => {
    for (const threads of [0, -1, 1.5, Number.POSITIVE_INFINITY, 257]) {
      const e = await rejection(runBatch('square', [1], { threads }));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.code).toBe('ERR_INVALID_ARG_VALUE');
      expect(e.message).toContain('options.threads');
      expect(e.message).toContain(String(threads));
      expect(() => new NativeBackend({ kernel: 'square', threads })).toThrow(RangeError);
      expect(() => setPoolThreads(threads)).toThrow(RangeError);
    }
    const e = await rejection(runBatch('square', [1], { threads: '2' as never }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain('"2"');
    for (const chunkSize of [0, -3, 2.5]) {
      expect((await rejection(runBatch('square', [1], { chunkSize }))).message).toContain(
        'options.chunkSize',
      );
    }
    await poolStillWorks();
  });

  it('an empty batch resolves with an empty result of the right type', async () => {
    expect(await runBatch('square', [])).toEqual(new Float64Array(0));
    expect(await runBatch('md5', [])).toEqual([]);
    expect(await runBatch('md5', [], { output: 'packed' })).toEqual(Buffer.alloc(0));
    expect(await runBatch('fnv1a', [])).toEqual(new Float64Array(0));
  });

  it('a detached ArrayBuffer rejects with ERR_DETACHED_BUFFER', async () => {
    const numbers = new Float64Array([1, 2, 3]);
    structuredClone(numbers.buffer, { transfer: [numbers.buffer] });
    const e = await rejection(runBatch('square', numbers));
    expect(e.code).toBe('ERR_DETACHED_BUFFER');
    const bytes = new Uint8Array([1, 2, 3]);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect((await rejection(runBatch('md5', [bytes]))).code).toBe('ERR_DETACHED_BUFFER');
    await poolStillWorks();
  });

  it('a kernel that panics rejects with ERR_KERNEL_PANIC, again and again', async () => {
    for (let i = 0; i < 5; i++) {
      const e = await rejection(runBatch('__panic', [1, 2, 3], { chunkSize: 1 }));
      expect(e.code).toBe('ERR_KERNEL_PANIC');
      expect(e.message).toContain('__panic');
    }
    await poolStillWorks();
  });

  it('wrong arity and bad params are RangeErrors', async () => {
    expect((await rejection(runBatch('spin', [1, 2, 3]))).code).toBe('ERR_INVALID_ARG_VALUE');
    expect((await rejection(runBatch('mandelbrot', [1], { params: [0, 10, 10] }))).code).toBe(
      'ERR_INVALID_ARG_VALUE',
    );
    expect((await rejection(runBatch('mandelbrot', [1], { params: ['a'] as never }))).code).toBe(
      'ERR_INVALID_ARG_TYPE',
    );
    expect((await rejection(runBatch('md5', ['a'], { output: 'json' as never }))).code).toBe(
      'ERR_INVALID_ARG_TYPE',
    );
    await poolStillWorks();
  });

  it('the raw addon rejects bad arguments itself, without crashing', () => {
    const addon = loadAddon();
    const f64 = new Float64Array([1]);
    const cases: [unknown[], string][] = [
      [['square', [1], undefined, undefined, 1, 0, noop], 'ERR_INVALID_ARG_TYPE'],
      [['square', new Float32Array(1), undefined, undefined, 1, 0, noop], 'ERR_INVALID_ARG_TYPE'],
      [
        ['square', new DataView(new ArrayBuffer(8)), undefined, undefined, 1, 0, noop],
        'ERR_INVALID_ARG_TYPE',
      ],
      [['square', f64, undefined, undefined, 0, 0, noop], 'ERR_INVALID_ARG_VALUE'],
      [['square', f64, undefined, undefined, 1.5, 0, noop], 'ERR_INVALID_ARG_VALUE'],
      [['square', f64, undefined, undefined, 1, -1, noop], 'ERR_INVALID_ARG_VALUE'],
      [['square', f64, undefined, undefined, 1, 0, 'not a function'], 'ERR_INVALID_ARG_TYPE'],
      [['square', f64, undefined, 'params', 1, 0, noop], 'ERR_INVALID_ARG_TYPE'],
      [['nope', f64, undefined, undefined, 1, 0, noop], 'ERR_UNKNOWN_KERNEL'],
      [[{}, f64, undefined, undefined, 1, 0, noop], 'ERR_INVALID_ARG_TYPE'],
      [['md5', Buffer.from('ab'), undefined, undefined, 1, 0, noop], 'ERR_INVALID_ARG_TYPE'],
      [['md5', Buffer.from('ab'), new Float64Array([0, 3]), undefined, 1, 0, noop], 'ERR_INVALID_ARG_VALUE'],
      [
        ['md5', Buffer.from('ab'), new Float64Array([0, 2, 1]), undefined, 1, 0, noop],
        'ERR_INVALID_ARG_VALUE',
      ],
      [[], 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [args, code] of cases) {
      let error: (Error & { code?: string }) | undefined;
      try {
        (addon.submit as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        error = e as Error & { code?: string };
      }
      expect(error?.code, JSON.stringify(args.map(String))).toBe(code);
    }
    expect(() => addon.ensureThreads(0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(addon.cancel(123456789)).toBe(false);
    expect(addon.cancel(-1)).toBe(false);
    expect(addon.pending()).toBe(0);
  });
});
