import { describe, expect, it } from 'vitest';
import { batchRefusal, runRefusal } from '../src/kit/index.js';

const signal = new AbortController().signal;

describe('runRefusal and batchRefusal refuse a malformed call by name', () => {
  it('accepts well-formed options and batches', () => {
    expect(runRefusal('mine', { signal, task: 'a', attempt: 2, cancellable: true })).toBeUndefined();
    expect(batchRefusal('mine', [{ input: 1, options: { signal } }], () => {})).toBeUndefined();
  });

  it('names the backend, the field and the value received, with a code', () => {
    const refused = runRefusal('mine', { signal: {} }) as Error & { code: string };
    expect(refused).toBeInstanceOf(TypeError);
    expect(refused.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(refused.message).toBe('mine: run() options.signal must be an AbortSignal, received an object');
    const range = runRefusal('mine', { signal, attempt: 0 }) as Error & { code: string };
    expect(range).toBeInstanceOf(RangeError);
    expect(range.code).toBe('ERR_INVALID_ARG_VALUE');
  });

  it('turns a getter that throws, or a revoked Proxy, into a refusal, never a throw', () => {
    const getter = {
      signal,
      get task(): string {
        throw new Error('no');
      },
    };
    expect((runRefusal('mine', getter) as Error).message).toMatch(/options\.task cannot be read/);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(runRefusal('mine', proxy)).toBeInstanceOf(TypeError);
    expect(batchRefusal('mine', proxy)).toBeInstanceOf(TypeError);
  });

  it('names the entry of a batch that is wrong, and a report that is not a function', () => {
    const refused = batchRefusal('mine', [
      { input: 1, options: { signal } },
      { input: 2, options: {} },
    ]);
    expect((refused as Error).message).toMatch(/^mine: runMany\(\) batch\[1\]\.options\.signal/);
    expect((batchRefusal('mine', [], 5) as Error).message).toMatch(/report must be a function/);
  });
});
