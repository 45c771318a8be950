import * as diagnostics from 'node:diagnostics_channel';
import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  type ObservableCounter,
  type ObservableGauge,
  type ObservableResult,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace as traceApi,
} from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { type Pool, TASK_CHANNEL, type TaskTrace } from '@poolkit/core';
import * as names from './attributes.js';
import { type PoolkitInstrumentationConfig, validateConfig } from './config.js';
import { addStarter, removeStarter, syncBinding, type TryStarter } from './context-binding.js';
import { asException, errorType, failureOutcome, type Outcome } from './outcome.js';
import { type Series, SeriesTable } from './series.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

type Channels = diagnostics.TracingChannel<TaskTrace, TaskTrace>;

/**
 * Bucket boundaries for the second-valued histograms (the SDK's defaults, 0 … 10000, are made for
 * milliseconds: in seconds every try would land in the first buckets): 100 µs to 60 s.
 */
const SECONDS_BUCKETS = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** What this instrumentation keeps about one try (on its context object, so it goes with it). */
interface TryState {
  readonly span: Span;
  /** Its metric series (pool, backend, task name). */
  readonly series: Series;
  /** performance.now() of its start. */
  readonly startedAt: number;
  /** Set by the `error` event. */
  failed: boolean;
  error: unknown;
}

/** A try this instrumentation ignores (`config.ignore`), or one it started before it was disabled. */
const IGNORED = null;

/**
 * OpenTelemetry instrumentation for poolkit: a span and metric records for every try of every task
 * of every `Pool` in the process, from the `poolkit:task` diagnostics channel (docs/observability.md).
 * It patches no module: `enable()` subscribes to the channel, `disable()` unsubscribes.
 *
 * Each try gets a span `process <pool>` (kind CONSUMER) whose parent is the context active where
 * the task was submitted, and — with an `AsyncLocalStorageContextManager` — that span is the active
 * context inside the backend call (an InlineBackend executor's own spans are its children).
 *
 * @example
 * ```ts
 * import { registerInstrumentations } from '@opentelemetry/instrumentation';
 * import { PoolkitInstrumentation } from '@poolkit/opentelemetry';
 *
 * const poolkit = new PoolkitInstrumentation();
 * registerInstrumentations({ instrumentations: [poolkit] });
 * poolkit.observePool(pool); // optional: waiting/running gauges
 * ```
 */
