/**
 * trace-across-threads — one request's trace, followed from the main thread into worker threads
 * and into a `poolkit-worker` process. The main thread registers OpenTelemetry (a tracer provider,
 * an AsyncLocalStorage context manager, the W3C propagator) and `PoolkitInstrumentation`, which
 * makes a span `process <pool>` (CONSUMER) per try, a child of the request that submitted the task,
 * and writes that try's `traceparent` into the headers the backend carries with the task. Where the
 * task runs, a tracer of that thread's or process's own plus `traceWorkerTasks()` makes the task's
 * own spans children of its try's span:
 *
 *   part 1, threads                           part 2, processes (needs redis-server)
 *   GET /thumbnails           main thread     POST /reports            main thread
 *   └─ process thumbnails     main thread     └─ process reports       main thread
 *      └─ resize              worker thread N    └─ render             poolkit-worker <pid>
 *         (PiscinaBackend; spans come back       (BullMQBackend through a throwaway Redis; spans
 *          over a BroadcastChannel)               come back over the fork's IPC channel)
 *
 * Each part submits `--tasks` tasks and one that fails, waits for the spans still on their way from
 * the threads or the process, closes what it started, and the program prints each part's trace as a
 * tree (or, with `--json`, every span as JSON). Without redis-server part 2 is skipped, saying why.
 * Everything it starts is stopped, on an error or Ctrl-C too, and every wait of that is bounded.
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:trace-across-threads
 *   npm run example:trace-across-threads -- --tasks 5 --threads 3
 *   npm run example:trace-across-threads -- --json
 *   node packages/examples/dist/trace-across-threads.js --help
 */
