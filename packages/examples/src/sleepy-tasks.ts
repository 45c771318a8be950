/**
 * sleepy-tasks — the "goworkerpool" seed design, in two modes.
 *
 * 1. Batch: a list of Task{data, err, f} run with `run()` at a given concurrency. 100 tasks of
 *    100 ms take about 2 s with 5 at a time, about 1 s with 10.
 * 2. Background: a long-lived Pool that stays open while tasks are added over time, and is
 *    stopped as soon as a condition holds (here: enough tasks have finished). `stop()` cancels
 *    what still waits and lets what runs finish.
 *
 * Run: `npm run example:sleepy-tasks` or `node packages/examples/dist/sleepy-tasks.js`.
 */
import { Pool, run } from '@poolkit/core';
import { isMain, type Print, runAsProgram, sleep, stdout } from './cli.js';

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

const nap = (ms: number) => (n: number, signal: AbortSignal) => sleep(ms, signal).then(() => n);

export interface SleepyTasksOptions {
  /** Tasks in each batch run. Default 100. */
  tasks?: number;
  /** Sleep of each task, ms. Default 100. */
  taskMs?: number;
  /** Concurrencies of the batch runs. Default [5, 10]. */
  concurrencies?: number[];
  /** Background mode: stop once this many tasks have finished. Default 20. */
  stopAfter?: number;
  print?: Print;
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
  const { tasks = 100, taskMs = 100, concurrencies = [5, 10], stopAfter = 20, print = stdout } = options;
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
      await sleep(50, ctx.signal);
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

if (isMain(import.meta.url)) runAsProgram(() => main());
