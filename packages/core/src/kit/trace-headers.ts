/**
 * The far end of a try's trace: where a backend runs a task outside the main thread (a worker
 * thread, a `poolkit-worker` process), it runs it inside {@link runWithTraceHeaders}, which
 * publishes on the `poolkit:task:run` channel with the try's `traceHeaders` and runs the task in
 * that channel's bound stores. A tracer set up there (`@poolkit/opentelemetry/worker`) binds its
 * context store to the channel, extracting the try's context from the headers: a span the task
 * starts is then a child of the try's span on the main thread.
 *
 *   main thread: poolkit:task start ─ subscriber puts traceparent in ctx.carrier ─▶ RunOptions.traceHeaders
 *   worker:      runWithTraceHeaders(headers, info, task) ─ poolkit:task:run.runStores ─▶ task()
 *
 * Nothing here loads the Pool: a worker imports it through `@poolkit/core/kit`.
 */
import * as diagnostics from 'node:diagnostics_channel';

/** The channel a task run elsewhere is published on: `poolkit:task:run`. */
export const TASK_RUN_CHANNEL = 'poolkit:task:run';

/** What {@link runWithTraceHeaders} publishes: the headers, and which task of which try runs. */
export interface TaskRun {
  /** The try's trace headers (`RunOptions.traceHeaders`), as the main thread's tracer set them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The task's named entry point, when it has one. */
  readonly task: string | undefined;
  /** Which try this is (1 for the first). */
  readonly attempt: number;
}

const channel = diagnostics.channel(TASK_RUN_CHANNEL) as diagnostics.Channel<unknown, TaskRun>;

/**
 * Runs `run` — the task — inside `poolkit:task:run`'s bound stores with `headers`, after
 * publishing them: so a tracer listening where the task runs can make it part of the try's trace.
 * Without headers (nobody traced the try) it just calls `run`. What `run` returns or throws goes
 * through.
 *
 * @example
 * // in a backend's worker shim
 * const result = runWithTraceHeaders(envelope.headers, { task: name, attempt }, () => fn(input, ctx));
 */
export function runWithTraceHeaders<R>(
  headers: Readonly<Record<string, string>> | undefined,
  info: { readonly task: string | undefined; readonly attempt: number },
  run: () => R,
): R {
  if (headers === undefined) return run();
  return channel.runStores({ headers, task: info.task, attempt: info.attempt }, run);
}
