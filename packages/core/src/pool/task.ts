/**
 * The Pool's records: one {@link Task} per submitted input, one {@link Attempt} per try of it.
 *
 * A task's life, in `status`:
 *
 *   NEW ──accepted by the queue──▶ WAITING ──popped and started──▶ RUNNING ──▶ DONE
 *    │                               │                               (tries, backoffs)
 *    └── refused / aborted ─────▶ DONE ◀── cancelled (abort, clear, stop) ──┘
 *
 * A task is accepted synchronously right after the queue takes it, so every task a pop returns
 * is WAITING or DONE (a tombstone, with a queue that cannot remove items).
 */
import type { RunOptions, TaskContext, Transferable } from '../contracts.js';
import type { FairQueue } from '../fair-queue.js';
import type { IntrusiveList, Linked } from '../intrusive-list.js';
import type { TaskScope, TaskTrace } from './tracing.js';

/** Options of one task. */
export interface TaskOptions {
  /** Higher starts first, with a queue that orders by priority. Default 0. */
  priority?: number;
  /** Cancels the task: while waiting for room (never accepted), while queued, or while running. */
  signal?: AbortSignal;
  /** ms of execution per try; overrides the pool's `timeout`. */
  timeout?: number;
  /** ms a try may wait inside its backend before it starts; overrides the pool's `startTimeout`. */
  startTimeout?: number;
  /** Named entry point for backends that have several (piscina's named exports). */
  task?: string;
  /** Transferables handed to a thread without copying. */
  transfer?: readonly Transferable[];
  /**
   * The group the task belongs to (a tenant, a user, a shard): a {@link FairQueue} serves keys
   * in turn and limits each key's waiting and running tasks; other queues ignore it (callers
   * blocked on a full queue are still let in by key in turn). Tasks without one form one group.
   */
  key?: string;
}

export const NEW = 0;
export const WAITING = 1;
export const RUNNING = 2;
export const DONE = 3;

/** Where a task's outcome goes. */
export const TO_PROMISE = 0;
export const TO_RESULTS = 1;
export const TO_CALLBACK = 2;
export type Sink = typeof TO_PROMISE | typeof TO_RESULTS | typeof TO_CALLBACK;

/** @internal Receives the outcome of a task dispatched by run(). */
export type OutcomeCallback<I> = (ok: boolean, value: unknown, input: I) => void;

/** Who hears that a try has begun to run (the Pool's Tries). */
export interface StartListener {
  started(attempt: Attempt): void;
}

/**
 * One try of a task: the context the executor sees and the options the backend gets.
 *
 * Its `signal` is made on first use, and only for a try that something of its own can cancel
 * (a timeout or the task's signal): materialising an AbortController costs a tiny task about
 * 7 µs, ten times the rest of the pool's work per task. Every other try shares the pool's stop
 * signal, which aborts only on `stop({ force: true })`. Likewise `started` is bound on first
 * read: only a backend that reports starts reads it. Allocated once per try on the hot path:
 * keep it small.
 */
export class Attempt implements TaskContext, RunOptions {
  task?: string;
  transfer?: readonly Transferable[];
  /**
   * Its `poolkit:task` context, when somebody listened as it began (see tracing.ts). Declared,
   * not initialised: a try nobody traces carries no slot for it (measured: a field more on every
   * try and task cost the async path ≈ 7 %).
   */
  declare trace?: TaskTrace;
  /**
   * The try's own controller (made on first use), or — for a try that only a force-stop can
   * cancel — the pool's stop controller, which this try must never abort itself.
   */
  controller: AbortController | undefined;
  /** The backend said this try began to run (see {@link started}). */
  begun = false;
  #started: (() => void) | undefined = undefined;
  constructor(
    readonly attempt: number,
    /** False when only a force-stop can cancel this try: no timeout and no task signal. */
    readonly cancellable: boolean,
    stop: AbortController,
    /** The task this try belongs to. */
    readonly owner: Task<unknown, unknown>,
    readonly listener: StartListener,
  ) {
    this.controller = cancellable ? undefined : stop;
  }
  get signal(): AbortSignal {
    if (this.controller === undefined) this.controller = new AbortController();
    return this.controller.signal;
  }
  /**
   * True only for a try a Pool made (its private brand): an object built on this prototype, or a
   * Proxy of a try, is not one and gets every check. Never throws.
   */
  static isAttempt(value: unknown): value is Attempt {
    return typeof value === 'object' && value !== null && #started in value;
  }
  /** RunOptions.started: the backend tells the try began to run. Bound, so it may be passed around. */
  get started(): () => void {
    if (this.#started === undefined) this.#started = () => this.listener.started(this);
    return this.#started;
  }
  /** RunOptions.traceHeaders: what a `poolkit:task` subscriber put in this try's `carrier`. */
  get traceHeaders(): Readonly<Record<string, string>> | undefined {
    return this.trace?.carrier;
  }
  /** Aborts this try's own signal (the shared stop signal is aborted by the pool itself). */
  abort(reason: unknown): void {
    if (!this.cancellable) return;
    if (this.controller === undefined) this.controller = new AbortController();
    this.controller.abort(reason);
  }
}

/**
 * One submitted input. Its links put it in one of the pool's lines at a time: the callers
 * blocked on a full queue (status NEW) or the tasks in flight (status RUNNING); while WAITING
 * it sits in the queue itself.
 */
export class Task<I, O> implements Linked<Task<I, O>> {
  status = NEW;
  attempts = 0;
  current: Attempt | undefined = undefined;
  /** The try's timeout, or the retry's backoff. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The try's timeout waits for its turn in a batch (see Tries.holdTimer). */
  held = false;
  /** The claim epoch when it was accepted (see claims.ts). */
  epoch = 0;
  /** Its queue handed it out (pop/tryPop) and must hear when it ends (WorkQueue.release). */
  popped = false;
  /** Its submission context and times, when somebody listened to `poolkit:task` as it was submitted (declared only: see Attempt.trace). */
  declare scope?: TaskScope;
  resolve: ((value: O) => void) | undefined = undefined;
  reject: ((error: unknown) => void) | undefined = undefined;
  callback: OutcomeCallback<I> | undefined = undefined;
  /** enqueue()/dispatch(): resolves the caller's promise once the task is accepted. */
  accepted: (() => void) | undefined = undefined;
  /**
   * With `latency: true`: the time of acceptance, then of the current try's start, as whole
   * seconds and microseconds since the recorder's origin (two Smis; see latency.ts).
   */
  stampS = 0;
  stampU = 0;
  prev: Task<I, O> | null = null;
  next: Task<I, O> | null = null;
  list: IntrusiveList<Task<I, O>> | null = null;
  constructor(
    readonly input: I,
    readonly options: TaskOptions | undefined,
    readonly sink: Sink,
  ) {}

  /** Hands the outcome to a submit() promise or a run() callback (TO_RESULTS is the pool's). */
  settle(ok: boolean, value: unknown): void {
    if (this.sink === TO_CALLBACK) this.callback!(ok, value, this.input);
    else if (ok) this.resolve!(value as O);
    else this.reject!(value);
  }
}
