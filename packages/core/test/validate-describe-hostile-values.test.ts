/**
 * Regression: `describe` read `value.constructor.name` unguarded, so a hostile value (a throwing
 * `constructor` getter, a Proxy whose trap throws, a revoked Proxy) replaced an option check's
 * clear TypeError with its own exception.
 */
import { expect, it, describe as suite } from 'vitest';
import { checkInteger, checkObject, checkSignal, describe } from '../src/validate.js';

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const throwingTrap = new Proxy(
  {},
  {
    get() {
      throw new Error('get trap');
    },
    getPrototypeOf() {
      throw new Error('getPrototypeOf trap');
    },
  },
);

const throwingConstructor = Object.defineProperty({}, 'constructor', {
  get() {
    throw new Error('constructor getter');
  },
});

class Named {
  readonly kind = 'named';
  static get name(): string {
    throw new Error('name getter');
  }
}

const hostile: [string, unknown, string][] = [
  ['a revoked Proxy', revokedProxy(), 'a revoked Proxy'],
  ['a revoked Proxy of a function', Proxy.revocable(() => {}, {}).proxy, 'a function'],
  ['a Proxy whose traps throw', throwingTrap, 'an object'],
  ['an object whose constructor getter throws', throwingConstructor, 'an object'],
  ['an instance of a class whose name getter throws', new Named(), 'an object'],
  ['an object inheriting from a throwing Proxy', Object.create(throwingTrap), 'an object'],
  ['an object without a prototype', Object.create(null), 'an object'],
  ['a symbol', Symbol('s'), 'Symbol(s)'],
];

suite('describing a hostile value never throws', () => {
  it.each(hostile)('describes %s', (_, value, expected) => {
    expect(describe(value)).toBe(expected);
  });

  it('still names an ordinary class, array, string and bigint', () => {
    expect(describe(new Int32Array(1))).toBe('an instance of Int32Array');
    expect(describe([1])).toBe('an array');
    expect(describe({})).toBe('an object');
    expect(describe('x')).toBe('"x"');
    expect(describe(3n)).toBe('3n');
    expect(describe(-0)).toBe('-0');
  });

  it.each(hostile)(
    'an option check given %s still throws its own TypeError naming the option',
    (_, value, expected) => {
      expect(() => checkInteger('concurrency', value, 1)).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_TYPE',
          message: `concurrency must be a number, received ${expected}`,
        }),
      );
      expect(() => checkSignal('signal', value)).toThrow(
        expect.objectContaining({ message: `signal must be an AbortSignal, received ${expected}` }),
      );
    },
  );

  it('checkObject rejects a revoked Proxy with its own TypeError (Array.isArray would throw)', () => {
    expect(() => checkObject('options', revokedProxy())).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'options must be an object, received a revoked Proxy',
      }),
    );
  });
});
