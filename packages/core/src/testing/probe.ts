import type { Executor } from '../contracts.js';

/**
 * The probe protocol: inputs that tell a backend's task what to do, so one conformance suite
 * can check any backend that runs JavaScript (inline, worker threads, child processes...).
 * A backend under test runs {@link probeExecutor} as its task (in a worker module:
 * `export default probeExecutor`).
 */
export type ProbeInput =
  | { op: 'echo'; value: unknown }
  | { op: 'square'; n: number }
  | { op: 'sleep'; ms: number; value: unknown }
  | { op: 'throw'; name: string; message: string; code?: string }
  | { op: 'attempt' } // returns ctx.attempt: the try's number
  | { op: 'wait-abort' }; // runs until its signal aborts (or 10 s, whichever comes first)

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
