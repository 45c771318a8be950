import { afterAll, expect, type TestContext } from 'vitest';
import type { Backend } from '../contracts.js';
import { isAbortError } from '../errors.js';
import type { BackendConformance } from './conformance.js';
import { Heartbeats } from './heartbeats.js';
import { type Settlement, settleWithin, show } from './settle.js';

/** What every section of describeBackend shares: the conformance, its bounds and helpers. */
export interface BackendSuite<I, O> {
  /** What the backend's author declared. */
  readonly conformance: BackendConformance<I, O>;
  /** ms a rejection after an abort may take. */
  readonly abortWithin: number;
  /** ms close() and its releases may take. */
  readonly closeWithin: number;
  /** ms a task may take to start. */
  readonly startWithin: number;
  /** The heartbeat files of this suite. */
  readonly beats: Heartbeats;
  /** Makes a backend (awaiting the factory). */
  make(): Promise<Backend<I, O>>;
  /** Runs `body` with a fresh backend and closes it afterwards, even when `body` skips or fails. */
  withBackend(body: (backend: Backend<I, O>) => Promise<void>): Promise<void>;
  /** A fresh signal that never aborts. */
  signal(): AbortSignal;
  /**
   * The heartbeat input of a new file, or skips the test (naming why) when the conformance has
   * none. `ms` overrides how long it beats when not aborted.
   */
  heartbeat(ctx: TestContext, what: string): { input: I; file: string };
  /** Waits for the task writing `file` to start; fails naming the bound when it does not. */
  expectStarted(file: string, what: string): Promise<void>;
  /** Fails unless the work writing `file` stops within the abort bound, counted from `since`. */
  expectStopped(file: string, since: number, what: string): Promise<void>;
  /** Fails if the task of `file` starts within a short look (500 ms): it should never run. */
  expectNeverStarted(file: string, what: string): Promise<void>;
  /** Fails unless `promise` rejects with an AbortError (or, if `timeout`, ERR_TASK_TIMEOUT) in time. */
  expectAbortRejection(promise: Promise<unknown>, what: string, timeout?: boolean): Promise<Settlement>;
}

/** Builds the shared part of a describeBackend suite; registers the cleanup of its files. */
export function backendSuite<I, O>(
  factory: () => Backend<I, O> | Promise<Backend<I, O>>,
  conformance: BackendConformance<I, O>,
): BackendSuite<I, O> {
  const abortWithin = conformance.abortWithinMs ?? 2000;
  const closeWithin = conformance.closeWithinMs ?? 5000;
  const startWithin = conformance.startWithinMs ?? 10_000;
  const beats = new Heartbeats();
  afterAll(() => beats.dispose());
  const make = async () => factory();
  return {
    conformance,
    abortWithin,
    closeWithin,
    startWithin,
    beats,
    make,
    async withBackend(body) {
      const backend = await make();
      let done = false;
      try {
        await body(backend);
        done = true;
      } finally {
        const closed = await settleWithin(backend.close(), closeWithin);
        // After a failure (or a skip) the first complaint is the one to show.
        if (done) expect(closed.settled, `close() did not resolve within ${closeWithin} ms`).toBe(true);
      }
    },
    signal: () => new AbortController().signal,
    heartbeat(ctx, what) {
      const make = conformance.heartbeat;
      if (make === undefined) {
        return ctx.skip(`skipped: no heartbeat input in the conformance, so the suite cannot see ${what}`);
      }
      const file = beats.file();
      return { input: make(file), file };
    },
    async expectStarted(file, what) {
      expect(
        await beats.started(file, startWithin),
        `${what}: the task did not start within ${startWithin} ms (no start mark from the probe)`,
      ).toBe(true);
    },
    async expectStopped(file, since, what) {
      const ran = await beats.stopped(file, abortWithin, since);
      expect(
        ran,
        `${what}: the task kept running ${ran} ms after its abort (the promise settled, the work did not stop)`,
      ).toBeUndefined();
    },
    async expectNeverStarted(file, what) {
      expect(await beats.started(file, 500), `${what}: the task ran anyway`).toBe(false);
    },
    async expectAbortRejection(promise, what, timeout = false) {
      const outcome = await settleWithin(promise, abortWithin);
      expect(
        outcome.settled,
        `${what}: the promise did not settle within ${abortWithin} ms of the abort`,
      ).toBe(true);
      expect(
        outcome.ok,
        `${what}: the promise resolved with ${show(outcome.value)} instead of rejecting`,
      ).toBe(false);
      const error = outcome.value as { code?: unknown };
      const accepted = isAbortError(error) || (timeout && error?.code === 'ERR_TASK_TIMEOUT');
      expect(
        accepted,
        `${what}: rejected with ${show(error)}, not an AbortError${timeout ? ' (nor ERR_TASK_TIMEOUT)' : ''}`,
      ).toBe(true);
      return outcome;
    },
  };
}
