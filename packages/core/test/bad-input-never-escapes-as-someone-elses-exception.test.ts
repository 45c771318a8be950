/**
 * Regression (issue 25 §4): a fuzz of the public constructors and methods found V8 errors
 * ("Cannot perform 'get' on a proxy that has been revoked") escaping from the queue, retries,
 * input and producer paths, and refusals with no `code`. Every refusal must be a TypeError or
 * RangeError with ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, thrown or rejected — never
 * another exception, never a hang, never a task left behind.
 */
import { describe, expect, it } from 'vitest';
import {
  ChannelQueue,
  InlineBackend,
  map,
  Pool,
  PriorityQueue,
  RateLimitedQueue,
  run,
} from '../src/index.js';
import { revoked } from './helpers.js';

/** A Proxy whose every trap throws its own error. */
function trapping(): object {
  const no = () => {
    throw new Error('trap');
  };
  return new Proxy(
    {},
    { get: no, has: no, ownKeys: no, getPrototypeOf: no, getOwnPropertyDescriptor: no, set: no },
  );
}

/** An options object whose every field is a getter that throws. */
function throwingGetters(): object {
  const object = {};
  for (const key of [
    'capacity',
    'concurrency',
    'timeout',
    'startTimeout',
    'retries',
    'signal',
    'priority',
    'task',
    'transfer',
    'limit',
    'interval',
    'burst',
    'name',
    'force',
    'producer',
    'attempts',
    'backoff',
    'ordered',
  ]) {
    Object.defineProperty(object, key, {
      enumerable: true,
      get() {
        throw new Error(`getter ${key}`);
      },
    });
  }
  return object;
}

const hostile: Array<[string, () => unknown]> = [
  ['a revoked Proxy', revoked],
  ['a Proxy whose traps throw', trapping],
  ['throwing getters', throwingGetters],
];

/** Runs `call`, settling a returned promise; returns what it threw or rejected with, or 'no error'. */
async function refusalOf(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (result instanceof Promise) await result;
    else if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const _ of result as AsyncIterable<unknown>) break;
    }
    return 'no error';
  } catch (error) {
    return error;
  }
}

function expectCoded(error: unknown): void {
  expect(error).toBeInstanceOf(Error);
  const { name, code } = error as { name?: string; code?: string };
  expect(['TypeError', 'RangeError']).toContain(name);
  expect(code).toMatch(/^ERR_INVALID_ARG_(TYPE|VALUE)$/);
}

const executor = (n: number) => n;

describe('bad input never escapes as someone else’s exception', () => {
  for (const [what, make] of hostile) {
    const calls: Array<[string, () => unknown]> = [
      ['new Pool(options)', () => new Pool(make() as never)],
      ['new Pool({ executor, retries })', () => new Pool({ executor, retries: make() as never })],
      ['new ChannelQueue(options)', () => new ChannelQueue(make() as never)],
      ['new PriorityQueue(options)', () => new PriorityQueue(make() as never)],
      [
        'new RateLimitedQueue(queue, options)',
        () => new RateLimitedQueue(new ChannelQueue(), make() as never),
      ],
      [
        'new RateLimitedQueue(inner)',
        () => new RateLimitedQueue(make() as never, { limit: 1, interval: 10 }),
      ],
      ['new InlineBackend(executor, options)', () => new InlineBackend(executor, make() as never)],
      ['InlineBackend.run(input, options)', () => new InlineBackend(executor).run(1, make() as never)],
      ['pool.submit(input, options)', () => new Pool({ executor }).submit(1, make() as never)],
      ['pool.enqueue(input, options)', () => new Pool({ executor }).enqueue(1, make() as never)],
      ['pool.submitAll(inputs)', () => new Pool({ executor }).submitAll(make() as never)],
      ['pool.submitAll(inputs, options)', () => new Pool({ executor }).submitAll([1], make() as never)],
      ['pool.stop(options)', () => new Pool({ executor }).stop(make() as never)],
      ['queue.push(item, options)', () => new ChannelQueue().push(1, make() as never)],
      ['queue.tryPush(item, options)', () => new PriorityQueue().tryPush(1, make() as never)],
      ['run(config)', () => run(make() as never)],
      ['run({ producer })', () => run({ producer: make() as never, executor })],
      ['map(inputs, executor)', () => map(make() as never, executor)],
      ['map(inputs, executor, options)', () => map([1], executor, make() as never)],
    ];
    for (const [call, invoke] of calls) {
      it(`${call} with ${what}: a coded TypeError/RangeError`, async () => {
        expectCoded(await refusalOf(invoke));
      });
    }
  }

  it('pool.on(event, notAFunction) throws a coded TypeError', () => {
    const pool = new Pool({ executor });
    for (const bad of [undefined, 42, 'x', {}]) {
      expectCoded(
        (() => {
          try {
            pool.on('idle', bad as never);
          } catch (error) {
            return error;
          }
        })(),
      );
      expect(() => pool.once('idle', bad as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
  });

  it('a refused submitAll accepts nothing: the pool stays empty and closes', async () => {
    const pool = new Pool({ executor });
    const inputs = {
      *[Symbol.iterator]() {
        yield 1;
        throw new Error('generator broke');
      },
    };
    const error = await refusalOf(() => pool.submitAll(inputs));
    expectCoded(error);
    expect((error as Error).cause).toMatchObject({ message: 'generator broke' });
    expect(pool.stats.submitted).toBe(0);
    await pool.close();
  });

  it('a retryIf or backoff that throws ends the retries; the task fails with its own error', async () => {
    for (const policy of [
      {
        attempts: 3,
        retryIf: () => {
          throw new Error('retryIf broke');
        },
      },
      {
        attempts: 3,
        backoff: () => {
          throw new Error('backoff broke');
        },
      },
    ]) {
      let calls = 0;
      const pool = new Pool({
        executor: () => {
          calls++;
          throw new Error('own');
        },
        retries: policy,
      });
      await expect(pool.submit(1)).rejects.toThrow('own');
      expect(calls).toBe(1);
      await pool.close();
    }
  });
});
