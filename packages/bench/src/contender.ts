/**
 * The seam between the harness and the things it measures. A {@link Contender} opens a
 * {@link Runner} for one scenario; the harness cross-checks the runner's outputs, times whole
 * batches with tinybench, samples one-task round trips, and closes it.
 *
 * Every contender is listed once, in `contenders/registry.ts`: the ids `--backend` takes, the
 * table order, the registry by id and each scenario's line-up are computed from that list.
 */
import type { Workload } from './workloads.js';

/** `floor`: the plain loop; `poolkit`: this project; `worker-pool`/`in-process`: the peers. */
export type ContenderKind = 'floor' | 'poolkit' | 'worker-pool' | 'in-process';

/** One measured situation: a workload, a batch size and (for I/O workloads) a concurrency. */
export interface Scenario {
  /** `md5`, or `sleep-c5` for the sleep workload at concurrency 5. */
  readonly id: string;
  readonly workload: Workload;
  /** Tasks per batch (one timed iteration runs them all). */
  readonly tasks: number;
  /** Tasks in flight for I/O workloads; undefined for CPU workloads (contenders use `threads`). */
  readonly concurrency: number | undefined;
  /** Milliseconds per task of the sleep workload. */
  readonly sleepMs: number;
  /** What one task is, when it says more than the workload's title (the distributed scenario). */
  readonly title?: string;
  /** How the contenders are set up, when `threads` alone does not say it (the distributed scenario). */
  readonly setup?: string;
  /**
   * True when the scenario has a line-up of its own: the floor and the contenders that name it
   * ({@link Contender.only}, {@link Contender.alsoIn}). False or undefined: every selected
   * contender that is not bound to a scenario of its own.
   */
  readonly exclusive?: boolean;
}

/** What a contender is given to open a runner. */
export interface OpenContext {
  readonly scenario: Scenario;
  /** Worker threads for pools, and in-flight tasks for in-process queues on CPU workloads. */
  readonly threads: number;
  /** Absolute path of the directory holding the worker entry files (dist/workers). */
  readonly workerDir: string;
}

/** A contender set up for one scenario. */
export interface Runner {
  /** Runs every item; settles once all are done, with the outputs (see {@link split}). */
  batch(items: readonly unknown[]): Promise<unknown>;
  /** Runs one item, alone, and resolves with its output. */
  one(item: unknown): Promise<unknown>;
  /** The per-item outputs of a `batch` result, in input order. Default: the result is that array. */
  split?(result: unknown, count: number): unknown[];
  /** Releases every thread and handle; the harness always awaits it. */
  close(): Promise<void>;
  /** Anything the report should say about this run (a workaround that was needed, say). */
  readonly notes?: readonly string[];
}

/**
 * Something the suite measures. `Id` is its id as a literal type, so the registry's list of
 * contenders yields the union of every id (`ContenderId`).
 */
export interface Contender<Id extends string = string> {
  /** What `--backend` takes and the report's `id`; unique in the registry. */
  readonly id: Id;
  /** Shown in tables and charts. */
  readonly label: string;
  readonly kind: ContenderKind;
  /** The id of the one ({@link Scenario.exclusive}) scenario this contender runs in; undefined = any. */
  readonly only?: string;
  /** Scenarios with a line-up of their own it also runs in, besides the workloads' (the distributed one). */
  readonly alsoIn?: readonly string[];
  /** Why this contender does not take part in `workload` by design, or undefined when it does. */
  unsupported(workload: Workload): string | undefined;
  /** Sets up a runner. Throws {@link SkipError} when something it needs is unavailable. */
  open(context: OpenContext): Promise<Runner>;
}

/**
 * Thrown by `open` when the contender cannot run here (a missing addon, package or redis-server):
 * reported as skipped, with the message as the reason.
 */
export class SkipError extends Error {
  override readonly name = 'SkipError';
}

/** The effective concurrency of a scenario for a contender: the I/O concurrency, else the thread count. */
export function concurrencyOf(context: OpenContext): number {
  return context.scenario.concurrency ?? context.threads;
}

/**
 * The contenders of `selected` that run in `scenario`, in their order: for an
 * {@link Scenario.exclusive} scenario the floor and those naming it, else those bound to none.
 */
export function contendersOf<C extends Pick<Contender, 'kind' | 'only' | 'alsoIn'>>(
  scenario: Pick<Scenario, 'id' | 'exclusive'>,
  selected: readonly C[],
): C[] {
  if (scenario.exclusive !== true) return selected.filter((c) => c.only === undefined);
  return selected.filter(
    (c) => c.kind === 'floor' || c.only === scenario.id || (c.alsoIn ?? []).includes(scenario.id),
  );
}
