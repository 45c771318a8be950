/**
 * Regression (issue 25 §4, from an adversarial run): hostile containers as native inputs (a
 * revoked Proxy, an array whose index getter throws), a detached DataView (as inputs or params),
 * options whose getters throw, and a caller's `started`/`report` that throws — each escaped as an
 * uncoded engine error, or crashed the process, or failed innocent entries. Now: coded refusals,
 * and the callbacks' throws are warnings.
 */
import { describe, expect, it } from 'vitest';
import { NativeBackend, nativeKernels, runBatch } from '../src/index.js';

const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const signal = () => new AbortController().signal;

async function refusalOf(call: () => unknown): Promise<(Error & { code?: string }) | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error as Error & { code?: string };
  }
}

function detachedView(): DataView {
  const buffer = new ArrayBuffer(16);
  const view = new DataView(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  return view;
}

describe('hostile native inputs', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['square over a revoked Proxy', () => runBatch('square', revoked() as never), 'ERR_INVALID_ARG_TYPE'],
    ['md5 over a revoked Proxy', () => runBatch('md5', revoked() as never), 'ERR_INVALID_ARG_TYPE'],
    [
      'an array whose index getter throws',
      () =>
        runBatch(
          'square',
          Object.defineProperty([1, 2], 0, {
            get() {
              throw new Error('index getter');
            },
          }),
        ),
      'ERR_INVALID_ARG_TYPE',
    ],
    [
      'a detached DataView as inputs',
      () => runBatch('square', detachedView() as never),
      'ERR_DETACHED_BUFFER',
    ],
    [
      'a detached DataView as params',
      () => runBatch('square', [1], { params: detachedView() as never }),
      'ERR_DETACHED_BUFFER',
    ],
    [
      'a DataView as params (not numbers)',
      () => runBatch('square', [1], { params: new DataView(new ArrayBuffer(8)) as never }),
      'ERR_INVALID_ARG_TYPE',
    ],
  ];
  for (const [what, call, code] of cases) {
    it(`${what}: a coded refusal`, async () => {
      const error = await refusalOf(call);
      expect(error).toBeInstanceOf(Error);
      expect(error?.code).toBe(code);
    });
  }

  it('NativeBackend and nativeKernels with options whose getters throw: coded TypeErrors', () => {
    for (const key of ['kernel', 'library', 'threads', 'params', 'name']) {
      const options = Object.defineProperty({ kernel: 'square' }, key, {
        enumerable: true,
        get() {
          throw revoked();
        },
      });
      expect(() => new NativeBackend(options as never)).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
    expect(() =>
      nativeKernels(
        Object.defineProperty({}, 'library', {
          get() {
            throw new Error('library getter');
          },
        }),
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('a caller’s callbacks that throw', () => {
  const throwing = () => {
    throw new Error('the caller’s callback broke');
  };

  it('run() with a started() that throws resolves with its value', async () => {
    const backend = new NativeBackend<number, number>({ kernel: 'square' });
    expect(await backend.run(3, { signal: signal(), started: throwing })).toBe(9);
  });

  it('runMany() with a throwing started() and report(): every entry keeps its value', async () => {
    const backend = new NativeBackend<number, number>({ kernel: 'square' });
    const results = await backend.runMany(
      [
        { input: 1, options: { signal: signal(), started: throwing } },
        { input: 2, options: { signal: signal() } },
      ],
      throwing,
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.status))).toEqual([1, 4]);
  });
});
