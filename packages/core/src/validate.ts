/**
 * Option checks shared by every constructor, and exported for adapter authors so that their
 * errors read like poolkit's own. Each throws a TypeError (wrong type) or a RangeError (right
 * type, out of range) naming the option, the expected range and the value received.
 */

/** Renders a received value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    // Name the class when there is one: "an instance of Int32Array" says more than "an object".
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object'
      ? `an instance of ${name}`
      : 'an object';
  }
  return String(value);
}

/** An integer ≥ min (and ≤ max); `Infinity` too when `allowInfinity`. */
export function checkInteger(
  name: string,
  value: unknown,
  min: number,
  { max = Number.MAX_SAFE_INTEGER, allowInfinity = false } = {},
): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number, received ${describe(value)}`);
  }
  if (value === Number.POSITIVE_INFINITY && allowInfinity) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = allowInfinity ? `an integer ≥ ${min} or Infinity` : `an integer from ${min} to ${max}`;
    throw new RangeError(`${name} must be ${range}, received ${describe(value)}`);
  }
  return value;
}

/** A finite number ≥ min (and ≤ max). */
export function checkNumber(name: string, value: unknown, min: number, max = Number.MAX_VALUE): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number, received ${describe(value)}`);
  }
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be a finite number from ${min} to ${max}, received ${describe(value)}`,
    );
  }
  return value;
}

/** A function. */
export function checkFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new TypeError(`${name} must be a function, received ${describe(value)}`);
  }
}

/** An AbortSignal (or undefined). */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`${name} must be an AbortSignal, received ${describe(value)}`);
  }
  return value;
}

/** A required options object (not null, not an array). */
export function checkObject(name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, received ${describe(value)}`);
  }
}

/** An optional options object: undefined, or what {@link checkObject} accepts. */
export function checkOptions(name: string, value: unknown): void {
  if (value !== undefined) checkObject(name, value);
}
