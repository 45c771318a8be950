/**
 * The OpenTelemetry setup of `trace-across-threads`, made the same way in each of the three places
 * its spans come from: the main thread, every PiscinaBackend worker thread, and the `poolkit-worker`
 * process. Each of them is its own isolate — its own `@opentelemetry/api` globals — so each
 * registers its own context manager, propagator and tracer provider; without them a worker's spans
 * would be no-ops, and `traceWorkerTasks()` would have no context store to bind.
 *
 *   main thread ──────── SimpleSpanProcessor → send(record) → the main thread's collector
 *   worker thread N ──── SimpleSpanProcessor → send(record) → a BroadcastChannel → the collector
 *   poolkit-worker pid ─ SimpleSpanProcessor → send(record) → process.send (IPC)  → the collector
 *
 * A real service would give each place an OTLP exporter instead of `send` and let the tracing
 * backend join the spans by trace id; the example brings them home so it can print the tree.
 *
 * Every span is stamped with where it was made (`process.pid`, `thread.id`): the tree shows it and
 * the test checks it. The export is synchronous (SimpleSpanProcessor calls the exporter as the span
 * ends), so a span is on its way before the task that ended it returns.
 */
import { threadId } from 'node:worker_threads';
import {
  type AttributeValue,
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type ExportResult,
  ExportResultCode,
  hrTimeToMilliseconds,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * The BroadcastChannel the worker threads' spans travel on to the main thread (a name every thread
 * of a process shares; here, not in the worker module, so the main thread can import it without
 * running that module's setup).
 */
export const SPANS_CHANNEL = 'trace-across-threads:spans';

/** The attribute naming the process a span was made in (semantic conventions' `process.pid`). */
export const ATTR_PROCESS_PID = 'process.pid';
/** The attribute naming the thread a span was made in: `worker_threads.threadId`, 0 for a main thread. */
export const ATTR_THREAD_ID = 'thread.id';

/** A finished span as plain data: what crosses a BroadcastChannel, an IPC channel, and `--json`. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** The parent's span id; null for a root span. */
  readonly parentSpanId: string | null;
  readonly name: string;
  /** `SpanKind`'s name: `INTERNAL`, `SERVER`, `CLIENT`, `PRODUCER` or `CONSUMER`. */
  readonly kind: string;
  /** `SpanStatusCode`'s name: `UNSET`, `OK` or `ERROR`. */
  readonly status: string;
  readonly statusMessage?: string;
  /** The instrumentation scope that made it (`@poolkit/opentelemetry` for the try spans). */
  readonly scope: string;
  /** Start, ms since the epoch (to the µs: the SDK's own start time is Date.now()'s, to the ms), and duration, ms. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly attributes: Readonly<Record<string, AttributeValue | undefined>>;
}

/**
 * When each span of this thread started, ms since the epoch, to the µs (set by {@link WhereProcessor}):
 * spans started in the same ms keep their order in the tree.
 */
const started = new WeakMap<ReadableSpan, number>();

/** `span` as a {@link SpanRecord}. */
export function toRecord(span: ReadableSpan): SpanRecord {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: SpanKind[span.kind],
    status: SpanStatusCode[span.status.code],
    ...(span.status.message ? { statusMessage: span.status.message } : {}),
    scope: span.instrumentationScope.name,
    startMs: started.get(span) ?? hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    attributes: { ...span.attributes },
  };
}

/** Stamps every span with the process and thread it is made in, and notes when it started. */
class WhereProcessor implements SpanProcessor {
  onStart(span: Span): void {
    started.set(span, performance.timeOrigin + performance.now());
    span.setAttribute(ATTR_PROCESS_PID, process.pid);
    span.setAttribute(ATTR_THREAD_ID, threadId);
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A span exporter that hands each span, as a record, to `send`. */
class SendExporter implements SpanExporter {
  readonly #send: (record: SpanRecord) => void;
  constructor(send: (record: SpanRecord) => void) {
    this.#send = send;
  }
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      for (const span of spans) this.#send(toRecord(span));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Registers, in this thread or process, an AsyncLocalStorage context manager, the W3C trace-context
 * propagator and a tracer provider whose spans go to `send` as they end. Returns a function that
 * shuts the provider down and unregisters all three (the main thread calls it at the end; a worker
 * thread or process just ends).
 *
 * The propagator matters on both sides: on the main thread `PoolkitInstrumentation` writes each
 * try's `traceparent` through it, and where the task runs `traceWorkerTasks()` reads it back.
 */
export function setUpTracing(send: (record: SpanRecord) => void): () => Promise<void> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new BasicTracerProvider({
    spanProcessors: [new WhereProcessor(), new SimpleSpanProcessor(new SendExporter(send))],
  });
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  };
}
