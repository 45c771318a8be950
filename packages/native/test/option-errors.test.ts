import { describe, expect, it } from 'vitest';
import { NativeBackend, runBatch } from '../src/index.js';
import { rejection } from './helpers.js';

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe("native option errors are core's: they name the option and value and carry a code", () => {
  it('an empty or non-string backend name is a TypeError', () => {
    for (const name of ['', 5]) {
      expect(() => new NativeBackend({ kernel: 'square', name: name as never })).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringMatching(/^options\.name must be a non-empty string, received/),
        }),
      );
    }
    expect(new NativeBackend({ kernel: 'square', name: 'sq' }).name).toBe('sq');
  });

  it('an unknown output lists the allowed ones', async () => {
    const e = await rejection(runBatch('md5', ['a'], { output: 'json' as never }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(`options.output must be 'buffers' or 'packed', received "json"`);
  });

  it('options that are an array or a revoked Proxy are refused, not thrown through', async () => {
    for (const options of [[], revokedProxy()]) {
      const e = await rejection(runBatch('square', [1], options as never));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.code).toBe('ERR_INVALID_ARG_TYPE');
      expect(e.message).toMatch(/^options must be an object, received an? (array|revoked Proxy)$/);
      expect(() => new NativeBackend(options as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
  });
});
