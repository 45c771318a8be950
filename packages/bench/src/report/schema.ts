/**
 * A checker for the JSON report's shape ({@link BenchReport}), for the tests and for anyone
 * reading the file: returns every problem found, as `path: what is wrong`; empty when valid.
 */
import { CONTENDER_IDS } from '../contenders/registry.js';
import { RUNTIME_NAMES } from '../runtime.js';
import { TASK_WORKLOAD, WORKLOAD_NAMES } from '../workloads.js';
import { SCHEMA } from './types.js';

type Problems = string[];

const STATUSES = ['ok', 'skipped', 'failed'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function samples(p: Problems, path: string, v: unknown): void {
  if (v === null) return;
  if (!isObject(v)) return void p.push(`${path}: not an object or null`);
  if (
    !Array.isArray(v.samples) ||
    v.samples.length === 0 ||
    !v.samples.every((x) => isFiniteNumber(x) && x >= 0)
  ) {
    p.push(`${path}.samples: not a non-empty array of numbers ≥ 0`);
  }
  if (!isObject(v.stats)) return void p.push(`${path}.stats: not an object`);
  for (const key of ['n', 'medianMs', 'meanMs', 'p99Ms', 'minMs', 'maxMs']) {
    if (!isFiniteNumber(v.stats[key])) p.push(`${path}.stats.${key}: not a number`);
  }
  if (Array.isArray(v.samples) && v.stats.n !== v.samples.length)
    p.push(`${path}.stats.n: differs from samples.length`);
}

function nullableNumber(p: Problems, path: string, v: unknown): void {
  if (v !== null && !isFiniteNumber(v)) p.push(`${path}: not a number or null`);
}

function contender(p: Problems, path: string, c: unknown): void {
  if (!isObject(c)) return void p.push(`${path}: not an object`);
  if (!CONTENDER_IDS.includes(c.id as never)) p.push(`${path}.id: unknown contender ${JSON.stringify(c.id)}`);
  if (typeof c.label !== 'string') p.push(`${path}.label: not a string`);
  if (!['floor', 'poolkit', 'worker-pool', 'in-process'].includes(c.kind as string))
    p.push(`${path}.kind: unknown kind`);
  if (!STATUSES.includes(c.status as string)) p.push(`${path}.status: not ok/skipped/failed`);
  if (c.status !== 'ok' && (typeof c.reason !== 'string' || c.reason === ''))
    p.push(`${path}.reason: a ${String(c.status)} contender needs a reason`);
  if (c.crossCheck !== null) {
    if (
      !isObject(c.crossCheck) ||
      !isFiniteNumber(c.crossCheck.items) ||
      typeof c.crossCheck.equal !== 'boolean'
    ) {
      p.push(`${path}.crossCheck: not { items, equal } or null`);
    }
  }
  samples(p, `${path}.batch`, c.batch);
  samples(p, `${path}.latency`, c.latency);
  for (const key of ['tasksPerSec', 'speedup', 'efficiency']) nullableNumber(p, `${path}.${key}`, c[key]);
  if (c.status === 'ok' && c.batch === null) p.push(`${path}.batch: an ok contender needs batch samples`);
}

const OUTCOMES = ['win', 'tie', 'too-few-samples', 'alone', 'none'];

function spread(p: Problems, path: string, v: unknown): void {
  if (v === null) return;
  if (!isObject(v)) return void p.push(`${path}: not an object or null`);
  if (!CONTENDER_IDS.includes(v.id as never)) p.push(`${path}.id: unknown contender ${JSON.stringify(v.id)}`);
  if (!Number.isInteger(v.n) || (v.n as number) < 1) p.push(`${path}.n: not an integer ≥ 1`);
  for (const key of ['medianMs', 'q1Ms', 'q3Ms', 'minMs', 'maxMs'])
    if (!isFiniteNumber(v[key])) p.push(`${path}.${key}: not a number`);
  const [min, q1, med, q3, max] = [v.minMs, v.q1Ms, v.medianMs, v.q3Ms, v.maxMs] as number[];
  if ([min, q1, med, q3, max].every(isFiniteNumber) && !(min <= q1 && q1 <= med && med <= q3 && q3 <= max))
    p.push(`${path}: not ordered min ≤ q1 ≤ median ≤ q3 ≤ max`);
}

/** A scenario's `verdict` (see verdict.ts): outcome, leader and next with their spreads. */
function verdict(p: Problems, path: string, v: unknown): void {
  if (!isObject(v)) return void p.push(`${path}: not an object`);
  if (!OUTCOMES.includes(v.outcome as string))
    p.push(`${path}.outcome: not ${OUTCOMES.join('/')}, received ${JSON.stringify(v.outcome)}`);
  spread(p, `${path}.leader`, v.leader);
  spread(p, `${path}.next`, v.next);
  nullableNumber(p, `${path}.margin`, v.margin);
  nullableNumber(p, `${path}.floorSpeedup`, v.floorSpeedup);
  if (!Array.isArray(v.tiedWith) || !v.tiedWith.every((id) => CONTENDER_IDS.includes(id as never)))
    p.push(`${path}.tiedWith: not an array of contender ids`);
  else if ((v.outcome === 'tie') !== v.tiedWith.length > 0)
    p.push(`${path}.tiedWith: must be non-empty exactly when the outcome is a tie`);
  const needsLeader = v.outcome !== 'none';
  const needsNext = needsLeader && v.outcome !== 'alone';
  if (needsLeader !== (v.leader !== null))
    p.push(`${path}.leader: ${needsLeader ? 'missing' : 'must be null'}`);
  if (needsNext !== (v.next !== null)) p.push(`${path}.next: ${needsNext ? 'missing' : 'must be null'}`);
}

/** The optional `maxBatchSweep` section: one entry per CPU scenario, rows with their maxBatch. */
function sweep(p: Problems, path: string, s: unknown): void {
  if (!isObject(s)) return void p.push(`${path}: not an object`);
  if (typeof s.scenario !== 'string') p.push(`${path}.scenario: not a string`);
  if (!WORKLOAD_NAMES.includes(s.workload as never))
    p.push(`${path}.workload: unknown workload ${JSON.stringify(s.workload)}`);
  if (!CONTENDER_IDS.includes(s.contender as never))
    p.push(`${path}.contender: unknown contender ${JSON.stringify(s.contender)}`);
  if (!Number.isInteger(s.tasks) || (s.tasks as number) < 1) p.push(`${path}.tasks: not an integer ≥ 1`);
  const maxBatch = (v: unknown) => v === null || (Number.isInteger(v) && (v as number) >= 1);
  if (!maxBatch(s.bestFixed)) p.push(`${path}.bestFixed: not an integer ≥ 1 or null`);
  nullableNumber(p, `${path}.ratio`, s.ratio);
  if (!Array.isArray(s.rows) || s.rows.length === 0)
    return void p.push(`${path}.rows: not a non-empty array`);
  for (const [j, r] of (s.rows as unknown[]).entries()) {
    const at = `${path}.rows[${j}]`;
    if (!isObject(r)) {
      p.push(`${at}: not an object`);
      continue;
    }
    if (!maxBatch(r.maxBatch)) p.push(`${at}.maxBatch: not an integer ≥ 1 or null`);
    if (typeof r.label !== 'string') p.push(`${at}.label: not a string`);
    if (!STATUSES.includes(r.status as string)) p.push(`${at}.status: not ok/skipped/failed`);
    if (r.status !== 'ok' && (typeof r.reason !== 'string' || r.reason === ''))
      p.push(`${at}.reason: a ${String(r.status)} row needs a reason`);
    samples(p, `${at}.batch`, r.batch);
    for (const key of ['tasksPerSec', 'tasksPerCall']) nullableNumber(p, `${at}.${key}`, r[key]);
    if (r.status === 'ok' && r.batch === null) p.push(`${at}.batch: an ok row needs batch samples`);
  }
  const first = (s.rows as unknown[])[0];
  if (isObject(first) && first.maxBatch !== null)
    p.push(`${path}.rows[0].maxBatch: the first row must be the adaptive default (null)`);
}

const REC_OUTCOMES = ['pool', 'tie', 'main-thread', 'none'];

/** A task run's `task` section (see report/types.ts `TaskInfo`). */
function taskInfo(p: Problems, t: unknown): void {
  if (!isObject(t)) return void p.push('task: not an object');
  for (const key of ['module', 'path', 'export'])
    if (typeof t[key] !== 'string') p.push(`task.${key}: not a string`);
  if (!['esm', 'commonjs', 'typescript'].includes(t.format as string))
    p.push('task.format: not esm/commonjs/typescript');
  for (const key of ['async', 'deterministic'])
    if (typeof t[key] !== 'boolean') p.push(`task.${key}: not a boolean`);
  const inputs = t.inputs;
  if (!isObject(inputs) || !['module', 'file', 'array'].includes(inputs.source as string))
    p.push('task.inputs: not { source: module/file/array, tasks, distinct }');
  else if (!Number.isInteger(inputs.tasks) || !Number.isInteger(inputs.distinct))
    p.push('task.inputs.tasks/distinct: not integers');
  if (!isFiniteNumber(t.limitMs)) p.push('task.limitMs: not a number');
  nullableNumber(p, 'task.budgetSeconds', t.budgetSeconds);
  nullableNumber(p, 'task.threadCostMs', t.threadCostMs);
  if (
    !Array.isArray(t.problems) ||
    !t.problems.every((x) => isObject(x) && typeof x.code === 'string' && typeof x.message === 'string')
  )
    p.push('task.problems: not an array of { code, message }');
  if (!Array.isArray(t.notes) || !t.notes.every((x) => typeof x === 'string'))
    p.push('task.notes: not an array of strings');
}

/**
 * A task run's `recommendation`, and that it agrees with the scenario's table and verdict: it
 * names the verdict's leader (which ran and passed its cross-check), or no contender.
 */
function recommendation(p: Problems, r: unknown, scenario: unknown): void {
  if (!isObject(r)) return void p.push('recommendation: not an object');
  if (!REC_OUTCOMES.includes(r.outcome as string))
    p.push(`recommendation.outcome: not ${REC_OUTCOMES.join('/')}`);
  if (!Array.isArray(r.lines) || r.lines.length === 0 || !r.lines.every((l) => typeof l === 'string'))
    p.push('recommendation.lines: not a non-empty array of strings');
  for (const key of ['speedup', 'loneP50Ms', 'taskCostMs', 'breakEvenMs', 'batchingGain'])
    nullableNumber(p, `recommendation.${key}`, r[key]);
  if (typeof r.mainThreadInSpread !== 'boolean') p.push('recommendation.mainThreadInSpread: not a boolean');
  const named = r.outcome === 'pool' || r.outcome === 'tie';
  if (named !== (r.contender !== null))
    p.push(`recommendation.contender: ${named ? 'missing' : 'must be null'}`);
  if (!isObject(scenario) || !isObject(scenario.verdict) || !Array.isArray(scenario.contenders)) return;
  const leader = isObject(scenario.verdict.leader) ? scenario.verdict.leader.id : null;
  if (named && r.contender !== leader)
    p.push(
      `recommendation.contender: ${JSON.stringify(r.contender)} is not the verdict's leader ${JSON.stringify(leader)}`,
    );
  const row = (scenario.contenders as unknown[]).find((c) => isObject(c) && c.id === r.contender);
  if (
    named &&
    (!isObject(row) || row.status !== 'ok' || !isObject(row.crossCheck) || row.crossCheck.equal !== true)
  )
    p.push(`recommendation.contender: ${JSON.stringify(r.contender)} did not run and pass its cross-check`);
  if (JSON.stringify(r.tiedWith) !== JSON.stringify(scenario.verdict.tiedWith))
    p.push("recommendation.tiedWith: differs from the verdict's");
}

/** `environment.runtime`: a known name and a version; Node's version is `environment.node` itself. */
function runtime(p: Problems, env: Record<string, unknown>): void {
  const r = env.runtime;
  if (!isObject(r)) return void p.push('environment.runtime: not an object');
  if (!RUNTIME_NAMES.includes(r.name as never))
    p.push(`environment.runtime.name: not one of ${RUNTIME_NAMES.join('/')}`);
  if (typeof r.version !== 'string' || r.version === '')
    p.push('environment.runtime.version: not a non-empty string');
  else if (r.name === 'node' && r.version !== env.node)
    p.push(
      'environment.runtime.version: a Node run has its version in environment.node too, and they differ',
    );
}

/** Every problem with `report`'s shape; an empty array when it is a valid report. */
export function checkReport(report: unknown): string[] {
  const p: Problems = [];
  if (!isObject(report)) return ['report: not an object'];
  if (report.schema !== SCHEMA)
    p.push(`schema: expected ${SCHEMA}, received ${JSON.stringify(report.schema)}`);
  const env = report.environment;
  if (!isObject(env)) p.push('environment: not an object');
  else {
    for (const key of ['node', 'cpu', 'commit', 'date'])
      if (typeof env[key] !== 'string') p.push(`environment.${key}: not a string`);
    if (!Number.isInteger(env.cores) || (env.cores as number) < 1)
      p.push('environment.cores: not an integer ≥ 1');
    runtime(p, env);
  }
  if (!isObject(report.settings)) p.push('settings: not an object');
  if (!isFiniteNumber(report.durationMs)) p.push('durationMs: not a number');
  if (!Array.isArray(report.scenarios)) return [...p, 'scenarios: not an array'];
  for (const [i, s] of (report.scenarios as unknown[]).entries()) {
    const path = `scenarios[${i}]`;
    if (!isObject(s)) {
      p.push(`${path}: not an object`);
      continue;
    }
    if (typeof s.id !== 'string') p.push(`${path}.id: not a string`);
    const task = report.task !== undefined && s.workload === TASK_WORKLOAD;
    if (!task && !WORKLOAD_NAMES.includes(s.workload as never))
      p.push(`${path}.workload: unknown workload ${JSON.stringify(s.workload)}`);
    if (s.kind !== 'cpu' && s.kind !== 'io') p.push(`${path}.kind: not cpu/io`);
    if (!Number.isInteger(s.tasks) || (s.tasks as number) < 1) p.push(`${path}.tasks: not an integer ≥ 1`);
    if (!isFiniteNumber(s.efficiencyDivisor)) p.push(`${path}.efficiencyDivisor: not a number`);
    if (!Array.isArray(s.contenders) || s.contenders.length === 0) {
      p.push(`${path}.contenders: not a non-empty array`);
      continue;
    }
    for (const [j, c] of (s.contenders as unknown[]).entries()) contender(p, `${path}.contenders[${j}]`, c);
    verdict(p, `${path}.verdict`, s.verdict);
  }
  if ((report.task === undefined) !== (report.recommendation === undefined))
    p.push('task, recommendation: a task run has both, a suite run neither');
  if (report.task !== undefined) {
    taskInfo(p, report.task);
    if (report.scenarios.length !== 1) p.push('scenarios: a task run has exactly one');
    recommendation(p, report.recommendation, report.scenarios[0]);
  }
  if (report.maxBatchSweep !== undefined) {
    if (!Array.isArray(report.maxBatchSweep)) p.push('maxBatchSweep: not an array');
    else for (const [i, s] of report.maxBatchSweep.entries()) sweep(p, `maxBatchSweep[${i}]`, s);
  }
  return p;
}
