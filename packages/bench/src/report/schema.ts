/**
 * A checker for the JSON report's shape ({@link BenchReport}), for the tests and for anyone
 * reading the file: returns every problem found, as `path: what is wrong`; empty when valid.
 */
import { CONTENDER_IDS } from '../contenders/registry.js';
import { WORKLOAD_NAMES } from '../workloads.js';
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
    if (!WORKLOAD_NAMES.includes(s.workload as never))
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
  if (report.maxBatchSweep !== undefined) {
    if (!Array.isArray(report.maxBatchSweep)) p.push('maxBatchSweep: not an array');
    else for (const [i, s] of report.maxBatchSweep.entries()) sweep(p, `maxBatchSweep[${i}]`, s);
  }
  return p;
}
