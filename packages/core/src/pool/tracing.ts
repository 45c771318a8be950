/**
 * The `poolkit:task` TracingChannel: every try of every task, on `node:diagnostics_channel`, for
 * APMs and OpenTelemetry to subscribe to (`@poolkit/opentelemetry` does). See
 * docs/observability.md for the protocol; in short, per try:
 *
 *   start ─▶ end            the try is handed to the backend (end: the hand-over returned)
 *     … the task runs …
 *   [error] ─▶ asyncStart ─▶ asyncEnd      the try settled (error first when it failed)
 *
 * Nothing is allocated or published while nobody subscribes: a try checks `hasSubscribers` once,
 * and only then gets a context. A task submitted while somebody subscribes also keeps the async
 * context it was submitted in (an AsyncResource), and its `start` is published in it — so a
 * subscriber that reads the active context there (OpenTelemetry's context manager) finds the
 * caller's, not whatever was running when a slot freed.
 */
import { AsyncResource } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import type { TaskOptions } from './task.js';

/**
 * What every event of the `poolkit:task` TracingChannel carries: one object per try, the same
 * object on all of that try's events. Public API: the fields below are stable.
 */
export interface TaskTrace<I = unknown> {
  /** The pool's `name` (PoolOptions.name). */
  readonly pool: string;
  /** The backend's `name` (`'inline'`, `'piscina'`, `'native:md5'`, `'bullmq:jobs'`…). */
  readonly backend: string;
  /** The task's named entry point (`TaskOptions.task`), when it has one. */
  readonly task: string | undefined;
  /** The task's key (`TaskOptions.key`), when it has one. */
  readonly key: string | undefined;
  /** Which try this is: 1 for the first, 2 for the first retry… */
  readonly attempt: number;
  /** The task's input. */
  readonly input: I;
  /**
   * ms the task waited in the pool's queue, from its acceptance to its first try's start (the
   * same on every try of it). `undefined` when nobody subscribed as it was accepted.
   */
  readonly queueWait: number | undefined;
  /**
   * How many tries went to the backend in the same call (`runMany`), 1 for a try sent alone by a
   * batching pool; `undefined` for a pool that does not batch.
   */
  readonly batchSize: number | undefined;
  /**
   * Text headers for where the task runs (W3C `traceparent`…): a subscriber may set it on
   * `start`; a backend that runs tasks in another thread or process carries it there (as
   * `RunOptions.traceHeaders`) and runs the task inside `runWithTraceHeaders`. Starts undefined.
   */
  carrier: Record<string, string> | undefined;
  /** The try's value, set before `asyncStart` when it succeeded. */
  result?: unknown;
  /**
   * Why the try failed, set before `error` and `asyncStart`: the task's own error, a
   * `TaskTimeoutError` / `TaskStartTimeoutError` (codes `ERR_TASK_TIMEOUT` /
   * `ERR_TASK_START_TIMEOUT`), or for a cancelled task an `AbortError` or a `PoolStoppedError`.
   */
  error?: unknown;
}

/** The channel names, for subscribers: `tracing:poolkit:task:start`, `:end`, `:asyncStart`, `:asyncEnd`, `:error`. */
export const TASK_CHANNEL = 'poolkit:task';

type Channels = diagnostics.TracingChannel<TaskTrace, TaskTrace>;

/** The channel, or undefined on a runtime without TracingChannel (nothing is published there). */
const channels: Channels | undefined =
  typeof diagnostics.tracingChannel === 'function'
    ? (diagnostics.tracingChannel(TASK_CHANNEL) as Channels)
    : undefined;

/** Whether anybody listens to any of the five channels now. */
export function tracing(): boolean {
  const c = channels;
  if (c === undefined) return false;
  // TracingChannel.hasSubscribers exists from Node 20.13; before, ask each channel.
  const all = (c as { hasSubscribers?: boolean }).hasSubscribers;
  if (all !== undefined) return all;
  return (
    c.start.hasSubscribers ||
    c.end.hasSubscribers ||
    c.asyncStart.hasSubscribers ||
    c.asyncEnd.hasSubscribers ||
    c.error.hasSubscribers
  );
}

/** What a task keeps for tracing, from its acceptance (only when somebody listened then). */
export class TaskScope extends AsyncResource {
  /** performance.now() of its acceptance by the queue; 0 before it. */
  acceptedAt = 0;
  /** performance.now() of the first try's start; 0 before it. */
  firstStart = 0;
  constructor() {
    super('poolkit:task'); // made in the submitter's async context: that is the one kept
  }
}

/** A task as the tracer sees it. */
export interface Traced<I> {
  readonly input: I;
  readonly options: TaskOptions | undefined;
  readonly scope?: TaskScope;
}

/** The pool-wide part of every context: its name and its backend's. */
export interface TraceSite {
  readonly pool: string;
  readonly backend: string;
}

/** The task whose submit (Pool's offer) is running now, while somebody traces. */
let submitting: object | undefined;

/** A submit begins: tries started until {@link leaveSubmit} whose task is `task` start in its submitter's context. */
export function enterSubmit(task: object): object | undefined {
  const outer = submitting;
  submitting = task;
  return outer;
}

/** The submit that {@link enterSubmit} began is over. */
export function leaveSubmit(outer: object | undefined): void {
  submitting = outer;
}

/** A try's context (published on nothing yet). */
export function openTrace<I>(
  site: TraceSite,
  task: Traced<I>,
  attempt: number,
  batchSize: number | undefined,
): TaskTrace<I> {
  const scope = task.scope;
  let queueWait: number | undefined;
  if (scope !== undefined && scope.acceptedAt > 0) {
    if (scope.firstStart === 0) scope.firstStart = performance.now();
    queueWait = scope.firstStart - scope.acceptedAt;
  } else if (task === submitting) {
    queueWait = 0; // started inside its own submit: it never waited
  }
  return {
    pool: site.pool,
    backend: site.backend,
    task: task.options?.task,
    key: task.options?.key,
    attempt,
    input: task.input,
    queueWait,
    batchSize,
    carrier: undefined,
  };
}

/**
 * Publishes `start` for `trace` in the task's submission context and runs `handOver` there, with
 * the subscribers' stores bound (`start.runStores`: a span made active on start is active in the
 * backend call); then `end`. What `handOver` throws goes through, after `end`.
 */
export function traceHandOver<R>(trace: TaskTrace, scope: TaskScope | undefined, handOver: () => R): R {
  const c = channels as Channels;
  const run = (): R => {
    try {
      return c.start.runStores(trace, handOver);
    } finally {
      c.end.publish(trace);
    }
  };
  return scope === undefined ? run() : scope.runInAsyncScope(run);
}

/** Publishes `start` for `trace` in the task's submission context (a batch entry: `end` comes after the batch's call). */
export function traceStart(trace: TaskTrace, scope: TaskScope | undefined): void {
  const c = channels as Channels;
  if (scope === undefined) c.start.publish(trace);
  else scope.runInAsyncScope(() => c.start.publish(trace));
}

/** Publishes `end` for a batch entry whose call returned. */
export function traceEnd(trace: TaskTrace): void {
  (channels as Channels).end.publish(trace);
}

/** A try settled: `result` or `error` is set, then `error` (on failure), `asyncStart`, `asyncEnd`. */
export function traceSettled(trace: TaskTrace, ok: boolean, value: unknown): void {
  const c = channels as Channels;
  if (ok) {
    trace.result = value;
  } else {
    trace.error = value;
    c.error.publish(trace);
  }
  c.asyncStart.publish(trace);
  c.asyncEnd.publish(trace);
}
