/**
 * The callbacks a caller hands a backend with its tasks — `RunOptions.started`, `runMany`'s
 * `report` — called so that what they throw is the caller's problem only. A backend calls them
 * from its own timers and message handlers: a throw there would crash the process, and a throw
 * inside a batch's bookkeeping would fail tasks that did nothing wrong. A Pool's own callbacks
 * never throw; one written by hand may (or may be a class, or a revoked Proxy of a function).
 *
 * What such a callback throws is reported as a process warning (`PoolkitWarning`, code
 * `POOLKIT_CALLBACK_THREW`), never thrown: visible, and not fatal.
 */
import type { BatchResult, RunOptions } from '../contracts.js';

function warn(what: string, error: unknown): void {
  let detail: string;
  try {
    detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } catch {
    detail = 'an unreadable value was thrown';
  }
  process.emitWarning(`${what} threw; ignored (the task's outcome is unaffected)`, {
    type: 'PoolkitWarning',
    code: 'POOLKIT_CALLBACK_THREW',
    detail,
  });
}

/**
 * Calls `options.started()`, if the caller gave one: whatever reading or calling it throws
 * becomes a warning.
 *
 * @example
 * if (options.cancellable !== false) tellStarted(options);
 */
export function tellStarted(options: RunOptions): void {
  try {
    const started = options.started;
    if (started !== undefined) started();
  } catch (error) {
    warn('RunOptions.started()', error);
  }
}

/**
 * `report` wrapped so that it never throws into the backend (a warning instead), or undefined
 * when there is none.
 */
export function safeReport<O>(
  report: ((index: number, result: BatchResult<O>) => void) | undefined,
): ((index: number, result: BatchResult<O>) => void) | undefined {
  if (report === undefined) return undefined;
  return (index, result) => {
    try {
      report(index, result);
    } catch (error) {
      warn('runMany() report()', error);
    }
  };
}
