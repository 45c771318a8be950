import type { Executor } from '../contracts.js';

/** The probe's only use of the file system, loaded when a heartbeat first runs. */
type WriteFile = (file: string, data: string) => void;
let writeFile: WriteFile | undefined;

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
    }
  | {
      /**
       * Work the suite can watch from outside: writes `1` to `file` as it starts (the start mark),
       * then the next count every `every` ms while it runs, until its signal aborts or `ms` pass;
       * returns the number of beats. A backend that stops the work (aborts the task's signal, ends
       * its thread or process) stops the beats; one that only rejects the promise does not. A file
       * works across threads and processes on one machine.
       */
      op: 'heartbeat';
      /** Absolute path of the file to write; the suite reads it. */
      file: string;
      /** How long to run when not aborted, in milliseconds. Default 10 000. */
      ms?: number;
      /** Milliseconds between two beats. Default 10. */
      every?: number;
    }
  | {
      /**
       * Ends the thread or process running it with `process.exit(code)`: a crash, for backends that
       * claim to isolate one. Never send it to a backend that runs tasks in the caller's thread.
       */
      op: 'exit';
      /** The exit code. */
      code: number;
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
    case 'heartbeat':
      return heartbeat(input.file, input.ms ?? 10_000, input.every ?? 10, ctx.signal);
    case 'exit':
      process.exit(input.code);
      break;
    default:
      throw new TypeError(`unknown probe op ${JSON.stringify((input as { op?: unknown }).op)}`);
  }
};

/** Beats into `file` until `signal` aborts or `ms` pass; resolves with the number of beats. */
async function heartbeat(
  file: string,
  ms: number,
  every: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  writeFile ??= (await import('node:fs')).writeFileSync as WriteFile;
  const write = writeFile;
  let beats = 0;
  const beat = () => write(file, String(++beats));
  beat(); // the start mark: the suite waits for it before it aborts
  await new Promise<void>((resolve) => {
    const timer = setInterval(beat, every);
    const end = setTimeout(stop, ms);
    function stop(): void {
      clearInterval(timer);
      clearTimeout(end);
      signal?.removeEventListener('abort', stop);
      resolve();
    }
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
  return beats;
}
