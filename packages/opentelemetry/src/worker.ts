/**
 * `@poolkit/opentelemetry/worker`: the one line a worker thread's module (PiscinaBackend) or a
 * `poolkit-worker` process adds so that the spans its tasks start join the try's trace from the
 * main thread.
 *
 * The main thread's `PoolkitInstrumentation` writes each try's context as text headers (the
 * registered propagator's: W3C `traceparent` by default with the NodeSDK); the backend carries
 * them to where the task runs, which runs it on core's `poolkit:task:run` channel
 * (`runWithTraceHeaders`). {@link traceWorkerTasks} binds the OpenTelemetry context store to that
 * channel: the task runs in the context extracted from the headers, so `tracer.startActiveSpan()`
 * inside it makes a child of the try's span. It needs, in that thread or process, a tracer
 * provider, a propagator and an AsyncLocalStorage context manager registered (the NodeSDK
 * registers all three).
 *
 * @example
 * // worker.mjs, run by a PiscinaBackend
 * import './telemetry.js'; // this thread's NodeSDK / tracer provider
 * import { traceWorkerTasks } from '@poolkit/opentelemetry/worker';
 * traceWorkerTasks();
 * export default async function render(page) {
 *   return tracer.startActiveSpan('render', (span) => { … span.end(); }); // a child of the try's span
 * }
 *
 * @module
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import { type Context, context, propagation } from '@opentelemetry/api';
import { TASK_RUN_CHANNEL, type TaskRun } from '@poolkit/core/kit';
import { contextStorage } from './context-binding.js';

let bound: AsyncLocalStorage<Context> | undefined;

/**
 * Runs every task of this thread or process that came with trace headers in the context they
 * carry (see the module's doc). Idempotent; returns a function that undoes it. Throws a TypeError
 * when the registered context manager is not AsyncLocalStorage-based (nothing could be bound).
 */
export function traceWorkerTasks(): () => void {
  const storage = contextStorage();
  if (storage === undefined) {
    throw new TypeError(
      'traceWorkerTasks() needs an AsyncLocalStorage context manager registered in this thread or process (the NodeSDK registers one): none was found',
    );
  }
  const channel = diagnostics.channel(TASK_RUN_CHANNEL) as diagnostics.Channel<Context, TaskRun>;
  if (bound !== storage) {
    if (bound !== undefined) channel.unbindStore(bound);
    channel.bindStore(storage, (run) => propagation.extract(context.active(), run.headers));
    bound = storage;
  }
  return () => {
    if (bound === undefined) return;
    channel.unbindStore(bound);
    bound = undefined;
  };
}
