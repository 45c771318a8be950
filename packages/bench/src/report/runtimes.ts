/**
 * One Markdown table of several runs of the same selection on different runtimes (Node, Bun,
 * Deno): per runtime and workload, the floor's tasks/s, then each chosen contender's tasks/s and
 * speed-up over that run's floor, and the widest relative spread of the row. Speed-ups are what
 * compare across runtimes: each is a ratio of two medians taken side by side in one run.
 */
import type { ContenderId } from '../contenders/registry.js';
import { runtimeLabel } from '../runtime.js';
import { quantile } from '../stats.js';
import { formatRate, formatRatio } from './format.js';
import type { BenchReport, ContenderResult } from './types.js';

/** The interquartile range of `c`'s batch times over their median: 0.1 = the middle half spans 10 %. */
export function relativeIqr(c: ContenderResult): number | undefined {
  if (c.status !== 'ok' || c.batch === null || c.batch.stats.medianMs <= 0) return undefined;
  const sorted = [...c.batch.samples].sort((a, b) => a - b);
  return (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / c.batch.stats.medianMs;
}

function cell(c: ContenderResult | undefined): string {
  if (c === undefined) return 'not run';
  if (c.status !== 'ok') return c.status;
  return `${formatRate(c.tasksPerSec)} (${formatRatio(c.speedup)})`;
}

/**
 * The table of `reports` (one per runtime, in the order given) for `contenders` (the floor is
 * always the first number column). A row per runtime and scenario; a contender that did not run
 * reads `skipped`, `failed` or `not run`.
 */
export function runtimesTable(reports: readonly BenchReport[], contenders: readonly ContenderId[]): string {
  const labels = new Map<string, string>();
  for (const r of reports)
    for (const s of r.scenarios)
      for (const c of s.contenders) labels.set(c.id, c.label.replace(/^poolkit /, ''));
  const header = [
    'runtime',
    'load at start',
    'workload',
    'floor tasks/s',
    ...contenders.map((id) => `${labels.get(id) ?? id}: tasks/s (× floor)`),
    'widest IQR',
  ];
  const rows = reports.flatMap((r) =>
    r.scenarios.map((s) => {
      const byId = new Map(s.contenders.map((c) => [c.id as string, c]));
      const floor = byId.get('floor');
      const chosen = contenders.map((id) => byId.get(id));
      const spreads = [floor, ...chosen].flatMap((c) => (c === undefined ? [] : (relativeIqr(c) ?? [])));
      return [
        runtimeLabel(r.environment.runtime, r.environment.node),
        r.environment.loadAverage.toFixed(1),
        s.id,
        floor?.status === 'ok' ? formatRate(floor.tasksPerSec) : (floor?.status ?? 'not run'),
        ...chosen.map(cell),
        spreads.length > 0 ? `${Math.round(Math.max(...spreads) * 100)} %` : '–',
      ];
    }),
  );
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = line(header.map((_, i) => (i < 3 ? '---' : '---:')));
  return [line(header), rule, ...rows.map(line)].join('\n');
}
