import type { ProbeInput } from './probe.js';

/**
 * What {@link describeBackend} may assume about a backend's task, and what it may check.
 * Only `samples` is required; each optional field turns on the checks that need it, and the
 * checks it would turn on are reported as skipped (with the reason) when it is absent.
 */
export interface BackendConformance<I, O> {
  /** Inputs with the output each must produce (at least 2). Checked with `expect().toEqual`. */
  samples: ReadonlyArray<{
    /** What to run. */
    input: I;
    /** What `run(input)` must resolve with (compared deeply). */
    output: O;
  }>;
  /** An input whose task throws; the rejection must keep these fields. */
  failing?: {
    /** An input whose task throws. */
    input: I;
    /** The rejection's `name` must be this; unchecked when absent. */
    name?: string;
    /** The rejection's `message` must contain this; unchecked when absent. */
    message?: string;
    /** The rejection's `code` must be this; unchecked when absent. */
    code?: string;
  };
  /**
   * An input whose task runs ≥ 300 ms unless aborted: used to abort a task mid-run when there is
   * no {@link BackendConformance.heartbeat} (the suite then cannot see whether the work stopped).
   */
  slow?: I;
  /**
   * Makes an input whose task marks its start in `file` and keeps writing to it while it runs, as
   * the probe's `'heartbeat'` op does (runs ≥ 5 s unless aborted). With it the suite waits for the
   * task to really start before aborting it (no timing luck), and checks that the work itself
   * stops after an abort, a timeout or a killed batch entry, and that a refused task never starts.
   */
  heartbeat?: (file: string) => I;
  /**
   * An input whose task ends its own thread or process (the probe's `'exit'` op). Opt-in, for
   * backends that claim crash isolation: the crash rejects only that task, with
   * `WorkerCrashedError` (`ERR_WORKER_CRASHED`), and the backend keeps working.
   */
  crash?: I;
  /** ms a rejection after an abort may take (ending a thread is slower than a promise). Default 2000. */
  abortWithinMs?: number;
  /** ms `close()` may take with nothing running, and its threads/processes/handles to go. Default 5000. */
  closeWithinMs?: number;
  /** ms a task may take to start on an idle backend (a booting thread on a loaded machine). Default 10 000. */
  startWithinMs?: number;
  /** An input whose task returns its context's `attempt`: checks that tries' numbers reach the task. */
  attempt?: I;
  /**
   * What `close()` must release, by kind; a kind set to `false` is not checked (say why in your
   * test: a process-wide thread pool shared beyond the backend's life, for example). Each kind is
   * checked only where the platform shows it: OS threads (`/proc/self/status`), child processes
   * (`/proc`), and `process.getActiveResourcesInfo()` (what keeps the event loop alive).
   */
  releases?: {
    /** OS threads of this process come back to their count before the backend. Default true. */
    readonly threads?: boolean;
    /** Child processes the backend started have ended. Default true. */
    readonly processes?: boolean;
    /** Nothing more keeps the event loop alive than before the backend. Default true. */
    readonly handles?: boolean;
  };
}

/**
 * The conformance of a backend that runs `probeExecutor` (see {@link ProbeInput}). Add
 * `crash: probeCrash` for a backend that runs tasks in threads or processes it can replace.
 *
 * @example
 * describeBackend('MyThreads', () => new MyThreads({ module: PROBE }), { ...probeConformance, crash: probeCrash });
 */
export const probeConformance: BackendConformance<ProbeInput, unknown> = {
  samples: [
    { input: { op: 'echo', value: { a: [1, 'two', null] } }, output: { a: [1, 'two', null] } },
    { input: { op: 'square', n: 12 }, output: 144 },
    { input: { op: 'sleep', ms: 20, value: 'slept' }, output: 'slept' },
  ],
  failing: {
    input: { op: 'throw', name: 'RangeError', message: 'probe failure', code: 'ERR_PROBE' },
    name: 'RangeError',
    message: 'probe failure',
    code: 'ERR_PROBE',
  },
  slow: { op: 'wait-abort' },
  heartbeat: (file) => ({ op: 'heartbeat', file, ms: 6000 }),
  attempt: { op: 'attempt' },
};

/** The probe input that ends its thread or process: {@link BackendConformance.crash} for probe backends. */
export const probeCrash: ProbeInput = { op: 'exit', code: 7 };
