export { tick } from './settle.js';

/** The state of a followed promise. */
export type Settled<T> =
  | { state: 'pending' }
  | { state: 'fulfilled'; value: T }
  | { state: 'rejected'; error: unknown };

/** Follows a promise so that a check can look at its state synchronously. */
export function track<T>(promise: Promise<T>): { readonly current: Settled<T> } {
  const box: { current: Settled<T> } = { current: { state: 'pending' } };
  promise.then(
    (value) => {
      box.current = { state: 'fulfilled', value };
    },
    (error: unknown) => {
      box.current = { state: 'rejected', error };
    },
  );
  return box;
}

/** An error's `name`, whatever the value. */
export const errorName = (error: unknown): unknown => (error as { name?: unknown })?.name;
/** An error's `code`, whatever the value. */
export const errorCode = (error: unknown): unknown => (error as { code?: unknown })?.code;
