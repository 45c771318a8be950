import { describe, expect, it } from 'vitest';
import type { Environment } from '../src/environment.js';
import { checkReport } from '../src/report/schema.js';
import { escapeXml, LABEL_W, PLOT_W, renderSvg } from '../src/report/svg.js';
import { renderMarkdown, renderSweepText, renderText, sweepSummary } from '../src/report/table.js';
import {
  type BenchReport,
  type ContenderResult,
  SCHEMA,
  type ScenarioResult,
  type SweepResult,
} from '../src/report/types.js';
import { summarize } from '../src/stats.js';
import { verdictOf } from '../src/verdict.js';

const env: Environment = {
  runtime: { name: 'node', version: 'v20.20.2' },
  node: 'v20.20.2',
  v8: '11',
  platform: 'linux',
  arch: 'x64',
  cpu: 'Test CPU <fast & cheap>',
  cores: 2,
  memoryGiB: 4,
  loadAverage: 0.5,
  commit: 'abc1234',
  dirty: false,
  date: '2026-01-02T03:04:05.000Z',
  versions: { tinybench: '6.2.3' },
};

function ok(
  id: ContenderResult['id'],
  medianMs: number,
  extra: Partial<ContenderResult> = {},
): ContenderResult {
  return {
    id,
    label: `${id} <label>`,
    kind: id === 'floor' ? 'floor' : 'worker-pool',
    status: 'ok',
    crossCheck: { items: 8, equal: true },
    batch: { samples: [medianMs], stats: summarize([medianMs]) },
    tasksPerSec: 1000 / medianMs,
    latency: null,
    speedup: null,
    efficiency: null,
    ...extra,
  };
}

const contenders: ContenderResult[] = [
  ok('floor', 10, { speedup: 1, efficiency: 0.5 }),
  ok('piscina', 5, { speedup: 2, efficiency: 1, notes: ['a | pipe'] }),
  {
    ...ok('pool-native', 1),
    status: 'skipped',
    reason: 'no addon',
    batch: null,
    tasksPerSec: null,
    crossCheck: null,
  },
];

const scenario: ScenarioResult = {
  id: 'md5',
  workload: 'md5',
  title: 'MD5 of a 1 KiB buffer',
  kind: 'cpu',
  tasks: 1,
  concurrency: null,
  sleepMs: null,
  efficiencyBase: 'cores',
  efficiencyDivisor: 2,
  contenders,
  verdict: verdictOf(contenders),
};

const report: BenchReport = {
  schema: SCHEMA,
  environment: env,
  settings: {
    mode: 'quick',
    threads: 2,
    timeMs: 1,
    iterations: 1,
    warmupIterations: 0,
    rounds: 1,
    latencySamples: 0,
    crossCheckItems: 8,
    sleepMs: 100,
    sleepConcurrency: [5],
    sleepIterations: 1,
    tasks: { md5: 1 },
  },
  scenarios: [scenario],
  durationMs: 5,
};

