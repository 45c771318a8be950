import { describe, expect, it } from 'vitest';
import { checkDelay, checkTimeout } from '../src/validate.js';

const MAX = 2_147_483_647;

describe("time options are checked against setTimeout's limit", () => {
  it('a timeout is > 0 and ≤ 2147483647 ms, or Infinity', () => {
    for (const ok of [1, 0.5, MAX, Number.POSITIVE_INFINITY]) expect(checkTimeout('timeout', ok)).toBe(ok);
    for (const bad of [0, -0, -1, MAX + 1, Number.NEGATIVE_INFINITY]) {
      expect(() => checkTimeout('timeout', bad)).toThrow(RangeError);
    }
    expect(() => checkTimeout('timeout', 0)).toThrow(
      'timeout must be > 0 and ≤ 2147483647 ms (or Infinity), received 0',
    );
    expect(() => checkTimeout('timeout', 'soon')).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        message: 'timeout must be a number of milliseconds, received "soon"',
      }),
    );
    expect(() => checkTimeout('timeout', Number.NaN)).toThrow(TypeError);
  });

  it('a delay is ≥ 0 and ≤ 2147483647 ms, and Infinity only when allowed', () => {
    for (const ok of [0, 0.5, MAX]) expect(checkDelay('idleTimeout', ok)).toBe(ok);
    expect(checkDelay('idleTimeout', Number.POSITIVE_INFINITY, { allowInfinity: true })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(() => checkDelay('idleTimeout', Number.POSITIVE_INFINITY)).toThrow(
      'idleTimeout must be ≥ 0 and ≤ 2147483647 ms, received Infinity',
    );
    expect(() => checkDelay('idleTimeout', MAX + 1, { allowInfinity: true })).toThrow(
      'idleTimeout must be ≥ 0 and ≤ 2147483647 ms (or Infinity), received 2147483648',
    );
    expect(() => checkDelay('idleTimeout', -1, { allowInfinity: true })).toThrow(RangeError);
    expect(() => checkDelay('idleTimeout', '5')).toThrow(TypeError);
  });
});