import { type ChildProcess, fork } from 'node:child_process';
import { accessSync, constants as fs, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { type Attributes, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { PiscinaBackend } from '@poolkit/adapters';
import { BullMQBackend } from '@poolkit/bullmq';
import { type Backend, Pool } from '@poolkit/core';
import { PoolkitInstrumentation } from '@poolkit/opentelemetry';
import { printPart, SpanCollector } from './trace-across-threads/tree.js';
import type { RenderedReport, ReportRequest } from './workers/trace-report-tasks.js';
import type { SpanMessage } from './workers/trace-report-telemetry.js';
import { SPANS_CHANNEL, type SpanRecord, setUpTracing } from './workers/trace-telemetry.js';
import type { Resized, Thumbnail } from './workers/trace-thumbnail-worker.js';

/** The PiscinaBackend's worker module, and the poolkit-worker's task and telemetry modules (compiled beside this file). */
const THUMBNAIL_WORKER = fileURLToPath(new URL('./workers/trace-thumbnail-worker.js', import.meta.url));
const REPORT_TASKS = fileURLToPath(new URL('./workers/trace-report-tasks.js', import.meta.url));
const REPORT_TELEMETRY = new URL('./workers/trace-report-telemetry.js', import.meta.url).href;

/** How long the spans still on their way from a thread or a process are waited for, ms. */
const SPANS_WAIT_MS = 5_000;

export interface TraceAcrossThreadsOptions {
  /** Tasks per part that succeed; one more fails. Default 3. */
  tasks?: number;
  /** Threads of the `thumbnails` pool's PiscinaBackend. Default 2. */
  threads?: number;
  /** Print the result as JSON instead of trees. Default false. */
  json?: boolean;
  /** The redis-server of part 2. Default: `redis-server` on PATH, else /usr/bin/redis-server; none: part 2 is skipped. */
  redisServer?: string;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

/** What one part did, and every span it made (wherever made), in start order. */
export interface PartResult {
  readonly part: 'threads' | 'processes';
  readonly pool: string;
  /** Why the part did not run; absent when it ran. */
  readonly skipped?: string;
  /** The request span's trace id. */
  readonly traceId?: string;
  /** Each task's outcome as its caller saw it, in submission order. */
  readonly results: string[];
  /** The poolkit-worker's pid (part 2). */
  readonly workerPid?: number;
  readonly spans: SpanRecord[];
}

export interface TraceAcrossThreadsResult {
  /** This process's pid and thread: a span made elsewhere names another. */
  readonly pid: number;
  readonly threadId: number;
  readonly parts: PartResult[];
}

// ── The things a part starts, and their bounded shutdown ────────────────────────────────────────

/** Waits for `promise` (its outcome ignored), `ms` at most: every wait of a shutdown is bounded. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.catch(() => {}), late]);
  clearTimeout(timer);
}

/** What a part shares with main(): the tracer, the spans, the interruption, and what to stop. */
interface Run {
  readonly tracer: Tracer;
  readonly collector: SpanCollector;
  readonly tasks: number;
  readonly threads: number;
  /** Prints a progress line (nothing with `--json`). */
  readonly say: (line: string) => void;
  /** Aborts on Ctrl-C; `interrupted` rejects then (raced against the waits). */
  readonly signal: AbortSignal;
  readonly interrupted: Promise<never>;
  /** Registers `stop` (graceful, or in a hurry after an error) for release(); bounded by `ms`. */
  defer(stop: (hurry: boolean) => Promise<unknown>, ms: number): void;
  /** Stops everything registered, the last first. */
  release(hurry: boolean): Promise<void>;
}

/** Runs `body` inside a new SERVER span `name`, the request its tasks belong to; ends the span. */
function inRequest<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  body: () => Promise<T>,
): Promise<{ traceId: string; value: T }> {
  return tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, async (span) => {
    try {
      return { traceId: span.spanContext().traceId, value: await body() };
    } finally {
      span.end();
    }
  });
}

/** A settled task as one line: its value's summary, or its error's code and message. */
function outcome<T>(settled: PromiseSettledResult<T>, summary: (value: T) => string): string {
  if (settled.status === 'fulfilled') return summary(settled.value);
  const error = settled.reason as { code?: unknown; message?: unknown };
  return `failed: ${String(error?.code ?? 'error')} ${String(error?.message ?? error)}`;
}

// ── Part 1: worker threads ──────────────────────────────────────────────────────────────────────

async function threadsPart(run: Run): Promise<PartResult> {
  const mark = run.collector.spans.length;
  // The threads' spans arrive here: every BroadcastChannel of the name in this process gets them.
  const channel = new BroadcastChannel(SPANS_CHANNEL);
  channel.onmessage = (event) => run.collector.add((event as { data: SpanRecord }).data);
  run.defer(async () => channel.close(), 1_000);
  const pool = new Pool<Thumbnail, Resized>({
    name: 'thumbnails',
    backend: new PiscinaBackend({ filename: THUMBNAIL_WORKER, threads: run.threads }),
  });
  run.defer((hurry) => (hurry ? pool.stop({ force: true }) : pool.close()), 5_000);

  const images = [...Array.from({ length: run.tasks }, (_, i) => `photo-${i + 1}.jpg`), 'corrupt.jpg'];
  const { traceId, value } = await inRequest(
    run.tracer,
    'GET /thumbnails',
    { 'http.request.method': 'GET', 'url.path': '/thumbnails' },
    () =>
      Promise.allSettled(images.map((image) => pool.submit({ image, width: 160 }, { signal: run.signal }))),
  );
  run.signal.throwIfAborted();
  await run.collector.waitFor(mark, 'resize', images.length, SPANS_WAIT_MS, run.signal);
  await run.release(false);
  const results = value.map(
    (settled, i) =>
      `${images[i]} → ${outcome(settled, (r) => `${r.width}×${r.height} thumbnail ${r.digest}`)}`,
  );
  return { part: 'threads', pool: 'thumbnails', traceId, results, spans: run.collector.since(mark) };
}

// ── Part 2: a poolkit-worker process, through Redis ─────────────────────────────────────────────

/** The first executable `redis-server` on PATH, else /usr/bin/redis-server (where `@poolkit/bullmq/testing` looks). */
function findRedisServer(): string | undefined {
  const candidates = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'redis-server'));
  return [...candidates, '/usr/bin/redis-server'].find(executable);
}

function executable(file: string): boolean {
  try {
    accessSync(file, fs.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The `poolkit-worker` program of `@poolkit/bullmq`: the path its package.json's `bin` names. */
function workerBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@poolkit/bullmq/package.json');
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), bin['poolkit-worker']);
}

/** A poolkit-worker this program forked. */
interface WorkerProcess {
  readonly pid: number;
  /** Resolves once it takes jobs (its IPC `{ ready }`); rejects if it exits first or takes 20 s. */
  readonly ready: Promise<void>;
  /** SIGTERM (it finishes what it runs, then exits), SIGKILL after `ms`; resolves once it exited. */
  stop(ms: number): Promise<void>;
}

