/**
 * Checks of user-facing options. Each throws a TypeError (wrong type) or RangeError (out of
 * range) naming the option, the expected range and the value received, with a `code`
 * (`ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`) so callers can compare codes.
 */

/** The most threads the native pool accepts (rust/thread_pool.rs MAX_THREADS). */
export const MAX_THREADS = 256;

import { describeValue as describe } from '@poolkit/core';

/** Renders a value for an error message: core's rendering, so every package's errors read alike. */
export { describe };

/** A TypeError with code ERR_INVALID_ARG_TYPE. */
export function typeError(message: string): TypeError & { code: string } {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** A RangeError with code ERR_INVALID_ARG_VALUE. */
export function rangeError(message: string, code = 'ERR_INVALID_ARG_VALUE'): RangeError & { code: string } {
  return Object.assign(new RangeError(message), { code });
}

/** An integer from min to max. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw typeError(`${name} must be a number, received ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(`${name} must be an integer from ${min} to ${max}, received ${describe(value)}`);
  }
  return value;
}

/** An AbortSignal or undefined. */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal))
    throw typeError(`${name} must be an AbortSignal, received ${describe(value)}`);
  return value;
}

/** A plain options object (or undefined → {}). */
export function checkOptions<T extends object>(name: string, value: unknown): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) {
    throw typeError(`${name} must be an object, received ${describe(value)}`);
  }
  return value as Partial<T>;
}
