/**
 * The telemetry module of `trace-across-threads`' `poolkit-worker` process, loaded before the CLI
 * with `NODE_OPTIONS='--import <this file's URL>'` — the way an operator adds a tracer to a worker
 * they start with `poolkit-worker --redis … --module …`:
 *
 *   NODE_OPTIONS='--import ./trace-report-telemetry.js' poolkit-worker --redis redis://… --module ./trace-report-tasks.js
 *
 * It sets up the process's own OpenTelemetry, sends each finished span to the parent process over
 * the IPC channel the example forked it with, and calls `traceWorkerTasks()`: each job's task then
 * runs in the context of the try that sent it (the job carries the try's `traceparent`), so the
 * spans the task module starts are children of the try spans `process reports` on the producer.
 */
import { traceWorkerTasks } from '@poolkit/opentelemetry/worker';
import { type SpanRecord, setUpTracing } from './trace-telemetry.js';

/** What this process sends its parent for each span (poolkit-worker itself sends `{ ready, pid }`). */
export interface SpanMessage {
  readonly span: SpanRecord;
}

// Without an IPC channel (started by hand) the spans are dropped: a real setup exports them.
setUpTracing((record) => {
  if (process.connected) process.send?.({ span: record } satisfies SpanMessage);
});
traceWorkerTasks();
