/**
 * `@poolkit/core/kit`: what every backend shares, light enough for a worker thread or a child
 * process to import — it loads neither the Pool nor vitest, piscina or any other dependency.
 *
 * | piece | for |
 * |---|---|
 * | {@link toErrorData}, {@link fromErrorData}, {@link isErrorData} | errors as plain data, so `code` and own properties cross a thread, process or network boundary |
 * | {@link ErrorListeners} | `onError`'s listeners: a coded refusal of a non-function, a throwing listener rethrown in a microtask |
 * | {@link abortReason} | the rejection of a task whose signal aborted: timeouts pass through, the rest become AbortErrors |
 * | {@link splitBatch}, {@link sameBatch}, {@link settleEntry} | which `runMany` entries can share one call, by the Pool's own rule; how one run alone is recorded |
 * | {@link readRunOptions}, {@link readBatch}, {@link runRefusal}, {@link batchRefusal} | a malformed `run`/`runMany` call refused by name before anything starts; the options read once |
 * | {@link runWithTraceHeaders}, {@link TASK_RUN_CHANNEL} | where a task runs outside the main thread: run it in the try's trace context (`RunOptions.traceHeaders`) |
 * | {@link tellStarted}, {@link safeReport} | the caller's `started()` and `report()`, called so that a throw cannot crash the process or fail other tasks |
 *
 * Everything here is also exported from `@poolkit/core` itself.
 *
 * @module
 */
export { abortReason } from './abort-reason.js';
export { type BatchKey, type BatchSplit, sameBatch, settleEntry, splitBatch } from './batch-split.js';
export { safeReport, tellStarted } from './caller-callbacks.js';
export {
  ERROR_MARK,
  type ErrorData,
  fromErrorData,
  isErrorData,
  toErrorData,
  UNREADABLE_CODE,
} from './error-data.js';
export { ErrorListeners } from './error-listeners.js';
export { batchRefusal, readBatch, readRunOptions, runRefusal } from './refusals.js';
export { runWithTraceHeaders, TASK_RUN_CHANNEL, type TaskRun } from './trace-headers.js';
