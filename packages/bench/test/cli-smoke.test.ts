/**
 * The CI smoke test: the built CLI on a tiny configuration. It checks the files it writes, not
 * how fast anything was — a number never fails this test.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENDERS } from '../src/contenders/registry.js';
import { checkReport } from '../src/report/schema.js';
import type { BenchReport } from '../src/report/types.js';
import { WORKLOADS, type WorkloadName } from '../src/workloads.js';
import { nativeLoads } from './native-loads.js';
import { RUNTIME_LABEL as LABEL, RUN_SCRIPT, RUNTIME } from './this-runtime.js';

const CLI = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'cli.js');
const WORKLOAD_LIST = ['noop', 'square', 'md5', 'sleep'];
const TASKS = 24;
const ITERATIONS = 2;

type Run = { code: number | null; stdout: string; stderr: string };

let dir: string;
let run: Run;
let report: BenchReport;

/** The built CLI with `args`; resolves with its exit status and output. */
function cli(args: string[], timeout = 80_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...RUN_SCRIPT, CLI, ...args], { timeout }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'poolkit-bench-'));
  const args = [
    ...['--workload', WORKLOAD_LIST.join(','), '--tasks', String(TASKS), '--time', '20'],
    ...['--iterations', String(ITERATIONS), '--warmup', '1', '--latency', '4', '--sleep-ms', '5'],
    ...[
      '--json',
      join(dir, 'report.json'),
      '--md',
      join(dir, 'report.md'),
      '--html',
      join(dir, 'report.html'),
      '--svg',
      join(dir, 'svg'),
      '--no-progress',
    ],
  ];
  run = await cli(args);
  if (existsSync(join(dir, 'report.json')))
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
}, 90_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('poolkit-bench on a tiny configuration', () => {
  it('exits with status 0 and prints the environment and a table per scenario', () => {
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`${LABEL} · `)).toBe(true);
    expect(run.stdout).toMatch(
      /^(Node|Bun|Deno) v?\d+\.\d+\.\d+.* · .+ · \d+ cores \(load [\d.]+ at start\) · /,
    );
    for (const id of ['noop', 'square', 'md5', 'sleep-c5', 'sleep-c10']) {
      expect(run.stdout).toContain(`\n${id}: `);
    }
  });

  it('writes a JSON report that passes the schema check, with no sweep unless asked', () => {
    expect(checkReport(report)).toEqual([]);
    expect(report.maxBatchSweep).toBeUndefined();
    expect(report.settings.maxBatchSweep).toBeUndefined();
    expect(run.stdout).not.toContain('maxBatch sweep');
    expect(report.environment.node).toBe(process.version);
    expect(report.environment.runtime).toEqual(RUNTIME);
    expect(report.settings.mode).toBe('quick');
    expect(report.scenarios.map((s) => s.id)).toEqual(['noop', 'square', 'md5', 'sleep-c5', 'sleep-c10']);
  });

  it('has every contender of every selected workload, each measured and cross-checked or skipped for a stated reason', async () => {
    const native = await nativeLoads();
    for (const scenario of report.scenarios) {
      // A suite run has no user task: every scenario runs a built-in workload.
      expect(scenario.workload).not.toBe('task');
      const workload = WORKLOADS[scenario.workload as WorkloadName];
      // Every contender but those bound to a scenario of their own (the distributed one's).
      const general = Object.values(CONTENDERS).filter((c) => c.only === undefined);
      expect(scenario.contenders.map((c) => c.id)).toEqual(general.map((c) => c.id));
      for (const c of scenario.contenders) {
        const where = `${scenario.id} · ${c.id}`;
        const byDesign = CONTENDERS[c.id].unsupported(workload);
        const noAddon = !native && (c.id.startsWith('pool-native') || c.id === 'native-batch');
        if (byDesign !== undefined || noAddon) {
          expect(c.status, where).toBe('skipped');
          if (byDesign !== undefined) expect(c.reason, where).toBe(byDesign);
          else expect(c.reason, where).toMatch(/native/);
          expect(c.batch, where).toBeNull();
          continue;
        }
        expect(c.status, `${where}: ${c.reason}`).toBe('ok');
        if (c.computed) {
          // Only the floor of the sleep workload is computed: one task after another.
          expect(c.id).toBe('floor');
          expect(scenario.kind).toBe('io');
          expect(c.batch?.samples).toEqual([TASKS * 5]);
          continue;
        }
        expect(c.crossCheck, where).toEqual({ items: 8, equal: true });
        expect(c.batch?.samples.length, where).toBeGreaterThanOrEqual(ITERATIONS);
        expect(c.tasksPerSec, where).toBeGreaterThan(0);
        if (scenario.kind === 'cpu') expect(c.latency?.samples.length, where).toBeGreaterThanOrEqual(3);
        else expect(c.latency, where).toBeNull();
      }
    }
  });

  it('computes speed-up from the medians and efficiency per core (CPU) or per in-flight task (I/O)', () => {
    for (const scenario of report.scenarios) {
      const floor = scenario.contenders.find((c) => c.id === 'floor');
      const floorMs = floor?.batch?.stats.medianMs as number;
      expect(floor?.speedup).toBeCloseTo(1, 10);
      expect(scenario.efficiencyDivisor).toBe(
        scenario.kind === 'io' ? scenario.concurrency : report.settings.threads,
      );
      for (const c of scenario.contenders.filter((x) => x.status === 'ok')) {
        expect(c.speedup).toBeCloseTo(floorMs / (c.batch?.stats.medianMs as number), 10);
        expect(c.efficiency).toBeCloseTo((c.speedup as number) / scenario.efficiencyDivisor, 10);
      }
    }
  });

  it('writes one SVG chart per scenario with a bar per measured contender', () => {
    for (const scenario of report.scenarios) {
      const svg = readFileSync(join(dir, 'svg', `${scenario.id}.svg`), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      const bars = [...svg.matchAll(/<g class="bar" data-contender="([^"]+)">/g)].map((m) => m[1]);
      expect(bars).toEqual(scenario.contenders.filter((c) => c.status === 'ok').map((c) => c.id));
    }
  });

  it('writes Markdown with the environment line, a table per scenario and the verdicts', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain(`_${LABEL} · `);
    expect(md.match(/^\| contender \|/gm)?.length).toBe(report.scenarios.length);
    for (const s of report.scenarios) expect(md).toMatch(new RegExp(`^- ${s.id}: `, 'm'));
  });

  it('ends with a verdict per scenario, also in the JSON, never calling a winner inside the spread', () => {
    const block = run.stdout.slice(run.stdout.indexOf('\nVerdict — '));
    expect(block).toContain('a tie when the leader’s IQR overlaps');
    for (const s of report.scenarios) {
      expect(block).toMatch(new RegExp(`\\n  ${s.id}: `));
      const v = s.verdict;
      if (v.outcome === 'win' && v.leader !== null && v.next !== null) {
        expect(v.leader.q3Ms).toBeLessThan(v.next.q1Ms);
        expect(v.margin).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('writes the HTML page with one chart per scenario and its verdicts', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(run.stdout).toContain(`HTML: ${join(dir, 'report.html')}`);
    expect(html).toContain(`${LABEL} · `);
    expect(html.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="chart"/g)?.length).toBe(
      report.scenarios.length,
    );
    expect(html.match(/<li class="verdict /g)?.length).toBe(report.scenarios.length);
    expect(html).not.toMatch(/<script|\s(src|href)=/i);
  });
});

describe('poolkit-bench --max-batch-sweep', () => {
  let sweepDir: string;
  beforeAll(() => {
    sweepDir = mkdtempSync(join(tmpdir(), 'poolkit-bench-sweep-'));
  });
  afterAll(() => {
    rmSync(sweepDir, { recursive: true, force: true });
  });

  it('times the adaptive default beside each fixed maxBatch and prints adaptive / best fixed per CPU workload', async () => {
    const json = join(sweepDir, 'sweep.json');
    const r = await cli([
      ...['--workload', 'noop,sleep', '--backend', 'pool-piscina-batched', '--max-batch-sweep', '8,1'],
      ...['--tasks', '48', '--time', '20', '--iterations', '2', '--warmup', '1', '--latency', '3'],
      ...['--sleep-ms', '1', '--concurrency', '2', '--json', json, '--md', join(sweepDir, 'sweep.md')],
      '--no-progress',
    ]);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    const written = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(checkReport(written)).toEqual([]);
    expect(written.settings.maxBatchSweep).toEqual([1, 8]);
    // The sleep workload is I/O: no sweep there.
    expect(written.maxBatchSweep?.map((s) => s.scenario)).toEqual(['noop']);
    const [sweep] = written.maxBatchSweep ?? [];
    expect(sweep.rows.map((row) => [row.maxBatch, row.status])).toEqual([
      [null, 'ok'],
      [1, 'ok'],
      [8, 'ok'],
    ]);
    expect(sweep.rows[1].tasksPerCall).toBe(1);
    expect(sweep.bestFixed === 1 || sweep.bestFixed === 8).toBe(true);
    expect(sweep.ratio).toBeGreaterThan(0);
    expect(r.stdout).toContain('\nnoop: maxBatch sweep of pool-piscina-batched, batches of 48 tasks\n');
    expect(r.stdout).toMatch(/\nnoop: adaptive \/ best fixed \(maxBatch (1|8)\) = [\d.]+×\n/);
    expect(r.stdout).toMatch(
      /maxBatch sweep, adaptive \/ best fixed \(its maxBatch\): noop [\d.]+× \((1|8)\)/,
    );
    expect(readFileSync(join(sweepDir, 'sweep.md'), 'utf8')).toContain('| default (adaptive) |');
  });

  it('exits with status 2 and says why for a bad sweep list', async () => {
    const r = await cli(['--max-batch-sweep', '4,zero', '--json', join(sweepDir, 'never.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'poolkit-bench: --max-batch-sweep takes comma-separated integers ≥ 1 (fixed maxBatch values, e.g. 4,16,64,256,1024); received "zero"',
    );
    expect(existsSync(join(sweepDir, 'never.json'))).toBe(false);
  });
});

describe('the built bin', () => {
  it('runs as a program (the built cli.js keeps its execute bit after a rebuild; npm links it as poolkit-bench)', async () => {
    // Run by its path, as the `poolkit-bench` link npm makes runs it: this needs the execute bit
    // and the shebang, which tsc does not write (scripts/tsc-fresh.mjs sets the bit).
    const r = await new Promise<Run>((resolve) => {
      execFile(CLI, ['--help'], { timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--task <module>');
  });
});
