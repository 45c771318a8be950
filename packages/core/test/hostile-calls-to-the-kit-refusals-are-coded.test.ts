/**
 * Regression (issue 25 §4, from an adversarial run): the shared refusal checks returned the
 * engine's or the caller's own exception, uncoded, when a field's getter threw a revoked Proxy
 * or when the batch array itself trapped every read. Every refusal is now a coded TypeError.
 */
import { describe, expect, it } from 'vitest';
import { batchRefusal, runRefusal, safeReport, tellStarted } from '../src/index.js';

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

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
});
