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
 * Other runtimes have their own such threads: Bun (JavaScriptCore) starts `JSCWarmUp` and
 * `JSC Signal Sender` (the thread that interrupts a thread being terminated) with the first Worker
 * and its first terminate(), and keeps them — "OS threads left … ['s Signal Sender']" with no
 * Worker left. JavaScriptCore's compiler and collector helpers (`JITWorker`, `HeapHelper`) come and
 * go on their own, whenever code gets hot or the heap grows, and end after idling for a while: no
 * count taken at one moment can hold them, so the ledger does not count them (ENGINE_HELPERS).
 *
 * So the ledger
 * 1. starts libuv's threadpool before it counts (one tiny pbkdf2, which libuv always runs on the
 *    threadpool, and which starts all of its threads at once), on every Node: where the pool is
 *    already up it costs a microsecond, where it is not the OS count now compares like with like
 *    (core's conformance suite does the same before its footprint, src/testing/footprint.ts);
 * 2. starts one Worker, waits until it is online and terminates it, so every helper thread the
 *    runtime starts lazily for Workers is up before the count too (same reasoning, any runtime);
 * 3. holds every Worker the process starts from then on (the process `'worker'` event) and reports
 *    those that have not exited. Exited means: it emitted `'exit'` (Node emits it after joining the
 *    thread, so the OS thread of an exited Worker is gone), or — where the `'worker'` event comes
 *    late, after the Worker may already have ended (Deno emits it after `'online'`, so the `'exit'`
 *    listener came too late) — its `threadId` is -1 or its `cpuUsage()` refuses with
 *    ERR_WORKER_NOT_RUNNING, each where the runtime has it;
 * 4. counts OS threads (/proc, Linux only), leaving out ENGINE_HELPERS and the runtime's unnamed
 *    helpers where Workers can be told from them (unnamedHelpers), and names the ones beyond the
 *    start, so a thread that is not a Worker and outlives the file still fails the check, with its
 *    name in the message.
 */
import { pbkdf2 } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

const TASKS = '/proc/self/task';

/**
 * Threads (by `/proc/…/comm`) that a JavaScript engine starts and ends on its own schedule:
 * JavaScriptCore's JIT compiler and parallel-GC helpers, and its `JSC Signal Sender` (`comm` keeps
 * the last 15 characters), which Bun starts on the first terminate() that has to interrupt running
 * JavaScript — not on the warm-up Worker's, which is idle — and keeps (seen under load in CI:
 * "OS threads left … ['s Signal Sender']" with no Worker left). No pool owns them, and they
 * outlive or predate any file at random. (V8's platform workers, by contrast, are started once
 * and stay.)
 */
const ENGINE_HELPERS = new Set(['JITWorker', 'HeapHelper', 's Signal Sender']);

/** What is left since the ledger opened. `osThreads`/`baseline` are undefined where /proc is missing. */
export interface ThreadsLeft {
  /** Workers started since the ledger opened that have not exited. */
  readonly workers: number;
  /** OS threads of the process now (ENGINE_HELPERS left out). */
  readonly osThreads: number | undefined;
  /** OS threads of the process when the ledger opened (libuv's threadpool already started). */
  readonly baseline: number | undefined;
  /** Names (`/proc/…/comm`) of the threads beyond those present at the start, e.g. `['WorkerThread']`. */
  readonly extra: readonly string[];
}

/** The name of every live OS thread of this process but ENGINE_HELPERS, or undefined without /proc. */
function threadNames(): string[] | undefined {
  if (!existsSync(TASKS)) return undefined;
  const names: string[] = [];
  for (const tid of readdirSync(TASKS)) {
    try {
      const name = readFileSync(`${TASKS}/${tid}/comm`, 'utf8').trim();
      if (!ENGINE_HELPERS.has(name)) names.push(name);
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

/**
 * The name the runtime's unnamed helper threads carry, when they can be told from Workers: a
 * thread started without a name inherits the process's (`deno`, `bun`, `node`). Deno starts and
 * ends such threads around Worker termination on its own schedule (one `deno` thread more or
 * less from one moment to the next, with every Worker gone); no count taken at one moment can hold
 * them. Where a Worker's thread has a name of its own (`worker-1` on Deno, `Worker` on Bun,
 * `WorkerThread` on Node 24) the threads named like the process are not a pool's, and the ledger
 * does not count them; where a Worker's thread is named like the process (Node 20: every thread is
 * `node`) nothing is left out. Found from the warm-up Worker: the threads present while it ran
 * (`during`) beyond those before it (`before`).
 */
function unnamedHelpers(before: string[] | undefined, during: string[] | undefined): string | undefined {
  if (before === undefined || during === undefined) return undefined;
  let own: string;
  try {
    own = readFileSync('/proc/self/comm', 'utf8').trim();
  } catch {
    return undefined;
  }
  const started = beyond(during, before);
  return started.length > 0 && !started.includes(own) ? own : undefined;
}

/**
 * Whether `worker` has ended, asked of the Worker itself: Node and Bun set its `threadId` to -1;
 * Deno leaves it, but its `cpuUsage()` (also Bun's and newer Node's) then refuses with
 * ERR_WORKER_NOT_RUNNING. False when the runtime offers neither sign.
 */
async function hasExited(worker: Worker): Promise<boolean> {
  if (worker.threadId === -1) return true;
  const cpuUsage = (worker as { cpuUsage?: () => Promise<unknown> }).cpuUsage;
  if (typeof cpuUsage !== 'function') return false;
  try {
    await cpuUsage.call(worker);
    return false;
  } catch (error) {
    return (error as { code?: unknown } | null)?.code === 'ERR_WORKER_NOT_RUNNING';
  }
}

/** A record of the threads started since {@link ThreadLedger.open}; {@link close} it when done. */
export class ThreadLedger {
  readonly #live = new Set<Worker>();
  readonly #start: readonly string[] | undefined;
  readonly #onWorker = (worker: Worker): void => {
    this.#live.add(worker);
    worker.once('exit', () => this.#live.delete(worker));
  };

  /** See unnamedHelpers; undefined where the process's own name says nothing. */
  readonly #skip: string | undefined;

  private constructor(skip: string | undefined) {
    this.#skip = skip;
    this.#start = this.#names();
    process.on('worker', this.#onWorker);
  }

  /** Starts libuv's threadpool and the runtime's Worker helpers (see the file's comment), then opens a ledger. */
  static async open(): Promise<ThreadLedger> {
    await promisify(pbkdf2)('', '', 1, 1, 'sha256');
    const before = threadNames();
    const warmUp = new Worker('setInterval(() => {}, 60_000)', { eval: true });
    await once(warmUp, 'online');
    const during = threadNames();
    await warmUp.terminate();
    // Deno ends the Worker's OS thread a little after terminate() resolves: wait until a thread
    // that the warm-up started is gone, so it is not in the baseline (at most 2 s).
    for (let waited = 0; during !== undefined && waited < 2_000; waited += 10) {
      if (beyond(during, threadNames() ?? []).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return new ThreadLedger(unnamedHelpers(before, during));
  }

  /** What is left now. */
  left(): ThreadsLeft {
    const names = this.#names();
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
    await this.#forgetExited();
    let left = this.left();
    while ((left.workers > 0 || left.extra.length > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await this.#forgetExited();
      left = this.left();
    }
    return left;
  }

  /** Drops the Workers that ended without the 'exit' this ledger listened for (see the file's comment). */
  async #forgetExited(): Promise<void> {
    await Promise.all(
      [...this.#live].map(async (worker) => {
        if (await hasExited(worker)) this.#live.delete(worker);
      }),
    );
  }

  /** threadNames(), less the runtime's unnamed helpers (see unnamedHelpers). */
  #names(): string[] | undefined {
    const skip = this.#skip;
    const names = threadNames();
    if (skip === undefined || names === undefined) return names;
    // The main thread carries the name too: keep one.
    let kept = false;
    return names.filter((name) => name !== skip || (!kept && (kept = true)));
  }

  /** Stops recording new Workers. */
  close(): void {
    process.off('worker', this.#onWorker);
  }
}
