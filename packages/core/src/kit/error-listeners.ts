/**
 * The `onError` fan-out every backend that has errors outside any task needs (a worker thread
 * that throws from a timer after its task returned, a connection lost while idle).
 */
import { argTypeError, describe } from '../validate.js';

/**
 * The listeners of a backend's `onError`, and the one way to call them.
 *
 * - {@link ErrorListeners.add} is `onError`'s body: it refuses a listener that is not a function
 *   with a coded TypeError (`ERR_INVALID_ARG_TYPE`) and returns the function that unsubscribes
 *   (harmless to call twice; the same function added twice is two subscriptions).
 * - {@link ErrorListeners.emit} calls every listener with the error, in the order they were
 *   added. A listener that throws does not stop the others, and does not throw into the backend's
 *   own code: its error is rethrown in a microtask, where it is an uncaught exception as it would
 *   be from an EventEmitter listener.
 *
 * @example
 * class MyBackend implements Backend {
 *   readonly #errors = new ErrorListeners();
 *   onError(listener: (error: Error) => void): () => void {
 *     return this.#errors.add(listener);
 *   }
 *   #connectionLost(error: Error): void {
 *     this.#errors.emit(error);
 *   }
 * }
 */
export class ErrorListeners {
  readonly #listeners = new Set<(error: Error) => void>();

  /** How many subscriptions are live. */
  get size(): number {
    return this.#listeners.size;
  }

  /**
   * Subscribes `listener`; returns the function that unsubscribes it. Throws a coded TypeError,
   * subscribing nothing, when `listener` is not a function.
   */
  add(listener: (error: Error) => void): () => void {
    if (typeof listener !== 'function') {
      throw argTypeError(`onError(listener): listener must be a function, received ${describe(listener)}`);
    }
    // One entry per subscription, so unsubscribing one never removes another of the same function.
    const entry = (error: Error): void => listener(error);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Calls every listener with `error`. Never throws: a listener's error is rethrown in a microtask. */
  emit(error: Error): void {
    for (const listener of this.#listeners) {
      try {
        listener(error);
      } catch (thrown) {
        queueMicrotask(() => {
          throw thrown;
        });
      }
    }
  }
}
