/**
 * What a worker module imports from `@poolkit/adapters/thread`: helpers for code that runs on a
 * PiscinaBackend's threads. Light on purpose: no import of `@poolkit/core` or piscina, so loading
 * it costs a thread nothing.
 */

/**
 * Where moves are recorded, shared through the global symbol registry: the shim and every copy
 * of this module a worker may load (another install of `@poolkit/adapters`, ESM or CommonJS)
 * find the same map. piscina's own `move()` marks values with a symbol private to its copy, so
 * it only works when the worker module and the backend load the very same piscina.
 */
import type { TransferListItem } from 'node:worker_threads';

const MOVES = Symbol.for('@poolkit/adapters.moves');

type Moves = WeakMap<object, readonly TransferListItem[]>;

/** The registry of values to move (the shim reads it; exported for it only). */
export function movesRegistry(): Moves {
  const global = globalThis as { [MOVES]?: Moves };
  global[MOVES] ??= new WeakMap();
  return global[MOVES];
}

/**
 * Marks a task's result to be moved to the main thread instead of copied: its buffers are
 * transferred (they become detached in the thread). Returns `value` itself, so the same function
 * still works off a thread (in an InlineBackend, in a test) where nothing is moved.
 *
 * The transfer list defaults to the value itself for an ArrayBuffer or a MessagePort, and to its
 * buffer for a typed array or DataView (the whole buffer moves, with every view on it). Any other
 * object needs the list: `move({ pixels, meta }, [pixels.buffer])`. Only the object a task
 * returns is looked at (not a value nested in it, not an element of a batch's results array).
 *
 * @example
 * import { move } from '@poolkit/adapters/thread';
 * export function render(size) {
 *   const pixels = new Uint8Array(size);
 *   // ... fill it ...
 *   return move(pixels); // 0 copies, however big
 * }
 */
export function move<T>(value: T, transferList?: readonly TransferListItem[]): T {
  if (transferList !== undefined && !Array.isArray(transferList)) {
    throw typeError(
      `move(value, transferList): transferList must be an array, received ${kind(transferList)}`,
    );
  }
  if (value === null || typeof value !== 'object') {
    if (transferList === undefined || transferList.length === 0) return value; // nothing to move
    throw typeError(`move(value, transferList): only an object can be moved, received ${kind(value)}`);
  }
  let list = transferList;
  if (list === undefined) {
    if (value instanceof ArrayBuffer || isMessagePort(value)) list = [value as unknown as TransferListItem];
    else if (ArrayBuffer.isView(value)) list = [value.buffer as ArrayBuffer];
    else {
      throw typeError(
        'move(value): a plain object needs its transfer list, e.g. move(result, [result.bytes.buffer])',
      );
    }
  }
  movesRegistry().set(value, list);
  return value;
}

function isMessagePort(value: object): boolean {
  return (value as { constructor?: { name?: unknown } }).constructor?.name === 'MessagePort';
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function typeError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}
