/**
 * sleepy-tasks — the "goworkerpool" seed design, in two modes.
 *
 * 1. Batch: a list of Task{data, err, f} run with `run()` at a given concurrency. 100 tasks of
 *    100 ms take about 2 s with 5 at a time, about 1 s with 10.
 * 2. Background: a long-lived Pool that stays open while tasks are added over time, and is
 *    stopped as soon as a condition holds (here: enough tasks have finished). `stop()` cancels
 *    what still waits and lets what runs finish.
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:sleepy-tasks                        # 100 tasks of 100 ms at concurrency 5, then 10
 *   npm run example:sleepy-tasks -- --tasks 40 --task-ms 50 --concurrency 2 --concurrency 8
 *   node packages/examples/dist/sleepy-tasks.js --help
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool, run } from '@poolkit/core';

/** goworkerpool's Task: its data, the function to run on it, and where its error lands. */
export interface Task<D, R> {
  data: D;
  f: (data: D, signal: AbortSignal) => Promise<R>;
  err?: unknown;
  result?: R;
}

/** Runs `tasks` at `concurrency`; each task's result or error is written back into it. */
export async function runTasks<D, R>(tasks: Task<D, R>[], concurrency: number): Promise<number> {
  const summary = await run<Task<D, R>, R>({
    producer: tasks,
    executor: (task, ctx) => task.f(task.data, ctx.signal),
    concurrency,
    collector: (outcome) => {
      if (outcome.ok) outcome.input.result = outcome.value;
      else outcome.input.err = outcome.error;
    },
  });
  return summary.durationMs;
}

/** A task function that sleeps `ms`, then returns its data (rejects at once if its signal aborts). */
const nap = (ms: number) => (n: number, signal: AbortSignal) => sleep(ms, n, { signal });

export interface SleepyTasksOptions {
  /** Tasks in each batch run. Default 100. */
  tasks?: number;
  /** Sleep of each task, ms. Default 100. */
  taskMs?: number;
  /** Concurrencies of the batch runs. Default [5, 10]. */
  concurrencies?: number[];
  /** Background mode: stop once this many tasks have finished. Default 20. */
  stopAfter?: number;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface SleepyTasksResult {
  batches: Array<{ concurrency: number; durationMs: number; done: number; errors: number }>;
  background: {
    added: number;
    finished: number;
    stats: {
      submitted: number;
      waiting: number;
      running: number;
      succeeded: number;
      failed: number;
      cancelled: number;
    };
  };
}

export async function main(options: SleepyTasksOptions = {}): Promise<SleepyTasksResult> {
  const {
    tasks = 100,
    taskMs = 100,
    concurrencies = [5, 10],
    stopAfter = 20,
    print = (line: string) => console.log(line),
  } = options;
  const batches: SleepyTasksResult['batches'] = [];

  for (const concurrency of concurrencies) {
    const list: Task<number, number>[] = Array.from({ length: tasks }, (_, i) => ({
      data: i,
      f: nap(taskMs),
    }));
    const durationMs = await runTasks(list, concurrency);
    const done = list.filter((t) => t.result !== undefined).length;
    const errors = list.filter((t) => t.err !== undefined).length;
    const ideal = (Math.ceil(tasks / concurrency) * taskMs) / 1000;
    print(
      `${tasks} tasks of ${taskMs} ms at concurrency ${String(concurrency).padStart(2)}: ${(durationMs / 1000).toFixed(2)} s (ideal ${ideal.toFixed(2)} s), ${done} done, ${errors} errors`,
    );
    batches.push({ concurrency, durationMs, done, errors });
  }

  // Background mode: the pool stays open; a feeder adds a task every 10 ms; we stop on a condition.
  let finished = 0;
  const pool = new Pool<number, number>({
    executor: async (n, ctx) => {
      await sleep(50, undefined, { signal: ctx.signal });
      finished++;
      return n;
    },
    concurrency: 3,
  });
  let added = 0;
  while (finished < stopAfter) {
    await pool.enqueue(++added);
    await sleep(10);
  }
  await pool.stop(); // refuse new tasks, cancel the waiting ones, let the running ones finish
  const stats = pool.stats;
  print(
    `background pool: ${added} tasks added over time, stopped once ${stopAfter} had finished → ` +
      `${stats.succeeded} succeeded, ${stats.cancelled} cancelled while waiting (state ${pool.state})`,
  );
  return { batches, background: { added, finished, stats: { ...stats } } };
}

// ── Started as a program: the command line (`node sleepy-tasks.js --help`) ───────────────────────

const USAGE = `usage: sleepy-tasks [--tasks N] [--task-ms N] [--concurrency N]... [--stop-after N]
  --tasks N        tasks in each batch run, 1 to 100000 (default 100)
  --task-ms N      how long each task sleeps, ms, 0 to 60000 (default 100)
  --concurrency N  one batch run at this concurrency, 1 to 1000; repeat it for more (default 5 and 10)
  --stop-after N   background mode: stop once N tasks have finished, 1 to 10000 (default 20)`;

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
function commandLine(): SleepyTasksOptions {
  try {
    const { values } = parseArgs({
      options: {
        tasks: { type: 'string' },
        'task-ms': { type: 'string' },
        concurrency: { type: 'string', multiple: true },
        'stop-after': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return {
      tasks: integerArg('tasks', values.tasks, 1, 100_000),
      taskMs: integerArg('task-ms', values['task-ms'], 0, 60_000),
      concurrencies: values.concurrency?.map((text) => integerArg('concurrency', text, 1, 1000) as number),
      stopAfter: integerArg('stop-after', values['stop-after'], 1, 10_000),
    };
  } catch (error) {
    console.error(`sleepy-tasks: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
