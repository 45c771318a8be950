/**
 * The report of a task run: a {@link BenchReport} with the task's section and its recommendation,
 * and the report of a run the per-task limit stopped before anything was timed.
 */
import { basename, extname } from 'node:path';
import { environment } from '../environment.js';
import { base, type MeasureSettings, withRatios } from '../harness.js';
import {
  type BenchReport,
  type ContenderResult,
  type Recommendation,
  SCHEMA,
  type TaskInfo,
  type TaskIssue,
} from '../report/types.js';
import { TASK_WORKLOAD } from '../workloads.js';
import { TASK_CONTENDER_LIST } from './contenders.js';
import type { LoadedTask } from './load.js';
import type { ResolvedTaskOptions } from './options.js';
import { findPeer, TASK_PEERS } from './peers.js';
import type { ProbeRun } from './probe.js';
import { recommend } from './recommend.js';

/** A report of a task run: a {@link BenchReport} with its `task` and `recommendation`. */
export interface TaskReport extends BenchReport {
  /** What was run, how it was sized and checked. */
  readonly task: TaskInfo;
  /** Which backend to use, and why. */
  readonly recommendation: Recommendation;
}

/** The scenario id of a task: its export name, or the module's base name for the default export. */
export function scenarioId(task: LoadedTask): string {
  const name = task.exportName === 'default' ? basename(task.path, extname(task.path)) : task.exportName;
  return name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'task';
}

/** Versions of what a task run compares, found from the user's project (tsx and tinybench from here). */
function versions(projectDir: string, base: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { tinybench: base.tinybench ?? 'unknown' };
  for (const name of TASK_PEERS) out[name] = findPeer(name, projectDir)?.version ?? 'not installed';
  return out;
}

/** The report of a run. */
export function taskReport(
  o: ResolvedTaskOptions,
  s: MeasureSettings,
  scenarios: TaskReport['scenarios'],
  task: TaskInfo,
  recommendation: Recommendation,
  started: number,
): TaskReport {
  const env = environment();
  return {
    schema: SCHEMA,
    environment: { ...env, versions: versions(o.cwd, env.versions) },
    settings: {
      mode: o.mode,
      threads: o.threads,
      timeMs: s.timeMs,
      iterations: s.iterations,
      warmupIterations: s.warmupIterations,
      rounds: s.rounds,
      latencySamples: s.latencySamples,
      crossCheckItems: s.crossCheckItems,
      sleepMs: 0,
      sleepConcurrency: [],
      sleepIterations: 0,
      tasks: { [TASK_WORKLOAD]: task.inputs.tasks },
    },
    scenarios,
    task,
    recommendation,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * The report of a run stopped by a task past the limit in the probe: every contender failed with
 * that reason (none was opened — each would have hung on that input), and no recommendation.
 */
export function cutReport(
  o: ResolvedTaskOptions,
  task: LoadedTask,
  kind: TaskInfo['inputs']['source'],
  tasks: number,
  run: ProbeRun,
  started: number,
  problems: TaskIssue[],
  notes: string[],
): TaskReport {
  const at = run.timedOut as NonNullable<ProbeRun['timedOut']>;
  const reason = `the task ran past the per-task limit of ${at.limitMs} ms on input #${at.index} in the probe thread (which was ended); nothing was timed`;
  const contenders: ContenderResult[] = TASK_CONTENDER_LIST.filter((c) => o.backends.includes(c.id)).map(
    (c) => ({ ...base(c), status: 'failed', reason }),
  );
  const id = scenarioId(task);
  const title = `${task.exportName === 'default' ? 'the default export' : task.exportName} of ${task.module}`;
  const info: TaskInfo = {
    module: task.module,
    path: task.path,
    export: task.exportName,
    format: task.format,
    async: false,
    inputs: { source: kind, tasks, distinct: tasks },
    sized: o.tasks === undefined ? 'auto' : 'given',
    deterministic: true,
    limitMs: o.taskTimeoutMs,
    budgetSeconds: o.budgetSeconds ?? null,
    threadCostMs: null,
    problems,
    notes,
  };
  const result = withRatios(
    {
      id,
      workload: {
        name: TASK_WORKLOAD,
        title,
        kind: 'cpu',
        native: undefined,
        items: () => [],
        canon: String,
      },
      tasks,
      concurrency: undefined,
      sleepMs: 0,
      title,
    },
    contenders,
    o.threads,
  );
  const recommendation = recommend(result, {
    threads: o.threads,
    async: false,
    offMain: new Set(),
    name: `${id} (${task.module})`,
  });
  const settings: MeasureSettings = { ...o, sleepIterations: 1 };
  return taskReport(o, settings, [result], info, recommendation, started);
}
