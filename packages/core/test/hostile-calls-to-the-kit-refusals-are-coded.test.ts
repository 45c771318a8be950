/**
 * Regression (issue 25 §4, from an adversarial run): the shared refusal checks returned the
 * engine's or the caller's own exception, uncoded, when a field's getter threw a revoked Proxy
 * or when the batch array itself trapped every read. Every refusal is now a coded TypeError.
 */
import { describe, expect, it } from 'vitest';
import {
  batchRefusal,
  InlineBackend,
  Pool,
  readRunOptions,
  runRefusal,
  safeReport,
  tellStarted,
} from '../src/index.js';
import { revoked } from './helpers.js';

const signal = () => new AbortController().signal;

describe('hostile calls to the kit refusals', () => {
  it('a getter that throws a revoked Proxy: a coded TypeError naming the field', () => {
    const options = Object.defineProperty({ signal: signal() }, 'task', {
      enumerable: true,
      get() {
        throw revoked();
      },
    });
    const refusal = runRefusal('b', options);
    expect(refusal).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(refusal?.message).toMatch(/options\.task cannot be read/);
  });

  it('a batch array whose every read traps: a coded TypeError, the trap’s error as cause', () => {
    const trap = new Proxy([], {
      get() {
        throw new Error('trap get');
      },
    });
    const refusal = batchRefusal('b', trap);
    expect(refusal).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect((refusal as Error & { cause?: unknown }).cause).toMatchObject({ message: 'trap get' });
  });

  it('a started() or report() that throws is reported as a warning, never thrown', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      expect(() =>
        tellStarted({
          signal: signal(),
          started() {
            throw new Error('started broke');
          },
        }),
      ).not.toThrow();
      // A class passes `typeof === 'function'` and throws when called without `new`.
      expect(() =>
        tellStarted({ signal: signal(), started: class {} as unknown as () => void }),
      ).not.toThrow();
      const report = safeReport(() => {
        throw new Error('report broke');
      });
      expect(() => report?.(0, { status: 'fulfilled', value: 1 })).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual([
        'POOLKIT_CALLBACK_THREW',
        'POOLKIT_CALLBACK_THREW',
        'POOLKIT_CALLBACK_THREW',
      ]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('options are read once: a getter that answers the check and then something else cannot get past it', async () => {
    let reads = 0;
    const good = signal();
    const options = {
      get signal() {
        return reads++ === 0 ? good : ({} as AbortSignal);
      },
    };
    const checked = readRunOptions('b', options);
    expect(checked).not.toBeInstanceOf(Error);
    expect((checked as { signal: AbortSignal }).signal).toBe(good);
    expect((checked as { signal: AbortSignal }).signal).toBe(good); // the copy does not ask again
    const backend = new InlineBackend((n: number) => n * 2, { concurrency: 1 });
    reads = 0;
    expect(await backend.run(21, options)).toBe(42);
  });

  it('a signal that is not a working AbortSignal is refused by name', () => {
    const shadowed = signal();
    Object.defineProperty(shadowed, 'removeEventListener', {
      value: () => {
        throw new Error('x');
      },
    });
    const made = Object.create(AbortSignal.prototype) as AbortSignal;
    for (const bad of [shadowed, made]) {
      expect(runRefusal('b', { signal: bad })).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    }
    const pool = new Pool({ executor: (n: number) => n });
    return expect(pool.submit(1, { signal: shadowed })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });

  it('an object made on the prototype of a Pool’s own try gets every check', () => {
    let attemptPrototype: object | undefined;
    const spy = {
      name: 'spy',
      concurrency: 1,
      run: (_input: unknown, options: object) => {
        attemptPrototype = Object.getPrototypeOf(options);
        return Promise.resolve(1);
      },
      close: async () => {},
    };
    const pool = new Pool({ backend: spy });
    return pool.submit(1).then(() => {
      const fake = Object.create(attemptPrototype as object);
      expect(runRefusal('b', fake)).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    });
  });
});
