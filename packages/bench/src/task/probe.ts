/**
 * The probe: before anything runs the task on the main thread, one worker thread runs every
 * input once, under the per-task limit. A main thread busy in a task cannot be interrupted, a
 * worker thread can: so a task that hangs (an endless loop, a promise that never settles) is
 * found here, its thread ended, and nothing else is started on it. The probe also measures what
 * one task costs in a thread, which sizes the batches when `--tasks` is not given.
 *
 * The main thread polls the probe's shared state (task/../workers/probe.ts) every limit/10 ms
 * (5–250 ms); a task is cut once it has run past the limit since it was first seen running, so a
 * task within the limit is never cut, and one past it is cut within about limit + 2 polls.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { median } from '../stats.js';
import { errorText } from './errors.js';
import type { LoadedTask } from './load.js';

/** What one probe run found. */
export interface ProbeRun {
  /** Inputs run (all of them, unless a calibration run stopped early or a task was cut). */
  readonly ran: number;
  /** Median time of one task in the thread, ms; null when none finished. */
  readonly medianMs: number | null;
  /** Inputs whose task threw, and the first of them. */
  readonly errors: number;
  readonly firstError?: { readonly index: number; readonly text: string };
  /** Set when a task ran past the limit: the index of its input (the thread was ended). */
  readonly timedOut?: { readonly index: number; readonly limitMs: number };
  /** Set when the module could not be loaded in a thread, or the thread died: why. */
  readonly failed?: string;
}

interface Reply {
  readonly times?: Float64Array;
  readonly errors?: number;
  readonly firstError?: { index: number; text: string };
  readonly loadError?: string;
}

/** A probe thread for one task; `close()` ends it. */
export class Probe {
  readonly #worker: Worker;
  readonly #running: Int32Array;
  readonly #startedAt: Float64Array;
  #dead: string | undefined;

  /** Starts the thread (dist/workers/probe.js in `workerDir`) and begins loading the task in it. */
  constructor(task: LoadedTask, workerDir: string, execArgv: readonly string[] | undefined) {
    const state = new SharedArrayBuffer(16);
    this.#running = new Int32Array(state, 0, 1);
    this.#startedAt = new Float64Array(state, 8, 1);
    this.#worker = new Worker(join(workerDir, 'probe.js'), {
      workerData: { url: task.url, exportName: task.exportName, state },
      ...(execArgv === undefined ? {} : { execArgv: [...execArgv] }),
      stdout: false,
      stderr: false,
    });
    this.#worker.on('error', (error) => {
      this.#dead ??= `the probe thread failed: ${errorText(error)}`;
    });
    this.#worker.on('exit', (code) => {
      this.#dead ??= `the probe thread exited with code ${code}`;
    });
  }

  /**
   * Runs `items` in the thread, one after another, cutting a task that runs past `limitMs` (the
   * thread is then ended). With `maxMs`, stops once that much time went by (at least one input).
   * Never rejects.
   */
  run(items: readonly unknown[], limitMs: number, maxMs?: number): Promise<ProbeRun> {
    if (this.#dead !== undefined)
      return Promise.resolve({ ran: 0, medianMs: null, errors: 0, failed: this.#dead });
    return new Promise<ProbeRun>((resolve) => {
      const worker = this.#worker;
      let seen = 0;
      let seenAt = 0;
      const poll = Math.min(250, Math.max(5, limitMs / 10));
      const done = (run: ProbeRun) => {
        clearInterval(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(run);
      };
      const timer = setInterval(() => {
        const index = Atomics.load(this.#running, 0);
        const now = performance.timeOrigin + performance.now();
        if (index === 0) {
          seen = 0;
          return;
        }
        if (index !== seen) {
          // First sight of this task: it started at its recorded start, or later than we can tell.
          seen = index;
          seenAt = Math.max(this.#startedAt[0], now - poll);
        }
        if (now - seenAt > limitMs) {
          this.#dead = `the probe thread was ended: a task ran past the ${limitMs} ms limit`;
          void worker.terminate();
          done({ ran: index - 1, medianMs: null, errors: 0, timedOut: { index: index - 1, limitMs } });
        }
      }, poll);
      const onMessage = (reply: Reply) => {
        if (reply.loadError !== undefined) {
          done({
            ran: 0,
            medianMs: null,
            errors: 0,
            failed: `loading it in a worker thread failed: ${reply.loadError}`,
          });
          return;
        }
        const times = [...(reply.times ?? [])].sort((a, b) => a - b);
        done({
          ran: times.length,
          medianMs: times.length > 0 ? median(times) : null,
          errors: reply.errors ?? 0,
          ...(reply.firstError === undefined ? {} : { firstError: reply.firstError }),
        });
      };
      const onExit = () =>
        done({ ran: 0, medianMs: null, errors: 0, failed: this.#dead ?? 'the probe thread exited' });
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.postMessage({ items, ...(maxMs === undefined ? {} : { maxMs }) });
    });
  }

  /** Ends the thread; resolves once it has exited. */
  async close(): Promise<void> {
    this.#dead ??= 'closed';
    await this.#worker.terminate();
  }
}
