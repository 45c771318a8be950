#!/usr/bin/env node
/**
 * poolkit-worker: runs the tasks of a BullMQBackend on this machine.
 *
 *   poolkit-worker --redis redis://host:6379 --module ./tasks.js [--queue poolkit] [--prefix bull]
 *                  [--concurrency N] [--threads N] [--lock-ms 30000] [--stalled-ms 30000] [--grace-ms 10000]
 *                  [--connect-ms 10000]
 *
 * The module's exports are the task names (the default export for tasks with no name). SIGTERM,
 * SIGINT or the end of the parent's IPC channel stops taking jobs and waits up to --grace-ms for
 * the running ones, then stops them by force (BullMQ gives their jobs to another worker once their
 * lock expires) and drops every connection — Redis being gone included. Exit code 0 when the
 * graceful close finished in time, 1 when it had to be forced (or a second signal came: it ends at
 * once). On a terminal a status line shows the counts.
 *
 * Before that: a bad flag exits 2 with a message naming it and the usage; Redis out of reach for
 * --connect-ms (default 10 s) exits 1 with `ERR_REDIS_UNREACHABLE` and the last connection error.
 */
import { parseArgs } from 'node:util';
import { startWorker } from './worker.js';

const USAGE =
  'usage: poolkit-worker --redis URL --module PATH [--queue NAME] [--prefix P] [--concurrency N] [--threads N] [--lock-ms MS] [--stalled-ms MS] [--grace-ms MS] [--connect-ms MS]';

/** setTimeout's longest delay, the bound of every --*-ms flag. */
const MAX_TIMER_MS = 2_147_483_647;

/** Exits 2 saying what is wrong, with the usage. */
function usageError(message: string): never {
  console.error(`poolkit-worker: ${message}\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_TIMER_MS) {
    usageError(
      `--${name} must be a whole number from 0 to ${MAX_TIMER_MS}, received ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** A bound in ms that may also be `Infinity` (wait for ever), as `connectMs` takes. */
function waitBound(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'Infinity') return Number.POSITIVE_INFINITY;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TIMER_MS) {
    usageError(`--${name} must be from 1 to ${MAX_TIMER_MS}, or Infinity, received ${JSON.stringify(value)}`);
  }
  return n;
}

/** The flag of each startWorker option, so a refusal names what the user typed. */
const FLAGS: Record<string, string> = {
  'options.redis': '--redis',
  'options.module': '--module',
  'options.queue': '--queue',
  'options.prefix': '--prefix',
  'options.concurrency': '--concurrency',
  'options.threads': '--threads',
  'options.lockMs': '--lock-ms',
  'options.stalledMs': '--stalled-ms',
  'options.connectMs': '--connect-ms',
};

function isRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE';
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      redis: { type: 'string' },
      module: { type: 'string' },
      queue: { type: 'string' },
      prefix: { type: 'string' },
      concurrency: { type: 'string' },
      threads: { type: 'string' },
      'lock-ms': { type: 'string' },
      'stalled-ms': { type: 'string' },
      'grace-ms': { type: 'string' },
      'connect-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
}
try {
  parsed = parse();
} catch (error) {
  usageError((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.redis === undefined || values.module === undefined) {
  usageError('--redis and --module are required');
}
const graceMs = integer('grace-ms', values['grace-ms']) ?? 10_000;

const worker = await startWorker({
  redis: values.redis,
  module: values.module,
  queue: values.queue,
  prefix: values.prefix,
  concurrency: integer('concurrency', values.concurrency),
  threads: integer('threads', values.threads),
  lockMs: integer('lock-ms', values['lock-ms']),
  stalledMs: integer('stalled-ms', values['stalled-ms']),
  connectMs: waitBound('connect-ms', values['connect-ms']),
}).catch((error: unknown) => {
  const message = (error as Error)?.message ?? String(error);
  if (isRefusal(error)) {
    usageError(message.replace(/options\.[A-Za-z]+/g, (option) => FLAGS[option] ?? option));
  }
  const code = (error as { code?: unknown })?.code;
  console.error(`poolkit-worker: ${typeof code === 'string' ? `${code}: ` : ''}${message}`);
  process.exit(1);
});

// Tells a parent process (tests, the example) that jobs can come now.
if (process.send !== undefined) process.send({ ready: true, pid: process.pid });
else if (!process.stdout.isTTY) console.log(`poolkit-worker ${process.pid} ready`);

let status: ReturnType<typeof setInterval> | undefined;
if (process.stdout.isTTY) {
  status = setInterval(() => {
    const { succeeded, failed, active } = worker.counts;
    process.stdout.write(
      `\rpoolkit-worker ${process.pid}: ${succeeded} succeeded, ${failed} failed, ${active} running `,
    );
  }, 500);
  status.unref();
}

/** How long after the grace period the process ends whatever close() still waits for, ms. */
const BACKSTOP_MS = 2_000;

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) {
    console.error(`poolkit-worker ${process.pid}: ${signal} again, exiting now`);
    process.exit(1);
  }
  stopping = true;
  if (status !== undefined) clearInterval(status);
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.error(`poolkit-worker ${process.pid}: ${signal}, stopping (grace ${graceMs} ms)`);
  // close() settles by itself; this only covers a thread that would not end.
  setTimeout(() => {
    console.error(
      `poolkit-worker ${process.pid}: not stopped ${BACKSTOP_MS} ms after the grace period, exiting`,
    );
    process.exit(1);
  }, graceMs + BACKSTOP_MS);
  const how = await worker.close(graceMs);
  if (how === 'forced') {
    console.error(
      `poolkit-worker ${process.pid}: stopped by force (a job outlived the grace period, or Redis is unreachable)`,
    );
  }
  process.exit(how === 'graceful' ? 0 : 1);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('disconnect', () => void stop('parent gone'));
