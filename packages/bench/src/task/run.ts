/**
 * {@link benchmarkTask}: the user's own task function, measured like a suite workload.
 *
 *   load the module (main thread) ─▶ inputs ─▶ probe thread: size the batch, then run every
 *   input once under the per-task limit ─▶ main thread: the cross-check sample, twice
 *   (determinism) ─▶ the harness: open + cross-check, interleaved timing, lone tasks, close
 *   (every contender, within --budget) ─▶ verdict ─▶ recommendation
 *
 * Bad input throws {@link TaskInputError} before anything is timed. A task that throws fails
 * its contenders with its own error; one that runs past the limit fails them all (nothing is
 * timed); inputs a thread cannot receive skip the thread contenders (a problem in the report).
 */
import { inspect } from 'node:util';
import type { Scenario } from '../contender.js';
import { stopCluster } from '../distributed/cluster.js';
import { measureScenario, spread, WORKER_DIR, withRatios } from '../harness.js';
import type { TaskInfo, TaskIssue } from '../report/types.js';
import { type OutputCheck, TASK_WORKLOAD, type Workload } from '../workloads.js';
import { fitToBudget } from './budget.js';
import { jsonProblem } from './bullmq.js';
import { TASK_CONTENDER_LIST } from './contenders.js';
import { TaskInputError } from './errors.js';
import { asContender } from './harness-contender.js';
import { inputSource } from './inputs.js';
import { loadTask, tsxLoader } from './load.js';
import { resolveTaskOptions, type TaskOptions } from './options.js';
import { loadsTypeScript } from './pick.js';
import { Probe } from './probe.js';
import { recommend } from './recommend.js';
import { cutReport, scenarioId, type TaskReport, taskReport } from './report.js';
import { cloneDifference, cloneProblem, type Settled, settle, settledDifference, show } from './same.js';
import type { TaskSetup } from './setup.js';
import { batchSize, CALIBRATION, mainThreadCost } from './sizing.js';
import { Wrappers } from './wrappers.js';

export type { TaskReport } from './report.js';

/**
 * Benchmarks a user's task function: the floor (the main thread, one call after another), Pool
 * + InlineBackend, Pool + PiscinaBackend unbatched, batched and through `submitAll`, the peers
 * found in the project (piscina, tinypool, workerpool, poolifier; fastq and p-queue for an
 * async task), NativeBackend with `library`/`kernel`, BullMQBackend with `redis` — each
 * cross-checked against the main thread's outputs before it is timed — and returns the report
 * with its verdict and its recommendation (`report.recommendation`).
 *
 * Rejects with {@link TaskInputError} for bad input (nothing was timed). Never rejects for a
 * contender that fails: it is `failed` in the report, with the reason.
 *
 * @example
 * const report = await benchmarkTask({ module: './src/render.js', budgetSeconds: 60 });
 * console.log(report.recommendation.lines.join('\n'));
 */
