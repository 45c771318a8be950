/**
 * Every attribute and instrument name this package writes, in one place (the README's reference
 * tables list the same). `poolkit.*` names are ours; `messaging.*` and `error.type` follow the
 * OpenTelemetry semantic conventions (messaging spans, v1.x).
 */

/** The pool's name (`PoolOptions.name`). Spans and metrics. */
export const ATTR_POOL_NAME = 'poolkit.pool.name';
/** The backend's name (`'inline'`, `'piscina'`, `'native:md5'`…). Spans and metrics. */
export const ATTR_BACKEND = 'poolkit.backend';
/** The task's named entry point (`TaskOptions.task`), when given. Spans and metrics. */
export const ATTR_TASK_NAME = 'poolkit.task.name';
/** The task's key (`TaskOptions.key`), when given. Spans only (a key per tenant would blow up metric cardinality). */
export const ATTR_TASK_KEY = 'poolkit.task.key';
/** 1 for the first try, 2 for the first retry… Spans only. */
export const ATTR_ATTEMPT = 'poolkit.attempt';
/** The tries in the backend call that carried this one, for a batching pool. Spans only. */
export const ATTR_BATCH_SIZE = 'poolkit.batch.size';
/** ms the task waited in the queue before its first try, when known. Spans only. */
export const ATTR_QUEUE_WAIT_MS = 'poolkit.queue.wait_ms';
/** How the try ended: {@link Outcome}. Spans, `poolkit.task.duration` and `poolkit.task.finished`. */
export const ATTR_OUTCOME = 'poolkit.outcome';

/** Semantic conventions: the messaging system, always `'poolkit'`. */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
/** Semantic conventions: the operation type, always `'process'`. */
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
/** Semantic conventions: the operation name, always `'process'`. */
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
/** Semantic conventions: the destination, the pool's name. */
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
/** Semantic conventions: the error's class of a try that did not succeed (its `code` when it has one). */
export const ATTR_ERROR_TYPE = 'error.type';

/** Histogram (s): a try's run time, from its hand-over to the backend to its settling. */
export const METRIC_TASK_DURATION = 'poolkit.task.duration';
/** Histogram (s): how long a task waited in the queue before its first try. */
export const METRIC_QUEUE_WAIT = 'poolkit.task.queue_wait';
/** Counter ({try}): tries that ended, by `poolkit.outcome`. */
export const METRIC_TASK_FINISHED = 'poolkit.task.finished';
/** Histogram ({try}): the size of the backend call that carried each try of a batching pool. */
export const METRIC_BATCH_SIZE = 'poolkit.batch.size';
/** Gauge ({task}): tasks waiting in an observed pool's queue. */
export const METRIC_POOL_WAITING = 'poolkit.pool.waiting';
/** Gauge ({task}): tasks running in an observed pool. */
export const METRIC_POOL_RUNNING = 'poolkit.pool.running';
