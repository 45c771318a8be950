/**
 * Regression (issue 25 §4): bad input never escapes as someone else's exception. A backend's
 * run()/runMany() called directly with options that are not what the contract says, and
 * resourceLimits that Node would pass to the OS unchecked (some values ended the whole process),
 * are refused with a coded TypeError/RangeError naming the argument — and nothing is started.
 */
import { describe, expect, it } from 'vitest';
import { PiscinaBackend } from '../src/index.js';
import { backend, never, TASKS } from './helpers.js';

const revoked = (() => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
})();

describe('bad calls are refused by name', () => {
  const badOptions: Array<[string, unknown, RegExp]> = [
    ['no options', undefined, /run\(\) options must be an object/],
    ['a signal that is not an AbortSignal', { signal: { aborted: false } }, /signal must be an AbortSignal/],
    ['a revoked Proxy as options', revoked, /options must be an object/],
    [
      'a throwing getter',
      {
        get signal() {
          throw new Error('boom');
        },
      },
      /signal cannot be read \(boom\)/,
    ],
    ['a task that is not a string', { signal: never(), task: 42 }, /task must be a string/],
    ['an attempt of 0', { signal: never(), attempt: 0 }, /attempt must be an integer ≥ 1/],
    ['started that is not a function', { signal: never(), started: 'yes' }, /started must be a function/],
  ];
  for (const [what, options, message] of badOptions) {
    it(`run() with ${what} rejects with a coded error and runs nothing`, async () => {
      const b = backend({ threads: 1 });
      const error = await b.run(1, options as never).then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(error?.message).toMatch(message);
      expect(error?.code).toMatch(/^ERR_INVALID_ARG_(TYPE|VALUE)$/);
      expect(await b.run(2, { signal: never() })).toBe(4); // and it still works
    });
  }

  it('runMany() refuses a batch that is not an array, a bad entry, or a report that is not a function', async () => {
    const b = backend({ threads: 1 });
    await expect(b.runMany('no' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(b.runMany([{ input: 1, options: { signal: 'x' } }] as never)).rejects.toThrow(
      /batch\[0\]\.options\.signal must be an AbortSignal/,
    );
    await expect(b.runMany([null] as never)).rejects.toThrow(/batch\[0\] must be an object/);
    await expect(b.runMany([], 5 as never)).rejects.toThrow(/report must be a function/);
  });

  const badLimits: Array<[string, unknown, string]> = [
    ['stackSizeMb: Infinity', { stackSizeMb: Number.POSITIVE_INFINITY }, 'RangeError'],
    ['stackSizeMb: 0.001', { stackSizeMb: 0.001 }, 'RangeError'],
    ['stackSizeMb: 1e5', { stackSizeMb: 1e5 }, 'RangeError'],
    ['stackSizeMb: NaN', { stackSizeMb: Number.NaN }, 'TypeError'],
    ['maxOldGenerationSizeMb: -1', { maxOldGenerationSizeMb: -1 }, 'RangeError'],
    ['an unknown field', { stackSize: 4 }, 'RangeError'],
    ['a string', { stackSizeMb: '4' }, 'TypeError'],
  ];
  for (const [what, resourceLimits, name] of badLimits) {
    it(`resourceLimits with ${what} is refused before any thread starts`, () => {
      expect(() => new PiscinaBackend({ filename: TASKS, threads: 1, resourceLimits } as never)).toThrow(
        expect.objectContaining({ name, message: expect.stringMatching(/options\.resourceLimits/) }),
      );
    });
  }

  it('sane resourceLimits still reach the threads', async () => {
    const b = backend({ threads: 1, resourceLimits: { stackSizeMb: 4, maxOldGenerationSizeMb: 256 } });
    expect(await b.run(3, { signal: never() })).toBe(6);
  });

  const trapping = () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
  const hostileOptions: Array<[string, () => unknown]> = [
    ['the options a Proxy whose traps throw', trapping],
    ['filename a revoked Proxy', () => ({ filename: revoked })],
    ['execArgv a revoked Proxy', () => ({ filename: TASKS, execArgv: revoked })],
    ['env a Proxy whose traps throw', () => ({ filename: TASKS, env: trapping() })],
    [
      'a resourceLimits field whose getter throws a revoked Proxy',
      () => ({
        filename: TASKS,
        resourceLimits: Object.defineProperty({}, 'stackSizeMb', {
          enumerable: true,
          get() {
            throw revoked;
          },
        }),
      }),
    ],
    ...['threads', 'minThreads', 'idleTimeout', 'name', 'atomics', 'recycleAfterTasks'].map(
      (key): [string, () => unknown] => [
        `a getter on ${key} that throws`,
        () =>
          Object.defineProperty({ filename: TASKS }, key, {
            enumerable: true,
            get() {
              throw new Error(`getter ${key}`);
            },
          }),
      ],
    ),
  ];
  for (const [what, make] of hostileOptions) {
    it(`new PiscinaBackend with ${what}: a coded TypeError, no thread started`, () => {
      let thrown: unknown;
      try {
        new PiscinaBackend(make() as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    });
  }
});