export async function benchmarkTask(options: TaskOptions): Promise<TaskReport> {
  const started = performance.now();
  const o = resolveTaskOptions(options);
  const task = await loadTask(o.module, o.exportName, o.cwd);
  const source = inputSource(task, o.inputs, o.cwd);
  const execArgv =
    task.format === 'typescript' && !loadsTypeScript()
      ? [...process.execArgv, '--import', tsxLoader()]
      : undefined;
  const wrappers = new Wrappers(task, WORKER_DIR);
  const probe = new Probe(task, WORKER_DIR, execArgv);
  const notes: string[] = [];
  const problems: TaskIssue[] = [];
  try {
    // Size the batch: from the probe thread's timing of the first inputs (the main thread only
    // when they cannot go to a thread).
    let threadCostMs: number | null = null;
    let costMs: number | null = null;
    if (o.tasks === undefined) {
      const { items: first } = await source.take(CALIBRATION.items);
      if (first.every((item) => cloneProblem(item) === undefined)) {
        const run = await probe.run(first, o.taskTimeoutMs, CALIBRATION.maxMs);
        if (run.timedOut !== undefined)
          return cutReport(o, task, source.kind, first.length, run, started, problems, notes);
        costMs = threadCostMs = run.medianMs;
        if (run.failed !== undefined) notes.push(`the probe thread could not run the task: ${run.failed}`);
      }
      if (costMs === null) costMs = await mainThreadCost(task.fn, first, CALIBRATION.maxMs);
    }
    const tasks = batchSize(o, costMs);
    const { items, distinct } = await source.take(tasks);
    if (distinct < tasks)
      notes.push(
        `the inputs gave ${distinct} distinct item${distinct === 1 ? '' : 's'}, cycled to ${tasks} per batch`,
      );
    // Inputs a thread cannot receive rule out the thread contenders; the rest run.
    let offThread: string | undefined;
    for (let i = 0; i < items.length && offThread === undefined; i++) {
      const why = cloneProblem(items[i]);
      if (why !== undefined) offThread = `input #${i} (${show(items[i])}): ${why}`;
    }
    if (offThread !== undefined) {
      problems.push({
        code: 'ERR_INPUTS_NOT_CLONEABLE',
        message: `the inputs cannot be cloned to a worker thread — ${offThread}; that rules out ${TASK_CONTENDER_LIST.filter(
          (c) => c.where === 'threads' || c.where === 'process',
        )
          .map((c) => c.id)
          .join(', ')}; the rest ran`,
      });
      notes.push(
        'the per-task limit could not be enforced: with inputs no thread can receive, nothing probes the task first',
      );
    } else {
      // Every input once, in the probe thread, under the limit: a task that hangs is found here.
      const run = await probe.run(items, o.taskTimeoutMs);
      if (run.timedOut !== undefined)
        return cutReport(o, task, source.kind, tasks, run, started, problems, notes);
      if (run.failed !== undefined) notes.push(`the probe thread could not run the task: ${run.failed}`);
      else threadCostMs = run.medianMs ?? threadCostMs;
      if (run.firstError !== undefined)
        notes.push(
          `in a worker thread the task threw on ${run.errors} of ${run.ran} inputs, first on input #${run.firstError.index}: ${run.firstError.text}`,
        );
    }
    await probe.close();

    // The reference: the cross-check sample on the main thread, twice.
    const sample = spread(items.length, o.crossCheckItems).map((i) => items[i]);
    const first = await Promise.all(sample.map((item) => settle(task.fn, item)));
    const second = await Promise.all(sample.map((item) => settle(task.fn, item)));
    const isAsync = first.some((s) => s.thenable);
    let deterministic = true;
    for (let i = 0; i < sample.length; i++) {
      const difference = settledDifference(first[i], second[i]);
      if (difference === undefined) continue;
      deterministic = false;
      if (!o.allowNondeterministic) {
        throw new TaskInputError(
          'ERR_NONDETERMINISTIC',
          `the task is non-deterministic: input ${show(sample[i])} gave ${difference} on two main-thread runs. Outputs cannot be cross-checked; pass --allow-nondeterministic (allowNondeterministic) to time it anyway`,
        );
      }
      notes.push(
        `non-deterministic (input ${show(sample[i])} gave ${difference}): outputs were not compared, only counted`,
      );
      break;
    }
    const expected = new Map<unknown, Settled>(sample.map((item, i) => [item, first[i]]));
    const check: OutputCheck = {
      reference: 'the main thread',
      async expected(items) {
        const out: unknown[] = [];
        for (const item of items) {
          const s = expected.get(item) ?? (await settle(task.fn, item));
          if (!s.ok) throw s.error;
          out.push(s.value);
        }
        return out;
      },
      differs: deterministic ? cloneDifference : () => undefined,
    };
    const title = `${task.exportName === 'default' ? 'the default export' : task.exportName} of ${task.module}, ${isAsync ? 'an async' : 'a sync'} function`;
    const workload: Workload = {
      name: TASK_WORKLOAD,
      title,
      kind: 'cpu',
      native: undefined,
      items: () => items,
      canon: (x) => inspect(x),
      check,
    };
    const scenario: Scenario = {
      id: scenarioId(task),
      workload,
      tasks,
      concurrency: undefined,
      sleepMs: 0,
      title,
    };
    const notJson = o.redis === undefined || offThread !== undefined ? undefined : await jsonProblem(items);
    const setup: TaskSetup = {
      task,
      async: isAsync,
      threads: o.threads,
      tasks,
      execArgv,
      projectDir: o.cwd,
      workerDir: WORKER_DIR,
      wrappers,
      limitMs: o.taskTimeoutMs,
      uncloneable: offThread,
      native: o.native,
      redis: o.redis,
    };
    const specs = TASK_CONTENDER_LIST.filter((c) => o.backends.includes(c.id));
    const contenders = specs.map((spec) => asContender(spec, setup, offThread, notJson));
    const settings = fitToBudget(o, contenders, workload, started);
    const results = await measureScenario(contenders, scenario, items, settings, o.hooks, WORKER_DIR);
    const result = withRatios(scenario, results, o.threads);
    const info: TaskInfo = {
      module: task.module,
      path: task.path,
      export: task.exportName,
      format: task.format,
      async: isAsync,
      inputs: {
        source: source.kind,
        ...(source.file === undefined ? {} : { file: source.file }),
        tasks,
        distinct,
      },
      sized: o.tasks === undefined ? 'auto' : 'given',
      deterministic,
      limitMs: o.taskTimeoutMs,
      budgetSeconds: o.budgetSeconds ?? null,
      threadCostMs,
      problems,
      notes,
    };
    const recommendation = recommend(result, {
      threads: o.threads,
      async: isAsync,
      offMain: new Set(specs.filter((c) => c.where !== 'main').map((c) => c.id)),
      name: `${scenario.id} (${task.module})`,
    });
    return taskReport(o, settings, [result], info, recommendation, started);
  } finally {
    await probe.close();
    wrappers.remove();
    await stopCluster();
  }
}
