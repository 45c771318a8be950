import { describe, expect, it } from 'vitest';
import {
  ERROR_MARK,
  type ErrorData,
  fromErrorData,
  isErrorData,
  toErrorData,
  UNREADABLE_CODE,
} from '../src/kit/index.js';

/** What a trip through structured clone (a thread, an IPC channel) does to a value. */
const overClone = (value: ErrorData): ErrorData => structuredClone(value);
/** What a trip through JSON (Redis, HTTP) does to a value. */
const overJson = (value: ErrorData): ErrorData => JSON.parse(JSON.stringify(value));

describe('error-as-data keeps a thrown error whole across a boundary', () => {
  for (const [trip, carry] of [
    ['structured clone', overClone],
    ['JSON', overJson],
  ] as const) {
    it(`keeps the class, message, stack, code, own properties and cause over ${trip}`, () => {
      const cause = Object.assign(new RangeError('inner'), { code: 'ERR_INNER' });
      const thrown = Object.assign(new TypeError('outer', { cause }), { code: 'ERR_OUTER', retryable: true });
      const data = carry(toErrorData(thrown));
      expect(isErrorData(data)).toBe(true);
      const rebuilt = fromErrorData(data) as TypeError & { code: string; retryable: boolean; cause: unknown };
      expect(rebuilt).toBeInstanceOf(TypeError);
      expect(rebuilt.message).toBe('outer');
      expect(rebuilt.code).toBe('ERR_OUTER');
      expect(rebuilt.retryable).toBe(true);
      expect(rebuilt.stack).toBe(thrown.stack);
      expect(rebuilt.cause).toBeInstanceOf(RangeError);
      expect((rebuilt.cause as { code: string }).code).toBe('ERR_INNER');
    });
  }

  it('keeps the name of a class of the task’s own (rebuilt as an Error)', () => {
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    const rebuilt = fromErrorData(overClone(toErrorData(new QuotaError('over quota')))) as Error;
    expect(rebuilt).toBeInstanceOf(Error);
    expect(rebuilt.name).toBe('QuotaError');
    expect(rebuilt.message).toBe('over quota');
  });

  it('gives back a thrown non-error as the value itself', () => {
    expect(fromErrorData(overClone(toErrorData(42)))).toBe(42);
    expect(fromErrorData(overClone(toErrorData({ reason: 'no' })))).toEqual({ reason: 'no' });
  });

  it('rebuilds an AbortError as a DOMException and an AggregateError with its errors', () => {
    const abort = fromErrorData(
      overClone(toErrorData(new DOMException('stop', 'AbortError'))),
    ) as DOMException;
    expect(abort).toBeInstanceOf(DOMException);
    expect(abort.name).toBe('AbortError');
    const many = fromErrorData(
      overClone(toErrorData(new AggregateError([new Error('a'), new TypeError('b')], 'both'))),
    ) as AggregateError;
    expect(many).toBeInstanceOf(AggregateError);
    expect(many.errors.map((e: Error) => e.message)).toEqual(['a', 'b']);
  });

  it('never throws for a value that cannot be read, and codes it ERR_UNREADABLE_THROWN_VALUE', () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('no reading');
      },
      ownKeys() {
        throw new Error('no keys');
      },
    });
    const rebuilt = fromErrorData(overClone(toErrorData(hostile))) as Error & { code: string };
    expect(rebuilt.code).toBe(UNREADABLE_CODE);
    const unclonable = fromErrorData(overClone(toErrorData({ fn: () => 1 }))) as Error & { code: string };
    expect(unclonable.code).toBe(UNREADABLE_CODE);
  });

  it('tells its own data from any other object by the mark', () => {
    expect(isErrorData(toErrorData(new Error('x')))).toBe(true);
    expect(isErrorData({ message: 'x' })).toBe(false);
    expect(isErrorData({ [ERROR_MARK]: 2 })).toBe(false);
    expect(isErrorData(null)).toBe(false);
  });
});
