import { describe, expect, it } from 'vitest';
import { checkBoolean, checkName, checkOneOf } from '../src/validate.js';

describe('booleans, names and string enums are checked exactly', () => {
  it('a boolean option takes true or false, no truthy stand-ins', () => {
    expect(checkBoolean('paused', true)).toBe(true);
    expect(checkBoolean('paused', false)).toBe(false);
    expect(() => checkBoolean('paused', 1)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: 'paused must be a boolean, received 1' }),
    );
    expect(() => checkBoolean('paused', 'yes')).toThrow(/paused must be a boolean, received "yes"/);
  });

  it('a name is a non-empty string', () => {
    expect(checkName('name', 'inline')).toBe('inline');
    expect(() => checkName('options.name', '')).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        message: 'options.name must be a non-empty string, received ""',
      }),
    );
    expect(() => checkName('options.name', 5)).toThrow(TypeError);
  });

  it('an enum option takes one of its strings, and the error lists them', () => {
    expect(checkOneOf('onFull', 'reject', ['wait', 'reject'])).toBe('reject');
    expect(() => checkOneOf('onFull', 'drop', ['wait', 'reject'])).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        message: `onFull must be 'wait' or 'reject', received "drop"`,
      }),
    );
    expect(() => checkOneOf('mode', 1, ['a', 'b', 'c'])).toThrow(`mode must be 'a', 'b' or 'c', received 1`);
    expect(() => checkOneOf('mode', 'WAIT', ['wait'])).toThrow(`mode must be 'wait', received "WAIT"`);
  });
});
