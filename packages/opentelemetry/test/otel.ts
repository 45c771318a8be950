// The real OpenTelemetry SDK (2.x) around a PoolkitInstrumentation: spans into an in-memory
// exporter, metrics through a periodic reader (flushed by hand) into an in-memory exporter.
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { PACKAGE_NAME, PoolkitInstrumentation, type PoolkitInstrumentationConfig } from '../src/index.js';

/** Registers an AsyncLocalStorageContextManager for the file (call at the top of a test file). */
export function useContextManager(): void {
  let manager: AsyncLocalStorageContextManager;
  beforeAll(() => {
    manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
  });
  afterAll(() => {
    context.disable();
  });
}

const made: PoolkitInstrumentation[] = [];
afterEach(() => {
  for (const instrumentation of made.splice(0)) instrumentation.disable();
});

/**
 * An instrumentation with its own tracer and meter providers (disabled after the test). With DELTA
 * temporality a gauge shows only the series observed in the last collection (CUMULATIVE keeps stale ones).
 */
export function instrument(
  config: PoolkitInstrumentationConfig = {},
  temporality = AggregationTemporality.CUMULATIVE,
) {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(temporality);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = new PoolkitInstrumentation(config);
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  made.push(instrumentation);
  const tracer = tracerProvider.getTracer('test');
  return {
    instrumentation,
    /** The tries' spans, in the order they ended. */
    spans: (): ReadableSpan[] =>
      spanExporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === PACKAGE_NAME),
    /** Every finished span, the test's own too. */
    allSpans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    /** Runs `body` inside a new active span of the test's tracer; returns the span and body's value. */
    async inSpan<T>(name: string, body: (span: Span) => Promise<T>): Promise<{ span: Span; value: T }> {
      const span = tracer.startSpan(name);
      try {
        const value = await context.with(trace.setSpan(context.active(), span), () => body(span));
        return { span, value };
      } finally {
        span.end();
      }
    },
    tracer,
    /** Collects now: the data points of metric `name` (empty when it has none). */
    async points(name: string): Promise<DataPoint<any>[]> {
      metricExporter.reset(); // a collection with no data exports nothing: never read an older one
      await reader.forceFlush();
      const last = metricExporter.getMetrics().at(-1);
      const metric = last?.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? []) as DataPoint<any>[];
    },
    async shutdown(): Promise<void> {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

/** A gate: tasks that await `wait()` run on once `open()` is called. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, wait: () => opened };
}
