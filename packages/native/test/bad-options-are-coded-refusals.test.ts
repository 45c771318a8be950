import type { BatchEntry } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { loadAddon, NativeBackend, runBatch } from '../src/index.js';
import { rejection } from './helpers.js';

const signal = () => new AbortController().signal;
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

/** A refusal: a TypeError or RangeError with a Node-style code. */
function expectRefusal(e: Error & { code?: string }, code = 'ERR_INVALID_ARG_TYPE') {
  expect(e).toBeInstanceOf(e instanceof RangeError ? RangeError : TypeError);
  expect(e.code).toBe(code);
}

describe('bad input never escapes as someone else’s exception', () => {
  const backend = new NativeBackend<number, number>({ kernel: 'square' });

  it('run() with a signal that is not an AbortSignal rejects coded, and starts nothing', async () => {
    const before = loadAddon().pending();
    for (const options of [
      { signal: 'nope' },
      { signal: {} },
      null,
      7,
      revoked(),
      { signal: signal(), started: 1 },
    ]) {
      const e = await rejection(backend.run(2, options as never));
      expectRefusal(e);
    }
    expect(loadAddon().pending()).toBe(before);
    expect(await backend.run(3, { signal: signal() })).toBe(9);
  });

  it('runMany() with a malformed batch or report rejects coded', async () => {
    const ok: BatchEntry<number> = { input: 1, options: { signal: signal() } };
    for (const [batch, report] of [
      ['x', undefined],
      [[ok, { input: 1, options: { signal: 5 } }], undefined],
      [[ok, null], undefined],
      [[ok], 'report'],
      [revoked(), undefined],
    ] as const) {
      expectRefusal(await rejection(backend.runMany(batch as never, report as never)));
    }
    expect(await backend.runMany([ok])).toMatchObject([{ status: 'fulfilled', value: 1 }]);
  });

  it('runBatch options: a bad signal, library or a revoked options object are coded', async () => {
    expectRefusal(await rejection(runBatch('square', [1], { signal: 'x' as never })));
    expectRefusal(await rejection(runBatch('square', [1], { library: 42 as never })));
    expectRefusal(await rejection(runBatch('square', [1], revoked() as never)));
    const throwing = Object.defineProperty({}, 'signal', {
      get() {
        throw new Error('boom');
      },
    });
    expectRefusal(await rejection(runBatch('square', [1], throwing)));
  });

  it('a detached input of every typed array kind is ERR_DETACHED_BUFFER, never an empty result', async () => {
    for (const Kind of [Float64Array, Float32Array, Int32Array, Uint8Array, Int16Array, Uint32Array]) {
      const view = new Kind(4);
      structuredClone(view.buffer, { transfer: [view.buffer] });
      expect(view.byteLength).toBe(0);
      const e = await rejection(runBatch('square', view as never));
      expect(e.code, Kind.name).toBe('ERR_DETACHED_BUFFER');
      expect(e).toBeInstanceOf(TypeError);
      expect((await rejection(runBatch('square', [1], { params: view as never }))).code).toBe(
        'ERR_DETACHED_BUFFER',
      );
    }
  });
});
