/**
 * The metric series of one instrumentation: one per (pool, backend, task name), found once per try
 * and holding the attribute sets its records use, made once and shared by every record.
 *
 * Why: the metrics SDK turns the attribute set of every record into a sorted JSON key to find its
 * data point, and that hashing was a third of the instrumentation's cost on trivial tasks (CPU
 * profile, docs/observability.md "Cost"). The SDK hashes whatever it is given, so the lever here is
 * fewer records: the tries that ended are tallied here, per series and outcome, and reported by an
 * observable counter on each collection, so a try makes one SDK record (its duration) rather than
 * two. Attribute objects are frozen: the SDK may keep the first it sees as its data point's key.
 */
import type { Attributes } from '@opentelemetry/api';
import type { TaskTrace } from '@poolkit/core';
import { ATTR_BACKEND, ATTR_ERROR_TYPE, ATTR_OUTCOME, ATTR_POOL_NAME, ATTR_TASK_NAME } from './attributes.js';
import type { Outcome } from './outcome.js';

/** How tries of one series ended one way: the attributes of their records and how many there were. */
export interface Ending {
  readonly attributes: Attributes;
  count: number;
}

/** One (pool, backend, task name): its base attributes and its endings by outcome and error type. */
export class Series {
  /** `poolkit.pool.name`, `poolkit.backend` and `poolkit.task.name` (when given). */
  readonly attributes: Attributes;
  /** The name of its tries' spans, `process <pool>` (made once, not per try). */
  readonly spanName: string;
  /** The common ending, kept apart from the map. */
  #succeeded: Ending | undefined;
  /** Other endings, by `outcome` or `outcome` + NUL + `error.type`. */
  readonly #others = new Map<string, Ending>();

  constructor(pool: string, backend: string, task: string | undefined) {
    const attributes: Attributes = { [ATTR_POOL_NAME]: pool, [ATTR_BACKEND]: backend };
    if (task !== undefined) attributes[ATTR_TASK_NAME] = task;
    this.attributes = Object.freeze(attributes);
    this.spanName = `process ${pool}`;
  }

  /** The ending for `outcome` (with `errorType` unless it succeeded), made on first use. */
  ending(outcome: Outcome, errorType: string | undefined): Ending {
    if (outcome === 'succeeded') {
      this.#succeeded ??= this.#make(outcome, undefined);
      return this.#succeeded;
    }
    const key = errorType === undefined ? outcome : `${outcome}\0${errorType}`;
    let ending = this.#others.get(key);
    if (ending === undefined) {
      ending = this.#make(outcome, errorType);
      this.#others.set(key, ending);
    }
    return ending;
  }

  /** Every ending seen so far. */
  *endings(): IterableIterator<Ending> {
    if (this.#succeeded !== undefined) yield this.#succeeded;
    yield* this.#others.values();
  }

  #make(outcome: Outcome, errorType: string | undefined): Ending {
    const attributes: Attributes = { ...this.attributes, [ATTR_OUTCOME]: outcome };
    if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
    return { attributes: Object.freeze(attributes), count: 0 };
  }
}

/** Series by pool, backend and task name: three Map lookups per try, no string built. */
export class SeriesTable {
  readonly #byPool = new Map<string, Map<string, Map<string | undefined, Series>>>();

  /** The series of `trace`'s try, made on first use. */
  of(trace: TaskTrace): Series {
    let byBackend = this.#byPool.get(trace.pool);
    if (byBackend === undefined) {
      byBackend = new Map();
      this.#byPool.set(trace.pool, byBackend);
    }
    let byTask = byBackend.get(trace.backend);
    if (byTask === undefined) {
      byTask = new Map();
      byBackend.set(trace.backend, byTask);
    }
    let series = byTask.get(trace.task);
    if (series === undefined) {
      series = new Series(trace.pool, trace.backend, trace.task);
      byTask.set(trace.task, series);
    }
    return series;
  }

  /** Every series seen so far. */
  *all(): IterableIterator<Series> {
    for (const byBackend of this.#byPool.values())
      for (const byTask of byBackend.values()) yield* byTask.values();
  }
}