export class PoolkitInstrumentation
  extends InstrumentationBase<PoolkitInstrumentationConfig>
  implements TryStarter
{
  // `declare`d, not initialised: the base class's constructor calls setConfig() and
  // _updateMetricInstruments() before this class's field initialisers would run (and reset them).
  declare private _channels: Channels | undefined;
  declare private _handlers: diagnostics.TracingChannelSubscribers<TaskTrace> | undefined;
  /**
   * The property under which this instrumentation keeps a try's state on its context object
   * (a symbol of its own, so two instrumentations never meet; a new one on disable(), which drops
   * the tries in flight). A property rather than a WeakMap: a WeakMap entry per try costs a hash
   * insertion and removal and makes every young-generation GC walk its ephemerons.
   */
  declare private _state: symbol;
  declare private _series: SeriesTable;
  declare private _pools: Set<Pool<any, any>> | undefined;
  declare private _duration: Histogram;
  declare private _queueWait: Histogram;
  declare private _finished: ObservableCounter;
  declare private _batchSize: Histogram;
  declare private _waiting: ObservableGauge;
  declare private _running: ObservableGauge;

  /**
   * Makes the instrumentation, subscribed at once unless `config.enabled` is false. Throws a
   * TypeError naming the field for a malformed config.
   */
  constructor(config: PoolkitInstrumentationConfig = {}) {
    const checked = validateConfig(config);
    // Subscribing from the base constructor would run before this class is set up: enable after.
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...checked, enabled: false });
    this.setConfig(checked);
    if (checked.enabled) this.enable();
  }

  /** Validates and sets the config (see {@link PoolkitInstrumentationConfig}); takes effect from the next try. */
  override setConfig(config: PoolkitInstrumentationConfig = {}): void {
    super.setConfig(validateConfig(config));
  }

  /** No module definitions: nothing is patched, the channel is all there is. */
  protected init(): undefined {
    return undefined;
  }

  /** The modules this instrumentation patches: none (an empty array), it only subscribes to a channel. */
  override getModuleDefinitions(): InstrumentationModuleDefinition[] {
    return [];
  }

  /** Subscribes to the `poolkit:task` channel (idempotent): every try from now on is recorded. */
  override enable(): void {
    if (this._handlers !== undefined) return;
    this._state ??= Symbol('poolkit try');
    this._series ??= new SeriesTable();
    this._channels ??= diagnostics.tracingChannel(TASK_CHANNEL) as Channels;
    this._handlers = {
      start: (trace) => this._onStart(trace),
      end: () => {},
      asyncStart: () => {},
      error: (trace) => this._onError(trace),
      asyncEnd: (trace) => this._onEnd(trace),
    };
    this._channels.subscribe(this._handlers);
    addStarter(this);
  }

  /**
   * Unsubscribes (idempotent): no span is started and nothing is recorded after it, the pool
   * gauges report nothing. Tries in flight at that moment are dropped (their spans never end).
   */
  override disable(): void {
    if (this._handlers === undefined) return;
    removeStarter(this);
    this._channels?.unsubscribe(this._handlers);
    this._handlers = undefined;
    this._state = Symbol('poolkit try');
  }

  /**
   * Reports `pool.stats.waiting` and `.running` as the gauges `poolkit.pool.waiting` and
   * `poolkit.pool.running` on every metric collection, until the pool's state is `'closed'` or the
   * returned function is called. Precondition: a `Pool` of `@poolkit/core`. Observing a pool twice
   * is the same as once.
   *
   * @example
   * ```ts
   * const stopObserving = instrumentation.observePool(pool);
   * ```
   */
  observePool(pool: Pool<any, any>): () => void {
    if (pool === null || typeof pool !== 'object' || typeof pool.name !== 'string' || !('stats' in pool)) {
      throw new TypeError(`observePool(pool): pool must be a Pool of @poolkit/core, received ${typeof pool}`);
    }
    this._pools ??= new Set();
    this._pools.add(pool);
    return () => void this._pools?.delete(pool);
  }

  /** Makes the instruments on the current meter (the base class calls it on setMeterProvider). */
  protected override _updateMetricInstruments(): void {
    this._duration = this.meter.createHistogram(names.METRIC_TASK_DURATION, {
      description: 'Run time of a try: from its hand-over to the backend until it settled.',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    this._queueWait = this.meter.createHistogram(names.METRIC_QUEUE_WAIT, {
      description: "Time a task waited in the pool's queue before its first try.",
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    // Tallied per series by the instrumentation and reported on collection (see series.ts).
    this._finished = this.meter.createObservableCounter(names.METRIC_TASK_FINISHED, {
      description: 'Tries that ended, by outcome (a retried task counts once per try).',
      unit: '{try}',
    });
    this._series = new SeriesTable(); // a new meter counts from zero, like its histograms
    this._batchSize = this.meter.createHistogram(names.METRIC_BATCH_SIZE, {
      description: 'Size of the backend call that carried each try of a batching pool (one record per try).',
      unit: '{try}',
      advice: { explicitBucketBoundaries: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] },
    });
    this._waiting = this.meter.createObservableGauge(names.METRIC_POOL_WAITING, {
      description: "Tasks waiting in an observed pool's queue.",
      unit: '{task}',
    });
    this._running = this.meter.createObservableGauge(names.METRIC_POOL_RUNNING, {
      description: 'Tasks running in an observed pool.',
      unit: '{task}',
    });
    this._finished.addCallback((result) => this._observeFinished(result));
    this._waiting.addCallback((result) => this._observe(result, 'waiting'));
    this._running.addCallback((result) => this._observe(result, 'running'));
  }

  private _observeFinished(result: ObservableResult): void {
    if (this._handlers === undefined) return;
    for (const series of this._series.all())
      for (const ending of series.endings()) result.observe(ending.count, ending.attributes);
  }

  private _observe(result: ObservableResult, which: 'waiting' | 'running'): void {
    const pools = this._pools;
    if (this._handlers === undefined || pools === undefined) return;
    for (const pool of pools) {
      if (pool.state === 'closed') {
        pools.delete(pool);
        continue;
      }
      result.observe(pool.stats[which], {
        [names.ATTR_POOL_NAME]: pool.name,
        [names.ATTR_BACKEND]: pool.backend.name,
      });
    }
  }

  /**
   * Starts `trace`'s span, a child of the active context (the submitter's: core publishes `start`
   * there), unless the try is ignored or already has one. Never throws (it runs inside Node's
   * bindStore transform, where a throw would become an uncaught exception).
   * @internal
   */
  startTry(trace: TaskTrace): Context | undefined {
    if (this._handlers === undefined) return undefined;
    const known = this._stateOf(trace);
    if (known !== undefined)
      return known === IGNORED ? undefined : traceApi.setSpan(context.active(), known.span);
    try {
      const config = this.getConfig();
      if (config.ignore !== undefined && this._hook(() => config.ignore?.(trace)) === true) {
        this._setState(trace, IGNORED);
        // No span of its own, but the task still belongs to its submitter's trace wherever it
        // runs, as it does on the main thread (an InlineBackend executor runs in that context).
        this._inject(context.active(), trace);
        return undefined;
      }
      // Literal keys (the values of names.ATTR_MESSAGING_SYSTEM … names.ATTR_ATTEMPT): an object
      // literal with computed keys is built one runtime call per key, about half of this
      // method's own time per try in a profile; with literal keys V8 copies a boilerplate.
      const attributes: Attributes = {
        'messaging.system': 'poolkit',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': trace.pool,
        'poolkit.pool.name': trace.pool,
        'poolkit.backend': trace.backend,
        'poolkit.attempt': trace.attempt,
      };
      if (trace.task !== undefined) attributes[names.ATTR_TASK_NAME] = trace.task;
      if (trace.key !== undefined) attributes[names.ATTR_TASK_KEY] = trace.key;
      if (trace.batchSize !== undefined) attributes[names.ATTR_BATCH_SIZE] = trace.batchSize;
      if (trace.queueWait !== undefined) attributes[names.ATTR_QUEUE_WAIT_MS] = trace.queueWait;
      if (config.spanAttributes !== undefined) {
        Object.assign(
          attributes,
          this._hook(() => config.spanAttributes?.(trace)),
        );
      }
      const series = this._series.of(trace);
      const parent = context.active();
      const span = this.tracer.startSpan(series.spanName, { kind: SpanKind.CONSUMER, attributes }, parent);
      this._setState(trace, { span, series, startedAt: performance.now(), failed: false, error: undefined });
      const spanContext = traceApi.setSpan(parent, span);
      this._inject(spanContext, trace);
      if (trace.attempt === 1 && trace.queueWait !== undefined)
        this._queueWait.record(trace.queueWait / 1000, series.attributes);
      if (trace.batchSize !== undefined) this._batchSize.record(trace.batchSize, series.attributes);
      return spanContext;
    } catch (error) {
      this._diag.error('could not start the span of a poolkit try', error);
      this._setState(trace, IGNORED);
      return undefined;
    }
  }

  /**
   * Writes `ctx` into the try's carrier for where the task runs (a worker thread, a
   * poolkit-worker) through the registered propagator, unless another instrumentation did; the
   * backend carries the headers there.
   */
  private _inject(ctx: Context, trace: TaskTrace): void {
    if (trace.carrier !== undefined) return;
    const carrier: Record<string, string> = {};
    propagation.inject(ctx, carrier);
    if (Object.keys(carrier).length > 0) trace.carrier = carrier;
  }

  /** Runs a user hook; what it throws goes to diag and gives undefined. */
  private _hook<T>(hook: () => T): T | undefined {
    try {
      return hook();
    } catch (error) {
      this._diag.error('a PoolkitInstrumentation config hook threw', error);
      return undefined;
    }
  }

  private _stateOf(trace: TaskTrace): TryState | typeof IGNORED | undefined {
    return (trace as unknown as Record<symbol, TryState | typeof IGNORED | undefined>)[this._state];
  }

  private _setState(trace: TaskTrace, state: TryState | typeof IGNORED | undefined): void {
    (trace as unknown as Record<symbol, TryState | typeof IGNORED | undefined>)[this._state] = state;
  }

  private _onStart(trace: TaskTrace): void {
    syncBinding(); // a context manager registered after enable() is bound from the next try on
    this.startTry(trace); // no-op when the bound store's transform made the span already
  }

  private _onError(trace: TaskTrace): void {
    const state = this._stateOf(trace);
    if (state === undefined || state === IGNORED) return;
    state.failed = true;
    state.error = trace.error;
  }

  private _onEnd(trace: TaskTrace): void {
    const state = this._stateOf(trace);
    if (state === undefined || state === IGNORED) return;
    this._setState(trace, undefined);
    const { span } = state;
    let outcome: Outcome = 'succeeded';
    let type: string | undefined;
    if (state.failed) {
      outcome = failureOutcome(state.error);
      type = errorType(state.error);
    }
    // A span the sampler left out records nothing: its attributes and exception are not built.
    if (span.isRecording()) {
      if (type !== undefined) {
        span.setAttribute(names.ATTR_ERROR_TYPE, type);
        span.recordException(asException(state.error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${outcome}: ${type}` });
      }
      span.setAttribute(names.ATTR_OUTCOME, outcome);
    }
    span.end();
    const ending = state.series.ending(outcome, type);
    ending.count++;
    this._duration.record((performance.now() - state.startedAt) / 1000, ending.attributes);
  }
}
