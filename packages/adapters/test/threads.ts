/**
 * What threads a test file leaves running: the ledger behind the "no thread left after this file"
 * checks (setup.ts, fault-storm.test.ts).
 *
 * A backend's threads are worker_threads Workers. The process has other threads that belong to no
 * pool and start when Node decides: V8's platform workers, and libuv's threadpool, whose 4 threads
 * start together on the first fs, crypto, dns or zlib request — already during start-up on Node 20,
 * only on first use on Node 22 and later. A bare OS thread count taken before a file and compared
 * after it therefore charged libuv's threadpool to whichever file first touched it: on Node 24
 * "11 > 7", the 4 extra threads all named `libuv-worker`, no Worker left.
 *
 * So the ledger
 * 1. starts libuv's threadpool before it counts (one tiny pbkdf2, which libuv always runs on the
 *    threadpool, and which starts all of its threads at once), on every Node: where the pool is
 *    already up it costs a microsecond, where it is not the OS count now compares like with like
 *    (core's conformance suite does the same before its footprint, src/testing/footprint.ts);
 * 2. holds every Worker the process starts from then on (the process `'worker'` event) and reports
 *    those that have not emitted `'exit'` — Node emits it after joining the thread, so the OS
 *    thread of an exited Worker is gone;
 * 3. counts OS threads (/proc, Linux only) and names the ones beyond the start, so a thread that
 *    is not a Worker and outlives the file still fails the check, with its name in the message.
 */
import { pbkdf2 } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';

const TASKS = '/proc/self/task';

/** What is left since the ledger opened. `osThreads`/`baseline` are undefined where /proc is missing. */
export interface ThreadsLeft {
  /** Workers started since the ledger opened that have not exited. */
  readonly workers: number;
  /** OS threads of the process now. */
  readonly osThreads: number | undefined;
  /** OS threads of the process when the ledger opened (libuv's threadpool already started). */
  readonly baseline: number | undefined;
  /** Names (`/proc/…/comm`) of the threads beyond those present at the start, e.g. `['WorkerThread']`. */
  readonly extra: readonly string[];
}

/** The name of every live OS thread of this process, or undefined without /proc. */
function threadNames(): string[] | undefined {
  if (!existsSync(TASKS)) return undefined;
  const names: string[] = [];
  for (const tid of readdirSync(TASKS)) {
    try {
      names.push(readFileSync(`${TASKS}/${tid}/comm`, 'utf8').trim());
    } catch {
      // The thread ended between the listing and the read: it is not left.
    }
  }
  return names;
}

/** `now` minus `before`, as multisets of names. */
function beyond(now: readonly string[], before: readonly string[]): string[] {
  const left = [...before];
  return now.filter((name) => {
    const i = left.indexOf(name);
    if (i === -1) return true;
    left.splice(i, 1);
    return false;
  });
}

/** A record of the threads started since {@link ThreadLedger.open}; {@link close} it when done. */
export class ThreadLedger {
  readonly #live = new Set<Worker>();
  readonly #start: readonly string[] | undefined;
  readonly #onWorker = (worker: Worker): void => {
    this.#live.add(worker);
    worker.once('exit', () => this.#live.delete(worker));
  };

  private constructor() {
    this.#start = threadNames();
    process.on('worker', this.#onWorker);
  }

  /** Starts libuv's threadpool (see the file's comment), then opens a ledger. */
  static async open(): Promise<ThreadLedger> {
    await promisify(pbkdf2)('', '', 1, 1, 'sha256');
    return new ThreadLedger();
  }

  /** What is left now. */
  left(): ThreadsLeft {
    const names = threadNames();
    return {
      workers: this.#live.size,
      osThreads: names?.length,
      baseline: this.#start?.length,
      extra: names && this.#start ? beyond(names, this.#start) : [],
    };
  }

  /** What is left once nothing is, or after `timeoutMs` (threads end a little after close() resolves). */
  async settle(timeoutMs = 5_000): Promise<ThreadsLeft> {
    const deadline = Date.now() + timeoutMs;
    let left = this.left();
    while ((left.workers > 0 || left.extra.length > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = this.left();
    }
    return left;
  }

  /** Stops recording new Workers. */
  close(): void {
    process.off('worker', this.#onWorker);
  }
}
