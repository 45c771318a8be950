/**
 * Regression (issue 19, small defects): a Pool option given as a revoked Proxy (`concurrency`)
 * let the Proxy's own exception escape instead of the clear TypeError every other option gives.
 * Every option now names itself, with the code the other refusals carry.
 */
import { describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { revoked } from './helpers.js';

const options = [
  'concurrency',
  'capacity',
  'queue',
  'onFull',
  'paused',
  'keepResults',
  'resultsCapacity',
  'timeout',
  'startTimeout',
  'retries',
  'latency',
  'maxBatch',
  'signal',
] as const;

describe('a Pool option given as a revoked Proxy', () => {
  for (const option of options) {
    it(`${option}: a TypeError naming ${option}, with ERR_INVALID_ARG_TYPE`, () => {
      let thrown: unknown;
      try {
        new Pool({ executor: (n: number) => n, [option]: revoked() });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect(thrown).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      expect((thrown as Error).message).toContain(option);
      expect((thrown as Error).message).toContain('a revoked Proxy');
    });
  }

  it('backend and executor: named too', () => {
    expect(() => new Pool({ backend: revoked() as never })).toThrow(
      /backend must implement Backend.*a revoked Proxy/,
    );
    expect(() => new Pool({ executor: revoked() as never })).toThrow(
      /executor must be a function.*a revoked Proxy/,
    );
  });
});
