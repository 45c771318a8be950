import { describe, expect, it } from 'vitest';
import { ChannelQueue, InlineBackend, Pool } from '../src/index.js';

const executor = (n: number) => n;

describe('Pool option validation', () => {
  it.each([
    [{ executor, concurrency: 0 }, RangeError, /concurrency.*0/],
    [{ executor, concurrency: 1.5 }, RangeError, /concurrency.*1\.5/],
    [{ executor, concurrency: '4' }, TypeError, /concurrency.*"4"/],
    [{ executor, capacity: -1 }, RangeError, /capacity.*-1/],
    [{ executor, timeout: 0 }, RangeError, /timeout.*0/],
    [{ executor, timeout: 'soon' }, TypeError, /timeout.*"soon"/],
    [{ executor, retries: -1 }, RangeError, /retries.*-1/],
    [{ executor, retries: { attempts: 0 } }, RangeError, /retries\.attempts.*0/],
    [{ executor, retries: { attempts: 2, jitter: 2 } }, RangeError, /retries\.jitter.*2/],
    [{ executor, resultsCapacity: 0 }, RangeError, /resultsCapacity.*0/],
    [{ executor, keepResults: 'yes' }, TypeError, /keepResults.*"yes"/],
    [{ executor, signal: {} }, TypeError, /signal.*object/],
    [{ executor, queue: [] }, TypeError, /queue must implement WorkQueue/],
    [{ executor, queue: new ChannelQueue(), capacity: 4 }, TypeError, /capacity or queue/],
    [{}, TypeError, /exactly one of backend and executor/],
    [{ executor, backend: new InlineBackend(executor) }, TypeError, /exactly one/],
    [{ executor: 42 }, TypeError, /executor must be a function, received 42/],
    [{ backend: { run() {} } }, TypeError, /backend must implement Backend/],
  ])('rejects %o with a clear error', (options, type, message) => {
    expect(() => new Pool(options as never)).toThrow(type);
    expect(() => new Pool(options as never)).toThrow(message);
  });

  it('rejects a missing options object', () => {
    expect(() => new (Pool as any)()).toThrow(TypeError);
  });

  it('rejects bad task options through the promise, and counts nothing', async () => {
    const pool = new Pool<number, number>({ executor });
    await expect(pool.submit(1, { timeout: -5 })).rejects.toThrow(/timeout.*-5/);
    await expect(pool.submit(1, { priority: Number.NaN })).rejects.toThrow(/priority.*NaN/);
    await expect(pool.enqueue(1, { signal: 'x' as never })).rejects.toThrow(/signal.*"x"/);
    await expect(pool.submit(1, { task: 3 as never })).rejects.toThrow(/task must be a string/);
    expect(pool.stats.submitted).toBe(0);
    await pool.close();
  });

  it('defaults concurrency to the backend concurrency and accepts Infinity capacity', async () => {
    const pool = new Pool<number, number>({
      backend: new InlineBackend(executor, { concurrency: 3 }),
      capacity: Infinity,
    });
    expect(pool.concurrency).toBe(3);
    await pool.close();
  });

  it('InlineBackend validates its options', () => {
    expect(() => new InlineBackend(executor, { concurrency: 0 })).toThrow(RangeError);
    expect(() => new InlineBackend('f' as never)).toThrow(/executor must be a function/);
    expect(() => new InlineBackend(executor, { name: '' })).toThrow(/name/);
  });
});

describe('error messages name what they received', () => {
  it('renders class instances by their class and plain objects as objects', async () => {
    const { describeValue } = await import('../src/index.js');
    expect(describeValue(new Int32Array(2))).toBe('an instance of Int32Array');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(Object.create(null))).toBe('an object');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue('x')).toBe('"x"');
    expect(() => new Pool({ executor, signal: new Int32Array(1) as never })).toThrow(
      /signal must be an AbortSignal, received an instance of Int32Array/,
    );
  });
});