/**
 * Forks `poolkit-worker <args>` with an IPC channel and its telemetry module loaded first
 * (`NODE_OPTIONS=--import`, as an operator would start it); the spans it sends go to `onSpan`.
 */
function forkWorker(args: readonly string[], onSpan: (span: SpanRecord) => void): WorkerProcess {
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --import ${REPORT_TELEMETRY}`.trim();
  const child: ChildProcess = fork(workerBin(), args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4096)));
  const exit = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
    child.once('error', (error) => resolve(`not started: ${error.message}`));
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`poolkit-worker was not ready in 20 s:\n${stderr}`)),
      20_000,
    );
    child.on('message', (message: Partial<SpanMessage> & { ready?: boolean }) => {
      if (message?.span !== undefined) onSpan(message.span);
      else if (message?.ready === true) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then((how) => {
      clearTimeout(timer);
      reject(new Error(`poolkit-worker exited (${how}) before it was ready:\n${stderr}`));
    });
  });
  ready.catch(() => {}); // awaited by the part; this only keeps an early exit from being "unhandled"
  return {
    pid: child.pid ?? 0,
    ready,
    async stop(ms) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await exit;
      clearTimeout(timer);
    },
  };
}

async function processesPart(run: Run, redisServer: string | undefined): Promise<PartResult> {
  const binary = redisServer ?? findRedisServer();
  if (binary === undefined || !executable(binary)) {
    const missing =
      binary === undefined
        ? 'no redis-server on PATH or at /usr/bin/redis-server'
        : `${binary} is not executable`;
    const skipped = `${missing} (Debian, Ubuntu: apt-get install -y redis-server; or give --redis-server PATH)`;
    return { part: 'processes', pool: 'reports', skipped, results: [], spans: [] };
  }
  const mark = run.collector.spans.length;
  // Loaded only now: imported on a machine without redis-server, the harness warns on stderr.
  const { startRedis } = await import('@poolkit/bullmq/testing');
  const redis = await startRedis({ binary });
  run.defer(() => redis.stop(), 10_000);
  run.signal.throwIfAborted();
  run.say(`  redis-server ${redis.pid} on ${redis.url} (throwaway: no persistence)`);

  const queue = 'reports';
  const worker = forkWorker(
    ['--redis', redis.url, '--module', REPORT_TASKS, '--queue', queue],
    run.collector.add,
  );
  run.defer((hurry) => worker.stop(hurry ? 3_000 : 10_000), 15_000);
  await Promise.race([worker.ready, run.interrupted]);
  run.say(`  poolkit-worker ${worker.pid} ready (NODE_OPTIONS=--import ${REPORT_TELEMETRY})`);

  // BullMQBackend is untyped: results are whatever the task module returns, as JSON.
  const backend = new BullMQBackend({ connection: redis.url, queue, concurrency: 4 });
  const pool = new Pool<ReportRequest, RenderedReport>({
    name: 'reports',
    backend: backend as Backend<ReportRequest, RenderedReport>,
  });
  run.defer((hurry) => (hurry ? pool.stop({ force: true }) : pool.close()), 10_000);

  const names = ['sales', 'payroll', 'inventory', 'churn', 'refunds'];
  const reports = [
    ...Array.from({ length: run.tasks }, (_, i) => `${names[i % 5]}-${2024 + Math.floor(i / 5)}`),
    'empty-ledger',
  ];
  const { traceId, value } = await inRequest(
    run.tracer,
    'POST /reports',
    { 'http.request.method': 'POST', 'url.path': '/reports' },
    () =>
      Promise.allSettled(
        reports.map((report) => pool.submit({ report }, { task: 'render', signal: run.signal })),
      ),
  );
  run.signal.throwIfAborted();
  await run.collector.waitFor(mark, 'render', reports.length, SPANS_WAIT_MS, run.signal);
  await run.release(false);
  const results = value.map(
    (settled, i) =>
      `${reports[i]} → ${outcome(settled, (r) => `${r.pages} page${r.pages === 1 ? '' : 's'} (pid ${r.pid})`)}`,
  );
  const spans = run.collector.since(mark);
  return { part: 'processes', pool: 'reports', traceId, results, workerPid: worker.pid, spans };
}

// ── main ────────────────────────────────────────────────────────────────────────────────────────

/** An error with a stable `code` (and, for a signal, the exit code a shell expects). */
function failure(code: string, message: string, exitCode = 1): Error {
  return Object.assign(new Error(message), { code, exitCode });
}

export async function main(options: TraceAcrossThreadsOptions = {}): Promise<TraceAcrossThreadsResult> {
  const { tasks = 3, threads = 2, json = false, print = (line: string) => console.log(line) } = options;
  const say = json ? () => {} : print;

  // 1. This thread's OpenTelemetry, then the instrumentation (on the global tracer provider).
  const collector = new SpanCollector();
  const stopTracing = setUpTracing(collector.add);
  const poolkit = new PoolkitInstrumentation();
  const tracer = trace.getTracer('trace-across-threads');

  // 2. Ctrl-C (or SIGTERM) aborts the run, which then stops what it started; a second one leaves
  //    at once (a poolkit-worker stops when its IPC channel closes, Redis on its parent's death).
  const stopper = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopper.signal.aborted) process.exit(128 + constants.signals[signal]);
    say(`${signal}: stopping the pools, the worker and Redis`);
    const message = `interrupted by ${signal}; everything it started is stopped`;
    stopper.abort(failure('ERR_INTERRUPTED', message, 128 + constants.signals[signal]));
  };
  const interrupted = new Promise<never>((_, reject) =>
    stopper.signal.addEventListener('abort', () => reject(stopper.signal.reason), { once: true }),
  );
  interrupted.catch(() => {});
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const stops: Array<{ stop: (hurry: boolean) => Promise<unknown>; ms: number }> = [];
  const run: Run = {
    tracer,
    collector,
    tasks,
    threads,
    say,
    signal: stopper.signal,
    interrupted,
    defer: (stop, ms) => void stops.push({ stop, ms }),
    async release(hurry) {
      for (let next = stops.pop(); next !== undefined; next = stops.pop())
        await within(next.stop(hurry), next.ms);
    },
  };

  try {
    say(`trace-across-threads: the main thread is pid ${process.pid}, thread.id ${threadId}`);
    say(
      `part 1 — threads: Pool 'thumbnails' on PiscinaBackend (${threads} threads), ${tasks + 1} tasks (1 fails)`,
    );
    const threadsResult = await threadsPart(run);
    printPart(threadsResult, say);
    say(
      `part 2 — processes: Pool 'reports' on BullMQBackend, one poolkit-worker, ${tasks + 1} tasks (1 fails)`,
    );
    const processesResult = await processesPart(run, options.redisServer);
    printPart(processesResult, say);
    const result = { pid: process.pid, threadId, parts: [threadsResult, processesResult] };
    if (json) print(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await run.release(true);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    poolkit.disable();
    await stopTracing();
  }
}

// ── Started as a program: the command line (`node trace-across-threads.js --help`) ───────────────

const USAGE = `usage: trace-across-threads [--tasks N] [--threads N] [--json] [--redis-server PATH]
  --tasks N            tasks per part that succeed (one more fails), 1 to 1000 (default 3)
  --threads N          threads of the thumbnails pool, 1 to 16 (default 2)
  --json               print every span as JSON instead of the trees
  --redis-server PATH  the redis-server of part 2 (default: redis-server on PATH, else
                       /usr/bin/redis-server; when there is none, part 2 is skipped)`;

/** The integer given as `--name`, or undefined when absent; throws naming the option, its range and the text. */
function integerArg(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `--${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The options given on the command line; prints the usage and exits with code 2 on a bad one. */
function commandLine(): TraceAcrossThreadsOptions {
  try {
    const { values } = parseArgs({
      options: {
        tasks: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
        'redis-server': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (values['redis-server'] === '') throw new TypeError('--redis-server must be a path, received ""');
    return {
      tasks: integerArg('tasks', values.tasks, 1, 1000),
      threads: integerArg('threads', values.threads, 1, 16),
      json: values.json,
      redisServer: values['redis-server'],
    };
  } catch (error) {
    console.error(`trace-across-threads: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported. A signal: a one-line message and 128 + its
// number. The exit is explicit then: a client whose Redis went away may still try to reconnect.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = commandLine();
  try {
    await main(options);
  } catch (error) {
    const { code, exitCode } = error as { code?: unknown; exitCode?: number };
    if (code !== 'ERR_INTERRUPTED') throw error;
    console.error(`trace-across-threads: ${(error as Error).message}`);
    process.exit(exitCode ?? 130);
  }
}
