import { describe, expect, it } from 'vitest';
import { PiscinaBackend, type PiscinaBackendOptions } from '../src/index.js';
import { TASKS } from './helpers.js';

function make(options: unknown): () => PiscinaBackend {
  return () => new PiscinaBackend(options as PiscinaBackendOptions);
}

/** The error core's option checks throw: class, Node-style code and exact message. */
function optionError(type: typeof TypeError | typeof RangeError, message: string) {
  const code = type === TypeError ? 'ERR_INVALID_ARG_TYPE' : 'ERR_INVALID_ARG_VALUE';
  return expect.objectContaining({ name: type.name, code, message });
}

describe('PiscinaBackend checks its options', () => {
  it('needs an options object with a filename', () => {
    expect(make(undefined)).toThrow(/options must be an object, received undefined/);
    expect(make({})).toThrow(TypeError);
    expect(make({ filename: '' })).toThrow(/options\.filename must be a non-empty path/);
    expect(make({ filename: new URL('https://example.com/w.js') })).toThrow(/file: URL/);
  });

  it('names the option, the range and the value for a bad thread count', () => {
    expect(make({ filename: TASKS, threads: 0 })).toThrow(
      optionError(RangeError, 'options.threads must be an integer from 1 to 1024, received 0'),
    );
    expect(make({ filename: TASKS, threads: 1.5 })).toThrow(RangeError);
    expect(make({ filename: TASKS, threads: '2' })).toThrow(
      optionError(TypeError, 'options.threads must be a number, received "2"'),
    );
  });

  it('keeps minThreads within 0 … threads', () => {
    expect(make({ filename: TASKS, threads: 2, minThreads: 3 })).toThrow(
      optionError(RangeError, 'options.minThreads must be an integer from 0 to 2, received 3'),
    );
    expect(make({ filename: TASKS, threads: 2, minThreads: -1 })).toThrow(RangeError);
  });

  it('rejects a negative idleTimeout and a zero concurrentTasksPerWorker', () => {
    expect(make({ filename: TASKS, idleTimeout: -1 })).toThrow(/options\.idleTimeout .* received -1/);
    expect(make({ filename: TASKS, idleTimeout: 'soon' })).toThrow(TypeError);
    expect(make({ filename: TASKS, concurrentTasksPerWorker: 0 })).toThrow(
      /options\.concurrentTasksPerWorker must be an integer from 1 to 1024, received 0/,
    );
  });

  it('checks resourceLimits, env, execArgv and name types', () => {
    expect(make({ filename: TASKS, resourceLimits: 5 })).toThrow(/options\.resourceLimits must be an object/);
    expect(make({ filename: TASKS, env: 'x' })).toThrow(/options\.env must be an object/);
    expect(make({ filename: TASKS, execArgv: [1] })).toThrow(/options\.execArgv must be an array of strings/);
    expect(make({ filename: TASKS, name: '' })).toThrow(
      optionError(TypeError, 'options.name must be a non-empty string, received ""'),
    );
    expect(make({ filename: TASKS, execArgv: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it("keeps a finite idleTimeout within setTimeout's limit, and still takes Infinity", async () => {
    expect(make({ filename: TASKS, idleTimeout: 2_147_483_648 })).toThrow(
      optionError(
        RangeError,
        'options.idleTimeout must be ≥ 0 and ≤ 2147483647 ms (or Infinity), received 2147483648',
      ),
    );
    const backend = make({ filename: TASKS, threads: 1, idleTimeout: Number.POSITIVE_INFINITY })();
    await backend.close();
  });
});