describe('report', () => {
  it('accepts a well-formed report and names each problem of a broken one', () => {
    expect(checkReport(report)).toEqual([]);
    const broken = structuredClone(report) as unknown as {
      scenarios: { contenders: Record<string, unknown>[] }[];
      schema: string;
    };
    broken.schema = 'other/9';
    broken.scenarios[0].contenders[1].batch = null;
    broken.scenarios[0].contenders[2].reason = undefined;
    expect(checkReport(broken)).toEqual([
      'schema: expected poolkit-bench/1, received "other/9"',
      'scenarios[0].contenders[1].batch: an ok contender needs batch samples',
      'scenarios[0].contenders[2].reason: a skipped contender needs a reason',
    ]);
  });

  it('checks the verdict of every scenario', () => {
    const broken = structuredClone(report) as unknown as {
      scenarios: { verdict: Record<string, unknown> }[];
    };
    const v = broken.scenarios[0].verdict;
    v.outcome = 'tie';
    (v.leader as Record<string, unknown>).q1Ms = 99;
    v.next = { id: 'piscina' };
    expect(checkReport(broken)).toEqual([
      'scenarios[0].verdict.leader: not ordered min ≤ q1 ≤ median ≤ q3 ≤ max',
      'scenarios[0].verdict.next.n: not an integer ≥ 1',
      'scenarios[0].verdict.next.medianMs: not a number',
      'scenarios[0].verdict.next.q1Ms: not a number',
      'scenarios[0].verdict.next.q3Ms: not a number',
      'scenarios[0].verdict.next.minMs: not a number',
      'scenarios[0].verdict.next.maxMs: not a number',
      'scenarios[0].verdict.tiedWith: must be non-empty exactly when the outcome is a tie',
    ]);
    const missing = structuredClone(report) as unknown as { scenarios: { verdict?: unknown }[] };
    missing.scenarios[0].verdict = undefined;
    expect(checkReport(missing)).toEqual(['scenarios[0].verdict: not an object']);
  });

  it('ends the Markdown with the verdicts under the rule', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(
      /\*\*Verdict\*\* — fastest median batch time .* a tie when .*:\n\n- md5: only piscina ran/,
    );
  });

  it('draws a bar per measured contender, longest for the most tasks/s, and lists the skipped one with its reason', () => {
    const svg = renderSvg(scenario, env, 2);
    const bar = new RegExp(`<rect x="${LABEL_W}" y="\\d+" width="([\\d.]+)"`, 'g');
    const widths = [...svg.matchAll(bar)].map((m) => Number(m[1]));
    // 100 and 200 tasks/s on the axis 0…200: half and all of the plot.
    expect(widths).toEqual([PLOT_W / 2, PLOT_W]);
    expect(svg).toContain('skipped: no addon');
    expect(svg).toContain('Test CPU &lt;fast &amp; cheap&gt;');
    expect(svg).not.toContain('<label>');
  });

  it('charts every scenario on a linear axis from 0 with labelled ticks and the unit, CPU and I/O alike', () => {
    const svg = renderSvg(scenario, env, 2);
    expect([...svg.matchAll(/<text class="tick"[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual([
      '0',
      '50',
      '100',
      '150',
      '200',
    ]);
    expect(svg).toContain('>throughput (tasks/s) — longer is better</text>');
    expect(svg).toContain('linear scale from 0');
    expect(svg).not.toContain('log scale');
    const io = renderSvg({ ...scenario, kind: 'io', concurrency: 5, sleepMs: 1 }, env, 2);
    expect(io).toContain('>wall time of one batch (ms) — shorter is better</text>');
  });

  it('puts the verdict under the chart title', () => {
    expect(renderSvg(scenario, env, 2)).toMatch(
      /<text class="chart-verdict"[^>]*><tspan[^>]*>md5: only piscina ran \(IQR 5\.00–5\.00 ms\) · 2\.00× the floor<\/tspan><\/text>/,
    );
  });

  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('prints aligned text and Markdown tables with the speed-up, efficiency and notes', () => {
    const text = renderText(scenario, 2);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^contender\s+tasks\/s\s+batch \(median\)\s+speed-up\s+efficiency/);
    expect(lines.find((l) => l.startsWith('piscina'))).toMatch(/200\s+5\.00 ms\s+2\.00×\s+100 %/);
    expect(text).toContain('note — piscina <label>: a | pipe');
    const md = renderMarkdown(report);
    expect(md).toContain(
      '_Node v20.20.2 · Test CPU <fast & cheap> · 2 cores (load 0.5 at start) · linux-x64 · commit abc1234 · 2026-01-02_',
    );
    expect(md).toContain('| piscina <label> | 200 | 5.00 ms | 2.00× | 100 % | – | – | – | ok |');
    expect(md).toContain('_note — piscina <label>: a \\| pipe_');
  });

  it('checks, prints and writes down a maxBatch sweep with its ratio to the best fixed value', () => {
    const row = (maxBatch: number | null, medianMs: number, tasksPerCall: number) => ({
      maxBatch,
      label: `row ${maxBatch}`,
      status: 'ok' as const,
      batch: { samples: [medianMs], stats: summarize([medianMs]) },
      tasksPerSec: 1000 / medianMs,
      tasksPerCall,
    });
    const sweep: SweepResult = {
      scenario: 'md5',
      workload: 'md5',
      tasks: 1,
      contender: 'pool-piscina-batched',
      rows: [row(null, 9, 200), row(4, 20, 4), row(64, 8, 64)],
      bestFixed: 64,
      ratio: 8 / 9,
    };
    const withSweep: BenchReport = {
      ...report,
      settings: { ...report.settings, maxBatchSweep: [4, 64] },
      maxBatchSweep: [sweep],
    };
    expect(checkReport(withSweep)).toEqual([]);
    const text = renderSweepText(sweep).split('\n');
    expect(text[0]).toBe('md5: maxBatch sweep of pool-piscina-batched, batches of 1 tasks');
    expect(text.find((l) => l.startsWith('default (adaptive)'))).toMatch(
      /111\s+9\.00 ms\s+0\.889×\s+200\.0\s+ok$/,
    );
    expect(text.find((l) => l.startsWith('64 '))).toMatch(/1\.00×\s+64\.0\s+ok$/);
    expect(text.at(-1)).toBe('md5: adaptive / best fixed (maxBatch 64) = 0.889×');
    expect(sweepSummary([sweep])).toBe(
      'maxBatch sweep, adaptive / best fixed (its maxBatch): md5 0.889× (64)',
    );
    const md = renderMarkdown(withSweep);
    expect(md).toContain('**maxBatch sweep: fixed 4, 64 beside the adaptive default, each CPU workload**');
    expect(md).toContain('| default (adaptive) | 111 | 9.00 ms | 0.889× | 200.0 | ok |');
    expect(renderMarkdown(report)).not.toContain('maxBatch sweep');

    const broken = structuredClone(withSweep) as unknown as { maxBatchSweep: Record<string, unknown>[] };
    const rows = broken.maxBatchSweep[0].rows as Record<string, unknown>[];
    broken.maxBatchSweep[0].contender = 'pool-bogus';
    rows[0].maxBatch = 0;
    rows[1].status = 'failed';
    rows[2].tasksPerCall = 'many';
    expect(checkReport(broken)).toEqual([
      'maxBatchSweep[0].contender: unknown contender "pool-bogus"',
      'maxBatchSweep[0].rows[0].maxBatch: not an integer ≥ 1 or null',
      'maxBatchSweep[0].rows[1].reason: a failed row needs a reason',
      'maxBatchSweep[0].rows[2].tasksPerCall: not a number or null',
      'maxBatchSweep[0].rows[0].maxBatch: the first row must be the adaptive default (null)',
    ]);
  });
});
