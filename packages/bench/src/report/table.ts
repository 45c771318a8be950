/**
 * The tables: one per scenario, as aligned text for the terminal and as Markdown for READMEs.
 * CPU scenarios show throughput; I/O scenarios show wall time (lower is better).
 */
import { type Environment, environmentLine } from '../environment.js';
import { formatMs, formatPercent, formatRate, formatRatio } from './format.js';
import type { BenchReport, ContenderResult, ScenarioResult } from './types.js';

type Table = { header: string[]; rows: string[][]; align: ('l' | 'r')[] };

function status(r: ContenderResult): string {
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
      'latency p99',
      'status',
    ],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: s.contenders.map((r) => [
      r.label,
      formatRate(r.tasksPerSec),
      formatMs(r.batch?.stats.medianMs),
      formatRatio(r.speedup),
      formatPercent(r.efficiency),
      formatMs(r.latency?.stats.meanMs),
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
  return `${s.id}: batches of ${s.tasks} tasks, each ${s.title}; ${threads} threads / in-flight tasks per contender`;
}

function pad(text: string, width: number, align: 'l' | 'r'): string {
  const len = [...text].length;
  return align === 'l' ? text + ' '.repeat(width - len) : ' '.repeat(width - len) + text;
}

/** Aligned plain text, for the terminal and CI logs. */
export function renderText(s: ScenarioResult, threads: number): string {
  const t = scenarioTable(s);
  const widths = t.header.map((h, i) => Math.max([...h].length, ...t.rows.map((r) => [...r[i]].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i], t.align[i]))
      .join('  ')
      .trimEnd();
  return [
    scenarioCaption(s, threads),
    line(t.header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...t.rows.map(line),
    ...scenarioNotes(s),
  ].join('\n');
}

const escapeMd = (text: string): string => text.replace(/\|/g, '\\|');

/** One scenario as a Markdown table under a caption. */
export function renderMarkdownScenario(s: ScenarioResult, threads: number): string {
  const t = scenarioTable(s);
  const head = `| ${t.header.join(' | ')} |`;
  const rule = `|${t.align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`;
  const rows = t.rows.map((r) => `| ${r.map(escapeMd).join(' | ')} |`);
  const notes = scenarioNotes(s).map((n) => `_${escapeMd(n)}_`);
  return [
    `**${escapeMd(scenarioCaption(s, threads))}**`,
    '',
    head,
    rule,
    ...rows,
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

/** The environment line in Markdown. */
export function renderEnvironment(env: Environment): string {
  return environmentLine(env);
}

/** The whole report as Markdown: environment, settings, then every scenario's table. */
export function renderMarkdown(report: BenchReport): string {
  const s = report.settings;
  const versions = Object.entries(report.environment.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `_${renderEnvironment(report.environment)}_`,
    '',
    `Mode \`${s.mode}\`: ≥ ${s.iterations} timed batches and ≥ ${s.timeMs} ms per contender after ${s.warmupIterations} warm-up batches, in ${s.rounds} rounds interleaved across contenders; medians; latency = one task alone, ${s.latencySamples} round trips. Versions: ${versions}. Run took ${(report.durationMs / 1000).toFixed(0)} s.`,
    '',
    ...report.scenarios.flatMap((scenario) => [renderMarkdownScenario(scenario, s.threads), '']),
  ].join('\n');
}
