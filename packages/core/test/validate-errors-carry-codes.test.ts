import { describe, expect, it } from 'vitest';
import {
  argRangeError,
  argTypeError,
  checkBoolean,
  checkDelay,
  checkFunction,
  checkInteger,
  checkName,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptions,
  checkSignal,
  checkTimeout,
} from '../src/validate.js';

const wrongType: [string, () => unknown][] = [
  ['checkInteger', () => checkInteger('n', '1', 1)],
  ['checkNumber', () => checkNumber('n', Number.NaN, 0)],
  ['checkTimeout', () => checkTimeout('n', '5')],
  ['checkDelay', () => checkDelay('n', null)],
  ['checkBoolean', () => checkBoolean('n', 1)],
  ['checkName', () => checkName('n', 5)],
  ['checkOneOf', () => checkOneOf('n', 'c', ['a', 'b'])],
  ['checkFunction', () => checkFunction('n', {})],
  ['checkSignal', () => checkSignal('n', {})],
  ['checkObject', () => checkObject('n', [])],
  ['checkOptions', () => checkOptions('n', null)],
];

const outOfRange: [string, () => unknown][] = [
  ['checkInteger', () => checkInteger('n', 0, 1)],
  ['checkNumber', () => checkNumber('n', 2, 0, 1)],
  ['checkTimeout', () => checkTimeout('n', 0)],
  ['checkDelay', () => checkDelay('n', -1)],
];

describe('option errors carry Node-style codes', () => {
  it.each(wrongType)('%s throws a TypeError with code ERR_INVALID_ARG_TYPE', (_, check) => {
    expect(check).toThrow(TypeError);
    expect(check).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it.each(outOfRange)('%s throws a RangeError with code ERR_INVALID_ARG_VALUE', (_, check) => {
    expect(check).toThrow(RangeError);
    expect(check).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('the error factories make the same errors, a RangeError with a more specific code on request', () => {
    expect(argTypeError('m')).toMatchObject({
      name: 'TypeError',
      message: 'm',
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(argRangeError('m')).toMatchObject({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
    expect(argRangeError('m', 'ERR_UNKNOWN_KERNEL')).toMatchObject({ code: 'ERR_UNKNOWN_KERNEL' });
    expect(argRangeError('m')).toBeInstanceOf(RangeError);
  });
});
