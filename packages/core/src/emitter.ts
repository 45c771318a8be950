import { argTypeError, describe } from './validate.js';

/** A listener of an {@link Emitter} event: called with that event's arguments, its return value ignored. */
export type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * A minimal typed event emitter: the base class of {@link Pool} and {@link RateLimitedQueue}.
 * `Events` maps each event name to the tuple of arguments its listeners receive.
 *
 * Unlike node:events, an 'error' with no listener is dropped instead of thrown: a failed
 * background task must never crash the process. Listeners run synchronously, in the order they
 * were added; one added or removed during an emit takes effect from the next emit. A listener
 * that throws does not stop the others: its error is rethrown from a microtask (an uncaught
 * exception), never into the code that emitted.
 *
 * @example
 * pool.on('idle', () => console.log('idle')).once('drain', () => console.log('drained once'));
 */
export class Emitter<Events extends Record<string, unknown[]>> {
  #listeners = new Map<keyof Events, Listener<any>[]>();

  /** Adds a listener; returns `this` for chaining. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    if (typeof listener !== 'function') {
      throw argTypeError(`listener must be a function, received ${describe(listener)}`);
    }
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  /** Adds a listener that runs at most once. */
  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    if (typeof listener !== 'function') {
      throw argTypeError(`listener must be a function, received ${describe(listener)}`);
    }
    const wrapped: Listener<Events[E]> = (...args) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  /** Removes a listener added with `on`. */
  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const index = list.indexOf(listener);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  /** The number of listeners for `event`. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of [...list]) {
      try {
        listener(...args);
      } catch (error) {
        // A throwing listener must not corrupt the pool's bookkeeping; surface it asynchronously.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
