import type { Executor } from '../contracts.js';

/**
 * The probe protocol: inputs that tell a backend's task what to do, so one conformance suite
 * can check any backend that runs JavaScript (inline, worker threads, child processes...).
 * A backend under test runs {@link probeExecutor} as its task (in a worker module:
 * `export default probeExecutor`).
 */
export type ProbeInput =
  | {
      /** Returns `value` unchanged. */
      op: 'echo';
      /** What to return (it must survive the backend's trip, e.g. structured cloning). */
      value: unknown;
    }
  | {
      /** Returns `n * n`. */
      op: 'square';
      /** The number to square. */
      n: number;
    }
  | {
      /** Waits `ms`, then returns `value`. */
      op: 'sleep';
      /** How long to wait, in milliseconds. */
      ms: number;
      /** What to return after the wait. */
      value: unknown;
    }
  | {
      /** Throws an `Error` with this `name`, `message` and `code`. */
      op: 'throw';
      /** The thrown error's `name`. */
      name: string;
      /** The thrown error's `message`. */
      message: string;
      /** The thrown error's `code`; not set when absent. */
      code?: string;
    }
  | {
      /** Returns `ctx.attempt`: the try's number. */
      op: 'attempt';
    }
  | {
      /** Runs until its signal aborts (or 10 s, whichever comes first), then returns `'not aborted'`. */
      op: 'wait-abort';
    };

/**
 * Runs a {@link ProbeInput}. Depends on nothing but the language, so it runs anywhere
 * (worker threads, child processes). The thrown error's class is `Error` with `name` and `code` set.
 */
export const probeExecutor: Executor<ProbeInput, unknown> = async (input, ctx) => {
  switch (input.op) {
    case 'echo':
      return input.value;
    case 'square':
      return input.n * input.n;
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, input.ms));
      return input.value;
    case 'throw': {
      const error = new Error(input.message) as Error & { code?: string };
      error.name = input.name;
      if (input.code !== undefined) error.code = input.code;
      throw error;
    }
    case 'attempt':
      return ctx.attempt;
    case 'wait-abort':
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        ctx.signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      return 'not aborted';
    default:
      throw new TypeError(`unknown probe op ${JSON.stringify((input as { op?: unknown }).op)}`);
  }
};
