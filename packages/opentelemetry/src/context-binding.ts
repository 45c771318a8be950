/**
 * Makes a try's span the active OpenTelemetry context inside the backend call.
 *
 * Core runs the backend call inside `start.runStores(trace, …)`: a store bound to the `start`
 * channel is entered, with the value its transform returns, around the start subscribers and the
 * call (so an InlineBackend executor and everything it awaits sees it). OpenTelemetry's
 * `AsyncLocalStorageContextManager` keeps the active `Context` as the store of an
 * `AsyncLocalStorage`; binding that storage to `start` with a transform that starts the span and
 * returns `trace.setSpan(active, span)` is what `context.with(ctx, call)` would do, had we the call.
 *
 * The storage is not public API: it is read from `context._getContextManager()._asyncLocalStorage`
 * and used only when it is an AsyncLocalStorage. Any other context manager (or none) leaves the
 * spans correct but not active in the call (the README says so).
 *
 * One binding serves every enabled instrumentation: `bindStore` keeps one transform per storage, so
 * a second instrumentation binding its own would replace the first's. The transform starts a span
 * for each of them (each a child of the submitter's context) and makes the first one's active.
 *
 *   start.runStores(trace, call)
 *     └─ transform(trace): for each instrumentation → span;  store.run(ctx(first span), …)
 *          └─ start subscribers (span already made: nothing to do) ─▶ call()
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import { type Context, context } from '@opentelemetry/api';
import { TASK_CHANNEL, type TaskTrace } from '@poolkit/core';

/** What the binding asks of an instrumentation: start the try's span (if it wants one) and return its context. */
export interface TryStarter {
  /** Starts `trace`'s span as a child of the active context; the context holding it, or undefined when it makes none. */
  startTry(trace: TaskTrace): Context | undefined;
}

// The store bound to `start` holds a Context; the channel's context objects are TaskTraces.
const channels = diagnostics.tracingChannel<Context, TaskTrace>(TASK_CHANNEL);

const starters = new Set<TryStarter>();
let bound: AsyncLocalStorage<Context> | undefined;

function transform(trace: TaskTrace): Context {
  let first: Context | undefined;
  for (const starter of starters) {
    const made = starter.startTry(trace);
    first ??= made;
  }
  return first ?? context.active();
}

/** The AsyncLocalStorage of the registered context manager, when it is an AsyncLocalStorageContextManager. */
export function contextStorage(): AsyncLocalStorage<Context> | undefined {
  try {
    const manager = (context as unknown as { _getContextManager?: () => unknown })._getContextManager?.();
    const storage = (manager as { _asyncLocalStorage?: unknown } | undefined)?._asyncLocalStorage;
    return storage instanceof AsyncLocalStorage ? (storage as AsyncLocalStorage<Context>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Binds (or re-binds, when the global context manager changed) the storage to `start` while any
 * starter is registered. Cheap when nothing changed: called on every `start`.
 */
export function syncBinding(): void {
  const storage = starters.size > 0 ? contextStorage() : undefined;
  if (storage === bound) return;
  if (bound !== undefined) channels.start.unbindStore(bound);
  bound = storage;
  if (bound !== undefined) channels.start.bindStore(bound, transform);
}

/** Registers `starter` for the binding (idempotent). */
export function addStarter(starter: TryStarter): void {
  starters.add(starter);
  syncBinding();
}

/** Unregisters `starter`; the storage is unbound when none is left. */
export function removeStarter(starter: TryStarter): void {
  starters.delete(starter);
  syncBinding();
}
