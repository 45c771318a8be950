/** How a promise ended within a bound, as the suites look at it. */
export interface Settlement {
  /** False when the promise was still pending when the bound passed. */
  readonly settled: boolean;
  /** True when it resolved. */
  readonly ok: boolean;
  /** The value it resolved with, or the reason it rejected with. */
  readonly value: unknown;
}

/** Waits for `promise` at most `ms`; reports whether it settled, and how. Leaves no timer behind. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<Settlement> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Settlement>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false, ok: false, value: undefined }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ settled: true, ok: true, value }),
        (value: unknown) => ({ settled: true, ok: false, value }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets every pending callback, microtask and timer-free continuation run. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A short, readable account of a value or error, for failure messages. */
export function show(value: unknown): string {
  if (value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value)) {
    const error = value as { name?: unknown; message?: unknown; code?: unknown };
    const code = error.code === undefined ? '' : ` [${String(error.code)}]`;
    return `${String(error.name)}${code}: ${String(error.message)}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
