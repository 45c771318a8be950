/**
 * `poolkit-bench --task` end to end: the built CLI on a small run writes the JSON, Markdown, HTML
 * and SVG reports, prints the recommendation last, and stores the same recommendation in every
 * report; a peer that is not installed in the project is skipped saying how to add it.
 */
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReport } from '../src/report/schema.js';
import type { TaskReport } from '../src/task/run.js';
import { type CliRun, cli, SMALL_FLAGS, TASKS, tempDir } from './task-helpers.js';
import { RUNTIME_LABEL } from './this-runtime.js';

const out = tempDir();
let run: CliRun;
let report: TaskReport;

beforeAll(async () => {
  run = await cli(
    [
      ...[
        '--task',
        'checksum.ts',
        '--export',
        'checksum',
        '--backend',
        'pool-inline,pool-piscina-batched,tinypool',
      ],
      ...SMALL_FLAGS,
      ...[
        '--json',
        join(out, 'r.json'),
        '--md',
        join(out, 'r.md'),
        '--html',
        join(out, 'r.html'),
        '--svg',
        join(out, 'svg'),
      ],
    ],
    { cwd: TASKS },
  );
  report = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as TaskReport;
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('poolkit-bench --task, end to end', () => {
  it('exits 0 and prints the environment, the task, the table, the verdict, then the recommendation last', () => {
    expect(run.stderr, run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0].startsWith(`${RUNTIME_LABEL} · `)).toBe(true);
    expect(lines[1]).toBe(
      `Task: checksum of checksum.ts (TypeScript, sync) · 16 tasks per batch from inputs(16) of the module · ${lines[1].match(/· ([^·]+) per task in a worker thread/)?.[1]} per task in a worker thread · per-task limit 10.0 s`,
    );
    const at = lines.findIndex((l) => l.startsWith('Recommendation for checksum (checksum.ts): '));
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Verdict — ')));
    expect(lines.slice(at)).toEqual([
      report.recommendation.lines[0],
      ...report.recommendation.lines.slice(1).map((l) => `  ${l}`),
    ]);
  });

  it('writes a JSON report that passes the schema check, its recommendation consistent with the verdict', () => {
    expect(checkReport(report)).toEqual([]);
    const [scenario] = report.scenarios;
    expect(scenario.workload).toBe('task');
    expect(scenario.contenders.map((c) => [c.id, c.status])).toEqual([
      ['floor', 'ok'],
      ['pool-inline', 'ok'],
      ['pool-piscina-batched', 'ok'],
      ['tinypool', 'ok'],
    ]);
    const rec = report.recommendation;
    expect(rec.speedup).toBe(scenario.verdict.floorSpeedup);
    if (rec.outcome === 'pool' || rec.outcome === 'tie')
      expect(rec.contender).toBe(scenario.verdict.leader?.id);
    else expect(rec.contender).toBeNull();
    expect(report.environment.versions.tinypool).toBe('2.2.0');
  });

  it('puts the task and the recommendation at the top of the Markdown, the tables and verdict after', () => {
    const md = readFileSync(join(out, 'r.md'), 'utf8');
    const task = md.indexOf('Task: checksum of checksum.ts');
    const rec = md.indexOf(`**${report.recommendation.lines[0]}**`);
    const table = md.indexOf('| contender |');
    expect(task).toBeGreaterThan(0);
    expect(rec).toBeGreaterThan(task);
    expect(table).toBeGreaterThan(rec);
    expect(md).toContain(`- ${report.recommendation.lines[1]}`);
  });

  it('titles the HTML page with the export and module, the recommendation first, then the chart', () => {
    const html = readFileSync(join(out, 'r.html'), 'utf8');
    expect(html).toContain('<h1>poolkit-bench: checksum of checksum.ts</h1>');
    const rec = html.indexOf('<section class="recommendation" id="recommendation"');
    expect(rec).toBeGreaterThan(0);
    expect(rec).toBeLessThan(html.indexOf('<section class="scenario"'));
    expect(html.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="chart"/g)?.length).toBe(1);
    expect(html).not.toMatch(/<script|\s(src|href)=/i);
    expect(readFileSync(join(out, 'svg', 'checksum.svg'), 'utf8')).toContain('data-scenario="checksum"');
  });
});

describe('a peer that is not installed in the project', () => {
  it('is skipped with "not installed — npm i -D <name> to compare", never a crash', async () => {
    const project = tempDir();
    try {
      copyFileSync(join(TASKS, 'wait.mjs'), join(project, 'wait.mjs'));
      const r = await cli(
        [
          '--task',
          'wait.mjs',
          '--backend',
          'piscina,tinypool,workerpool,poolifier,fastq,p-queue',
          ...SMALL_FLAGS,
          '--json',
          join(project, 'out', 'r.json'),
        ],
        { cwd: project },
      );
      expect(r.code, r.stderr).toBe(0);
      const written = JSON.parse(readFileSync(join(project, 'out', 'r.json'), 'utf8')) as TaskReport;
      const rows = written.scenarios[0].contenders.map((c) => [c.id, c.status, c.reason]);
      expect(rows).toEqual([
        ['floor', 'ok', undefined],
        ...['piscina', 'tinypool', 'workerpool', 'poolifier', 'fastq', 'p-queue'].map((name) => [
          name,
          'skipped',
          `not installed — npm i -D ${name} to compare`,
        ]),
      ]);
      expect(written.environment.versions.piscina).toBe('not installed');
      expect(written.recommendation.outcome).toBe('none');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
