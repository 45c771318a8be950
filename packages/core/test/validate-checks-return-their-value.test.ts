import { describe, expect, expectTypeOf, it } from 'vitest';
import { checkFunction, checkObject, checkOptions } from '../src/validate.js';

interface Options {
  size?: number;
}

describe('every check returns the value it checked', () => {
  it('checkFunction returns the function, typed as the declared function type', () => {
    const listener: ((error: Error) => void) | undefined = () => {};
    const checked = checkFunction('listener', listener);
    expect(checked).toBe(listener);
    expectTypeOf(checked).toEqualTypeOf<(error: Error) => void>();
    const unknownValue: unknown = listener;
    expectTypeOf(checkFunction('listener', unknownValue)).toEqualTypeOf<(...args: never[]) => unknown>();
  });

  it('checkObject returns the object, typed as the declared object type', () => {
    const given: Options | undefined = { size: 1 };
    const checked = checkObject('options', given);
    expect(checked).toBe(given);
    expectTypeOf(checked).toEqualTypeOf<Options>();
    const unknownValue: unknown = given;
    expectTypeOf(checkObject('options', unknownValue)).toEqualTypeOf<object>();
  });

  it('checkOptions returns the object, or undefined for undefined', () => {
    const given: Options | undefined = { size: 1 };
    expect(checkOptions('options', given)).toBe(given);
    expect(checkOptions('options', undefined)).toBeUndefined();
    expectTypeOf(checkOptions('options', given)).toEqualTypeOf<Options | undefined>();
  });
});
