import type { Producer, ProducerObject } from './contracts.js';
import { argTypeError, describe } from './validate.js';

/**
 * Drives any {@link Producer} form, calling `emit` for each item and awaiting it (so a full
 * queue pauses the producer), until the producer ends or `signal` aborts.
 */
export async function drive<I>(
  producer: Producer<I>,
  emit: (item: I) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  if (typeof producer === 'function') {
    if (isGeneratorFunction(producer)) {
      // A `function*` or `async function*` returns an iterator rather than items.
      return driveIterable((producer as () => AsyncIterable<I>)(), emit, signal);
    }
    const next = producer as () => I | null | undefined | Promise<I | null | undefined>;
    while (!signal.aborted) {
      const item = await next();
      if (item === null || item === undefined) return;
      await emit(item);
    }
    return;
  }
  if (isProducerObject(producer)) {
    await producer.produce(emit, signal);
    return;
  }
  if (producer !== null && typeof producer === 'object') {
    if (Symbol.asyncIterator in producer || Symbol.iterator in producer) {
      return driveIterable(producer as AsyncIterable<I>, emit, signal);
    }
  }
  throw argTypeError(
    `producer must be an iterable, an async iterable, a function or an object with produce(), received ${describe(producer)}`,
  );
}

async function driveIterable<I>(
  source: Iterable<I> | AsyncIterable<I>,
  emit: (item: I) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  for await (const item of source as AsyncIterable<I>) {
    if (signal.aborted) return; // leaving the loop calls the iterator's return()
    await emit(item);
  }
}

/** True for `function*` and `async function*`, whose call returns an iterator. */
function isGeneratorFunction(fn: Function): boolean {
  const name = fn.constructor?.name;
  return name === 'GeneratorFunction' || name === 'AsyncGeneratorFunction';
}

function isProducerObject<I>(value: unknown): value is ProducerObject<I> {
  return (
    typeof value === 'object' && value !== null && typeof (value as ProducerObject<I>).produce === 'function'
  );
}

/** True when `value` is one of the {@link Producer} forms (checked before any work starts). */
export function isProducer(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  return isProducerObject(value) || Symbol.asyncIterator in value || Symbol.iterator in value;
}
