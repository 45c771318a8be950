/**
 * ChildProcessBackend: a poolkit {@link Backend} that runs tasks in a small pool of Node child
 * processes (node:child_process `fork`) — the template for writing an adapter.
 *
 *   run(input, { signal, task })
 *     │  FIFO of jobs waiting for an idle child
 *     ▼
 *   idle child ── { type: 'run', id, task, input } ──▶ child-process-worker.js ──▶ module export
 *     ◀── { type: 'done', id, ok, value | error as plain data } ◀──┘
 *
 * What the Backend contract asks, and how this file meets it:
 * - the task's own error, class/name/message/code kept → errors travel as plain data (core's kit:
 *   toErrorData in the child, fromErrorData here);
 * - reject promptly with an AbortError on abort (core's abortReason: a timeout passes through as
 *   itself) → a waiting job leaves the FIFO; a running one
 *   rejects at once and its child is killed (the only way to stop arbitrary code) and replaced;
 * - a crash fails only its own task → a child that exits while running a task rejects that
 *   task with WorkerCrashedError, and a fresh child takes its place;
 * - `close()` releases everything → waiting jobs reject with PoolClosedError, running ones
 *   finish, children are terminated. Idle children are unref'd, so a forgotten backend never
 *   keeps the process alive either.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  abortReason,
  argTypeError,
  type Backend,
  checkInteger,
  checkName,
  checkObject,
  describeValue,
  type ErrorData,
  fromErrorData,
  PoolClosedError,
  type RunOptions,
  readRunOptions,
  WorkerCrashedError,
} from '@poolkit/core';
import type { ChildMessage, RunMessage } from './protocol.js';

/** The program every child runs (compiled beside this file). */
const CHILD_MAIN = fileURLToPath(new URL('./child-process-worker.js', import.meta.url));

/** Children that die before they are ready, in a row, before the backend gives up. */
const MAX_FAILED_STARTS = 3;

/** Options of {@link ChildProcessBackend}. */
export interface ChildProcessBackendOptions {
  /**
   * The task module: a path (absolute, or relative to the working directory) or a `file:` URL
   * of a JavaScript module whose default export and/or named exports are `(input, ctx) => output`.
   */
  readonly module: string | URL;
  /** Child processes, each running one task at a time: the backend's concurrency. Default: available cores. Integer 1–64. */
  readonly processes?: number;
  /** Node flags of the children. Default none (children start clean, whatever the parent's flags). */
  readonly execArgv?: readonly string[];
  /** The backend's name. Default `'child-process'`. */
  readonly name?: string;
}

interface Job {
  readonly id: number;
  readonly message: RunMessage;
  readonly signal: AbortSignal;
  settled: boolean;
  /** Resolves (never rejects) once the job has settled. */
  readonly done: Promise<void>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort(): void;
}

interface Child {
  readonly process: ChildProcess;
  ready: boolean;
  job: Job | undefined;
  loadError: ErrorData | undefined;
  /** Killed on purpose (abort or close): its exit is expected. */
  killed: boolean;
  exited: Promise<void>;
}

/**
 * A {@link Backend} over `processes` forked Node processes running a task module.
 *
 * @example
 * const backend = new ChildProcessBackend({ module: new URL('./tasks.js', import.meta.url), processes: 2 });
 * const pool = new Pool({ backend });
 * await pool.submit('some input');
 * await pool.close(); // closes the backend: the children exit
 */
