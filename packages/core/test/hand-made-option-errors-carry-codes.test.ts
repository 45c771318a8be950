import { describe, expect, it } from 'vitest';
import { ChannelQueue, map, Pool, PriorityQueue, RateLimitedQueue, run } from '../src/index.js';

const executor = async (n: number) => n;

/** What `body` throws or rejects with. */
async function caught(body: () => unknown): Promise<unknown> {
  try {
    await body();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

// Checks written by hand (not through validate.ts) once threw errors without a code.
const wrongType: [string, () => unknown][] = [
  ['retries of a wrong type', () => new Pool({ executor, retries: 'twice' as never })],
  [
    'retries.jitter of a wrong type',
    () => new Pool({ executor, retries: { attempts: 2, jitter: 'x' as never } }),
  ],
  [
    'retries.retryIf that is not a function',
    () => new Pool({ executor, retries: { attempts: 2, retryIf: 5 as never } }),
  ],
  [
    'a priority that is not a number',
    () => new PriorityQueue<number>().tryPush(1, { priority: 'high' as never }),
  ],
  [
    'an inner queue that is not a WorkQueue',
    () => new RateLimitedQueue({} as never, { limit: 1, interval: 10 }),
  ],
  ['map() inputs that are not iterable', () => map(42 as never, executor)],
  ['map() without an executor or backend', () => map([1], 42 as never)],
  ['run() with a producer of a wrong type', () => run({ producer: 42 as never, executor })],
  ['run() with a collector of a wrong type', () => run({ producer: [1], executor, collector: 42 as never })],
];

const outOfRange: [string, () => unknown][] = [
  [
    'a priority that is not finite',
    () => new PriorityQueue<number>().tryPush(1, { priority: Number.POSITIVE_INFINITY }),
  ],
  [
    'an interval past setTimeout’s limit',
    () => new RateLimitedQueue(new ChannelQueue({ capacity: 1 }), { limit: 1, interval: 2 ** 31 }),
  ],
];

describe('hand-made option checks carry codes too', () => {
  it.each(wrongType)('%s: TypeError, code ERR_INVALID_ARG_TYPE', async (_, body) => {
    const error = await caught(body);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it.each(outOfRange)('%s: RangeError, code ERR_INVALID_ARG_VALUE', async (_, body) => {
    const error = await caught(body);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});
