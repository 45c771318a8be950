/**
 * The tables: one per scenario, as aligned text for the terminal and as Markdown for READMEs.
 * CPU scenarios show throughput; I/O scenarios show wall time (lower is better).
 */
import { type Environment, environmentLine } from '../environment.js';
import { formatMs, formatPercent, formatRate, formatRatio } from './format.js';
import { taskLine, taskRemarks } from './task.js';
import type { BenchReport, ContenderResult, ScenarioResult, SweepResult, SweepRow } from './types.js';
import { VERDICT_RULE, verdictLine } from './verdict-line.js';

/** A table as header, rows and the alignment of each column. */
export type Table = { header: string[]; rows: string[][]; align: ('l' | 'r')[] };

function status(r: Pick<ContenderResult, 'status' | 'reason' | 'computed'>): string {
  return r.status === 'ok' ? (r.computed ? 'computed' : 'ok') : `${r.status}: ${r.reason ?? ''}`;
}

/** The table of one scenario as header, rows and alignment. */
export function scenarioTable(s: ScenarioResult): Table {
  if (s.kind === 'io') {
    return {
      header: [
        'contender',
        'wall time (median)',
        'tasks/s',
        'speed-up',
        'efficiency (per in-flight task)',
        'status',
      ],
      align: ['l', 'r', 'r', 'r', 'r', 'l'],
      rows: s.contenders.map((r) => [
        r.label,
        formatMs(r.batch?.stats.medianMs),
        formatRate(r.tasksPerSec),
        formatRatio(r.speedup),
        formatPercent(r.efficiency),
        status(r),
      ]),
    };
  }
  return {
    header: [
      'contender',
      'tasks/s',
      'batch (median)',
      'speed-up',
      'efficiency',
      'latency mean',
      'latency p50',
      'latency p99',
      'status',
    ],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: s.contenders.map((r) => [
      r.label,
      formatRate(r.tasksPerSec),
      formatMs(r.batch?.stats.medianMs),
      formatRatio(r.speedup),
      formatPercent(r.efficiency),
      formatMs(r.latency?.stats.meanMs),
      formatMs(r.latency?.stats.medianMs),
      formatMs(r.latency?.stats.p99Ms),
      status(r),
    ]),
  };
}

/** The notes contenders left (workarounds), one line each. */
export function scenarioNotes(s: ScenarioResult): string[] {
  return s.contenders.flatMap((r) => (r.notes ?? []).map((note) => `note — ${r.label}: ${note}`));
}

/** One line saying what a scenario measures. */
export function scenarioCaption(s: ScenarioResult, threads: number): string {
  if (s.kind === 'io') {
    return `${s.id}: ${s.tasks} tasks × ${s.sleepMs} ms (${s.title}) at concurrency ${s.concurrency}; floor = one after another, computed`;
  }
  const setup = s.setup ?? `${threads} threads / in-flight tasks per contender`;
  return `${s.id}: batches of ${s.tasks} tasks, each ${s.title}; ${setup}`;
}

/** A sweep row's tasks/s over the best fixed row's (1.00× for the best itself). */
function vsBest(sweep: SweepResult, row: SweepRow): number | null {
  const best = sweep.rows.find((r) => r.maxBatch !== null && r.maxBatch === sweep.bestFixed);
  const ms = row.status === 'ok' ? row.batch?.stats.medianMs : undefined;
  const bestMs = best?.batch?.stats.medianMs;
  return ms !== undefined && ms > 0 && bestMs !== undefined ? bestMs / ms : null;
}

/** The table of one maxBatch sweep. */
export function sweepTable(sweep: SweepResult): Table {
  return {
    header: ['maxBatch', 'tasks/s', 'batch (median)', 'vs best fixed', 'tasks per call', 'status'],
    align: ['l', 'r', 'r', 'r', 'r', 'l'],
    rows: sweep.rows.map((r) => [
      r.maxBatch === null ? 'default (adaptive)' : String(r.maxBatch),
      formatRate(r.tasksPerSec),
      formatMs(r.batch?.stats.medianMs),
      formatRatio(vsBest(sweep, r)),
      r.tasksPerCall === null ? '–' : r.tasksPerCall.toFixed(1),
      status(r),
    ]),
  };
}

/** One line saying what a sweep measured. */
export function sweepCaption(sweep: SweepResult): string {
  return `${sweep.scenario}: maxBatch sweep of ${sweep.contender}, batches of ${sweep.tasks} tasks`;
}

/** The verdict of one sweep: adaptive ÷ best fixed. */
export function sweepVerdict(sweep: SweepResult): string {
  if (sweep.ratio === null || sweep.bestFixed === null)
    return `${sweep.scenario}: adaptive / best fixed: – (a row was not measured)`;
  return `${sweep.scenario}: adaptive / best fixed (maxBatch ${sweep.bestFixed}) = ${formatRatio(sweep.ratio)}`;
}

/** Every sweep's verdict on one line: `adaptive / best fixed: md5 0.97× (256), spin 1.01× (16)`. */
export function sweepSummary(sweeps: readonly SweepResult[]): string {
  const parts = sweeps.map(
    (s) => `${s.scenario} ${formatRatio(s.ratio)}${s.bestFixed === null ? '' : ` (${s.bestFixed})`}`,
  );
  return `maxBatch sweep, adaptive / best fixed (its maxBatch): ${parts.join(', ') || 'no CPU scenario'}`;
}

