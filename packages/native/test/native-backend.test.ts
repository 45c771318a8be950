import { PoolClosedError } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { NativeBackend, poolThreads } from '../src/index.js';
import { mandelbrotRow } from '../src/reference/index.js';

const opts = () => ({ signal: new AbortController().signal });

describe('NativeBackend runs one kernel item per call', () => {
  it('concurrency is the pool size by default, or the threads option', () => {
    expect(new NativeBackend({ kernel: 'square' }).concurrency).toBe(poolThreads());
    const b = new NativeBackend({ kernel: 'square', threads: 3 });
    expect(b.concurrency).toBe(3);
    expect(poolThreads()).toBeGreaterThanOrEqual(3);
    expect(b.name).toBe('native:square');
  });

  it('returns a number for one-number outputs, a row for mandelbrot, a Buffer for md5', async () => {
    expect(await new NativeBackend({ kernel: 'isprime' }).run(1_000_000_007, opts())).toBe(1);
    expect(await new NativeBackend({ kernel: 'noop' }).run(-12.25, opts())).toBe(-12.25);
    expect(await new NativeBackend({ kernel: 'fnv1a' }).run('foobar', opts())).toBe(0xbf9cf968);
    const row = await new NativeBackend({ kernel: 'mandelbrot', params: [40, 30, 80] }).run(15, opts());
    expect(row).toEqual(mandelbrotRow(15, 40, 30, 80));
    const digest = (await new NativeBackend({ kernel: 'md5' }).run('abc', opts())) as Buffer;
    expect(digest.toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('validates its options, naming the option and value', () => {
    expect(() => new NativeBackend(undefined as never)).toThrow(TypeError);
    expect(() => new NativeBackend({} as never)).toThrow(/options\.kernel/);
    expect(() => new NativeBackend({ kernel: 'nope' })).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_KERNEL' }),
    );
    expect(() => new NativeBackend({ kernel: 'square', threads: 0 })).toThrow(/options\.threads.*received 0/);
    expect(() => new NativeBackend({ kernel: 'square', name: 5 as never })).toThrow(/options\.name/);
  });

  it('rejects a task holding more than one item', async () => {
    const b = new NativeBackend({ kernel: 'square' });
    await expect(b.run([1, 2] as never, opts())).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('refuses runs after close, with PoolClosedError', async () => {
    const b = new NativeBackend({ kernel: 'square' });
    await b.close();
    await expect(b.run(2, opts())).rejects.toBeInstanceOf(PoolClosedError);
  });
});
