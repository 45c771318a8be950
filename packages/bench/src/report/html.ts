/**
 * The HTML report (`--html <file>`): one self-contained page — no script, no external style,
 * font or image — with the environment, the verdicts, and per scenario its chart (the inline
 * SVG of {@link renderSvg}), its table and its verdict; then the maxBatch sweeps, if any.
 */
import { environmentLine } from '../environment.js';
import { escapeXml, renderSvg } from './svg.js';
import {
  scenarioCaption,
  scenarioNotes,
  scenarioTable,
  settingsLine,
  sweepCaption,
  sweepTable,
  sweepVerdict,
  type Table,
} from './table.js';
import { taskLine, taskRemarks } from './task.js';
import type { BenchReport, ScenarioResult } from './types.js';
import { VERDICT_RULE, verdictLine } from './verdict-line.js';

const STYLE = `
body { font-family: system-ui, sans-serif; color: #222; margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
.env { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
th { background: #f4f4f4; }
td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { margin: 4px 0; }
.verdict-win { border-left: 4px solid #2ca02c; padding-left: 8px; }
.verdict-tie { border-left: 4px solid #999; padding-left: 8px; }
.verdict-other { border-left: 4px solid #ddd; padding-left: 8px; }
.notes { color: #666; font-style: italic; }
.recommendation { border: 2px solid #1f77b4; background: #f3f8fc; padding: 8px 16px; margin: 12px 0; }
.recommendation h2 { margin-top: 0.4em; }
.recommendation .headline { font-weight: bold; }
.task { font-size: 0.95em; }
figure { margin: 8px 0; }
svg.chart { max-width: 100%; height: auto; border: 1px solid #eee; }
`;

const esc = escapeXml;

function htmlTable(t: Table, className: string): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${t.align[i] === 'r' ? ' class="r"' : ''}>${esc(text)}</${tag}>`;
  return [
    `<table class="${className}">`,
    `<thead><tr>${t.header.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    '<tbody>',
    ...t.rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

function verdictItem(tag: 'li' | 'p', s: ScenarioResult): string {
  const kind = s.verdict.outcome === 'win' || s.verdict.outcome === 'tie' ? s.verdict.outcome : 'other';
  return `<${tag} class="verdict verdict-${kind}" data-outcome="${s.verdict.outcome}">${esc(verdictLine(s))}</${tag}>`;
}

/** A task run's head: what was run, its problems and notes, and the recommendation box. Empty for a suite run. */
function taskHead(report: BenchReport): string[] {
  const out: string[] = [];
  if (report.task !== undefined) {
    const remarks = taskRemarks(report.task);
    out.push(`<p class="task">${esc(taskLine(report.task))}</p>`);
    if (remarks.length > 0)
      out.push(`<ul class="remarks">${remarks.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`);
  }
  const rec = report.recommendation;
  if (rec !== undefined) {
    const [headline = 'No recommendation.', ...reasons] = rec.lines;
    out.push(
      `<section class="recommendation" id="recommendation" data-outcome="${esc(rec.outcome)}"${rec.contender === null ? '' : ` data-contender="${esc(rec.contender)}"`}>`,
      '<h2>Recommendation</h2>',
      `<p class="headline">${esc(headline)}</p>`,
      ...(reasons.length > 0 ? [`<ul>${reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`] : []),
      '</section>',
    );
  }
  return out;
}

/** The page's heading: the task by its export and module, or the suite's. */
function heading(report: BenchReport): string {
  const task = report.task;
  if (task === undefined) return 'poolkit-bench report';
  return `poolkit-bench: ${task.export === 'default' ? 'the default export' : task.export} of ${task.module}`;
}

/** The whole report as one HTML document: for a task run, the recommendation comes first. */
export function renderHtml(report: BenchReport): string {
  const threads = report.settings.threads;
  const env = environmentLine(report.environment);
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`${heading(report)} — ${report.environment.date}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(heading(report))}</h1>`,
    `<p class="env">${esc(env)}</p>`,
    ...taskHead(report),
    `<p>${esc(settingsLine(report))}</p>`,
    '<h2 id="verdict">Verdict</h2>',
    `<p>Per scenario: ${esc(VERDICT_RULE)}.</p>`,
    '<ul class="verdicts">',
    ...report.scenarios.map((s) => verdictItem('li', s)),
    '</ul>',
  ];
  for (const s of report.scenarios) {
    const notes = scenarioNotes(s);
    out.push(
      `<section class="scenario" id="scenario-${esc(s.id)}">`,
      `<h2>${esc(`${s.id} — ${s.title}`)}</h2>`,
      `<p>${esc(scenarioCaption(s, threads))}</p>`,
      `<figure>${renderSvg(s, report.environment, threads).trimEnd()}</figure>`,
      verdictItem('p', s),
      htmlTable(scenarioTable(s), 'results'),
      ...(notes.length > 0 ? [`<p class="notes">${notes.map(esc).join('<br>')}</p>`] : []),
      '</section>',
    );
  }
  for (const sweep of report.maxBatchSweep ?? []) {
    out.push(
      `<section class="sweep" id="sweep-${esc(sweep.scenario)}">`,
      `<h2>${esc(sweepCaption(sweep))}</h2>`,
      htmlTable(sweepTable(sweep), 'sweep'),
      `<p>${esc(sweepVerdict(sweep))}</p>`,
      '</section>',
    );
  }
  out.push('</body>', '</html>', '');
  return out.join('\n');
}