function pad(text: string, width: number, align: 'l' | 'r'): string {
  const len = [...text].length;
  return align === 'l' ? text + ' '.repeat(width - len) : ' '.repeat(width - len) + text;
}

/** A table as aligned plain text lines: header, rule, rows. */
function textLines(t: Table): string[] {
  const widths = t.header.map((h, i) => Math.max([...h].length, ...t.rows.map((r) => [...r[i]].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i], t.align[i]))
      .join('  ')
      .trimEnd();
  return [line(t.header), widths.map((w) => '─'.repeat(w)).join('  '), ...t.rows.map(line)];
}

/** Aligned plain text, for the terminal and CI logs. */
export function renderText(s: ScenarioResult, threads: number): string {
  return [scenarioCaption(s, threads), ...textLines(scenarioTable(s)), ...scenarioNotes(s)].join('\n');
}

/** One maxBatch sweep as aligned plain text, ending with its verdict. */
export function renderSweepText(sweep: SweepResult): string {
  return [sweepCaption(sweep), ...textLines(sweepTable(sweep)), sweepVerdict(sweep)].join('\n');
}

/** Every scenario's verdict, under a line stating the rule: printed at the end of a run. */
export function renderVerdictText(scenarios: readonly ScenarioResult[]): string {
  return [`Verdict — ${VERDICT_RULE}:`, ...scenarios.map((s) => `  ${verdictLine(s)}`)].join('\n');
}

const escapeMd = (text: string): string => text.replace(/\|/g, '\\|');

/** A table as Markdown lines: header, rule, rows. */
function markdownLines(t: Table): string[] {
  const head = `| ${t.header.join(' | ')} |`;
  const rule = `|${t.align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`;
  return [head, rule, ...t.rows.map((r) => `| ${r.map(escapeMd).join(' | ')} |`)];
}

/** One scenario as a Markdown table under a caption. */
export function renderMarkdownScenario(s: ScenarioResult, threads: number): string {
  const notes = scenarioNotes(s).map((n) => `_${escapeMd(n)}_`);
  return [
    `**${escapeMd(scenarioCaption(s, threads))}**`,
    '',
    ...markdownLines(scenarioTable(s)),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

/** One maxBatch sweep as a Markdown table under a caption, with its verdict. */
export function renderMarkdownSweep(sweep: SweepResult): string {
  return [
    `**${escapeMd(sweepCaption(sweep))}**`,
    '',
    ...markdownLines(sweepTable(sweep)),
    '',
    escapeMd(sweepVerdict(sweep)),
  ].join('\n');
}

/** The environment line in Markdown. */
export function renderEnvironment(env: Environment): string {
  return environmentLine(env);
}

/** How the run measured, in one sentence; `code` marks up the mode (Markdown: backticks). */
export function settingsLine(report: BenchReport, code: (text: string) => string = (t) => t): string {
  const s = report.settings;
  const versions = Object.entries(report.environment.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return `Mode ${code(s.mode)}: ≥ ${s.iterations} timed batches and ≥ ${s.timeMs} ms per contender after ${s.warmupIterations} warm-up batches, in ${s.rounds} rounds interleaved across contenders; medians; latency = one task alone, ${s.latencySamples} round trips. Versions: ${versions}. Run took ${(report.durationMs / 1000).toFixed(0)} s.`;
}

/**
 * A task run's head in Markdown: what was run, its problems and notes, then the recommendation
 * (its headline in bold, the reasons as a list). Empty for a suite run.
 */
function markdownTaskHead(report: BenchReport): string[] {
  const out: string[] = [];
  if (report.task !== undefined) {
    const remarks = taskRemarks(report.task);
    out.push(escapeMd(taskLine(report.task)), '');
    if (remarks.length > 0) out.push(...remarks.map((r) => `- ${escapeMd(r)}`), '');
  }
  const rec = report.recommendation;
  if (rec !== undefined) {
    const [headline = 'No recommendation.', ...reasons] = rec.lines;
    out.push(`**${escapeMd(headline)}**`, '', ...reasons.map((line) => `- ${escapeMd(line)}`), '');
  }
  return out;
}

/**
 * The whole report as Markdown: environment, (for a task: the task and the recommendation),
 * settings, every scenario's table, the verdicts.
 */
export function renderMarkdown(report: BenchReport): string {
  const s = report.settings;
  return [
    `_${renderEnvironment(report.environment)}_`,
    '',
    ...markdownTaskHead(report),
    settingsLine(report, (t) => `\`${t}\``),
    '',
    ...report.scenarios.flatMap((scenario) => [renderMarkdownScenario(scenario, s.threads), '']),
    ...(report.maxBatchSweep === undefined
      ? []
      : [
          `**maxBatch sweep: fixed ${s.maxBatchSweep?.join(', ') ?? ''} beside the adaptive default, each CPU workload**`,
          '',
          ...report.maxBatchSweep.flatMap((sweep) => [renderMarkdownSweep(sweep), '']),
        ]),
    `**Verdict** — ${escapeMd(VERDICT_RULE)}:`,
    '',
    ...report.scenarios.map((scenario) => `- ${escapeMd(verdictLine(scenario))}`),
    '',
  ].join('\n');
}