export class ChildProcessBackend<I = unknown, O = unknown> implements Backend<I, O> {
  readonly name: string;
  readonly concurrency: number;
  readonly #moduleUrl: string;
  readonly #execArgv: string[];
  readonly #children = new Set<Child>();
  readonly #idle: Child[] = [];
  readonly #waiting: Job[] = [];
  #nextId = 1;
  #failedStarts = 0;
  #broken: Error | undefined;
  #closing: Promise<void> | undefined;
  #readyWaiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(options: ChildProcessBackendOptions) {
    // core's option checks: errors that name the option, the range and the value, like poolkit's own.
    checkObject('options', options);
    this.#moduleUrl = moduleUrl(options.module);
    const processes =
      options.processes === undefined
        ? Math.min(availableParallelism(), 64)
        : checkInteger('processes', options.processes, 1, { max: 64 });
    if (options.execArgv !== undefined && !Array.isArray(options.execArgv)) {
      throw argTypeError(`execArgv must be an array of strings, received ${describeValue(options.execArgv)}`);
    }
    this.name = options.name === undefined ? 'child-process' : checkName('name', options.name);
    this.concurrency = processes;
    this.#execArgv = [...(options.execArgv ?? [])];
    for (let i = 0; i < processes; i++) this.#spawn();
  }

  /** Runs `input` through the module's default export (or `options.task`) in a child. */
  run(input: I, options: RunOptions): Promise<O> {
    if (this.#closing !== undefined)
      return Promise.reject(new PoolClosedError(`backend ${this.name} is closed`));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    // A bad call (options not a RunOptions, a signal that is not an AbortSignal) is refused by
    // name before anything is sent to a child.
    // Checked and read once: a getter cannot answer one thing to the check and another later.
    const checked = readRunOptions(this.name, options);
    if (checked instanceof Error) return Promise.reject(checked);
    options = checked;
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<O>((resolvePromise, rejectPromise) => {
      const id = this.#nextId++;
      let markDone!: () => void;
      const settle = (): boolean => {
        if (job.settled) return false;
        job.settled = true;
        signal?.removeEventListener('abort', job.onAbort);
        markDone();
        return true;
      };
      const job: Job = {
        id,
        message: { type: 'run', id, task: options?.task, input, attempt: options?.attempt ?? 1 },
        signal,
        settled: false,
        done: new Promise((done) => {
          markDone = done;
        }),
        resolve: (value) => {
          if (settle()) resolvePromise(value as O);
        },
        reject: (error) => {
          if (settle()) rejectPromise(error);
        },
        onAbort: () => this.#abort(job),
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#waiting.push(job);
      this.#dispatch();
    });
  }

  /**
   * Resolves once every child has loaded the task module: useful before measuring, or to fail
   * early on a module that does not load (rejects with WorkerCrashedError), or PoolClosedError
   * if the backend closes first. Not needed before `run`, which waits for a child by itself.
   */
  ready(): Promise<void> {
    if (this.#closing !== undefined)
      return Promise.reject(new PoolClosedError(`backend ${this.name} is closed`));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    if (this.#allReady()) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
    this.#updateRefs(); // someone waits: the children must keep the process alive until they are ready
    return waiting;
  }

  #allReady(): boolean {
    return this.#children.size === this.concurrency && [...this.#children].every((child) => child.ready);
  }

  #settleReady(error?: unknown): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
    this.#updateRefs();
  }

  /** Rejects waiting tasks with PoolClosedError, lets running ones finish, then ends every child. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#settleReady(new PoolClosedError(`backend ${this.name} is closed`));
    for (const job of this.#waiting.splice(0))
      job.reject(new PoolClosedError(`backend ${this.name} is closed`));
    const running = [...this.#children].flatMap((child) => (child.job ? [child.job.done] : []));
    await Promise.all(running);
    await Promise.all(
      [...this.#children].map((child) => {
        // Referenced while we wait for its exit, or the parent could end before close() resolves.
        child.process.ref();
        child.killed = true;
        child.process.kill('SIGTERM');
        return child.exited;
      }),
    );
  }

  #spawn(): void {
    const proc = fork(CHILD_MAIN, [this.#moduleUrl], {
      execArgv: this.#execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child: Child = {
      process: proc,
      ready: false,
      job: undefined,
      loadError: undefined,
      killed: false,
      exited: new Promise((done) => proc.once('exit', () => done())),
    };
    this.#children.add(child);
    proc.on('message', (message: ChildMessage) => this.#onMessage(child, message));
    proc.on('error', () => {}); // a failed spawn or send ends in 'exit', handled there
    proc.once('exit', (code, signal) => this.#onExit(child, code, signal));
    this.#updateRefs();
  }

  #onMessage(child: Child, message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        child.ready = true;
        this.#failedStarts = 0;
        this.#idle.push(child);
        if (this.#allReady()) this.#settleReady();
        this.#dispatch();
        return;
      case 'load-failed':
        child.loadError = message.error;
        return;
      case 'done': {
        const job = child.job;
        if (job === undefined || job.id !== message.id) return; // an answer for a task already aborted
        child.job = undefined;
        if (message.ok) job.resolve(message.value);
        else job.reject(fromErrorData(message.error));
        this.#idle.push(child);
        this.#dispatch();
      }
    }
  }

  #onExit(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    this.#children.delete(child);
    const idleAt = this.#idle.indexOf(child);
    if (idleAt !== -1) this.#idle.splice(idleAt, 1);
    const job = child.job;
    child.job = undefined;
    if (job !== undefined) {
      job.reject(
        new WorkerCrashedError(
          `the child process running this task exited (${signal === null ? `code ${code}` : `signal ${signal}`})`,
        ),
      );
    }
    if (this.#closing !== undefined) return;
    if (!child.ready && !child.killed) {
      this.#failedStarts++;
      if (this.#failedStarts >= MAX_FAILED_STARTS) {
        const cause = child.loadError ? fromErrorData(child.loadError) : undefined;
        const why =
          cause instanceof Error ? `: ${cause.message}` : cause === undefined ? '' : `: ${String(cause)}`;
        this.#broken = new WorkerCrashedError(
          `backend ${this.name}: ${MAX_FAILED_STARTS} children in a row exited before loading ${this.#moduleUrl}${why}`,
          { cause },
        );
        for (const waiting of this.#waiting.splice(0)) waiting.reject(this.#broken);
        this.#settleReady(this.#broken);
        this.#updateRefs();
        return;
      }
    }
    this.#spawn(); // a replacement keeps the backend at full strength
  }

  /** Hands waiting jobs to idle children, oldest job first. */
  #dispatch(): void {
    while (this.#waiting.length > 0 && this.#idle.length > 0) {
      const job = this.#waiting.shift()!;
      const child = this.#idle.shift()!; // the longest idle: tasks rotate over the children
      child.job = job;
      try {
        // Errors of an accepted send (the child died meanwhile) surface as its 'exit'.
        child.process.send(job.message, () => {});
      } catch (error) {
        // The input could not be serialized: the caller's mistake, not the child's.
        child.job = undefined;
        this.#idle.push(child);
        job.reject(error);
      }
    }
    this.#updateRefs();
  }

  #abort(job: Job): void {
    job.reject(abortReason(job.signal));
    const at = this.#waiting.indexOf(job);
    if (at !== -1) {
      this.#waiting.splice(at, 1);
      return;
    }
    for (const child of this.#children) {
      if (child.job === job) {
        // Arbitrary code cannot be interrupted from outside: end its process. #onExit replaces it.
        child.job = undefined;
        child.killed = true;
        child.process.kill('SIGKILL');
      }
    }
    this.#updateRefs();
  }

  /**
   * Children keep the parent alive only while there is work (waiting or running), a ready()
   * caller, or a close() waiting for them to exit. (Regression: a child that finished starting
   * during close() sent 'ready', which unreferenced every child; with nothing else alive the
   * parent exited with close() still pending, one run in ~30 under load.)
   */
  #updateRefs(): void {
    const busy =
      this.#closing !== undefined ||
      this.#waiting.length > 0 ||
      this.#readyWaiters.length > 0 ||
      [...this.#children].some((c) => c.job !== undefined);
    for (const { process: proc } of this.#children) setRef(proc, busy);
  }
}

/**
 * Makes `proc` keep this process alive (`on`) or not. Node holds the loop open for the child and,
 * separately, for its IPC channel, so both are (un)referenced. The channel's `ref`/`unref` are
 * feature-tested, not assumed: Bun's `subprocess.channel` has neither
 * (https://github.com/oven-sh/bun/issues/33593), and there `proc.unref()` alone already lets the
 * process exit with the channel open (https://github.com/oven-sh/bun/issues/23686).
 */
function setRef(proc: ChildProcess, on: boolean): void {
  const channel = proc.channel as { ref?: unknown; unref?: unknown } | null | undefined;
  if (on) {
    proc.ref();
    if (typeof channel?.ref === 'function') channel.ref();
  } else {
    proc.unref();
    if (typeof channel?.unref === 'function') channel.unref();
  }
}

function moduleUrl(module: unknown): string {
  if (module instanceof URL) {
    if (module.protocol !== 'file:')
      throw new TypeError(`module must be a file: URL, received ${module.href}`);
    return module.href;
  }
  if (typeof module !== 'string' || module.length === 0) {
    throw new TypeError(`module must be a path or a file: URL, received ${String(module)}`);
  }
  if (module.startsWith('file:')) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}
