/**
 * One SVG bar chart per scenario, readable in any browser and inline in the HTML report: a bar
 * per contender (its median), coloured by kind, a whisker over the IQR of its batch times, the
 * value printed at its end, and the scenario's verdict under the title. Every chart follows one
 * scale rule ({@link niceAxis}: linear from 0, labelled ticks, the unit on the axis): CPU
 * scenarios chart tasks/s (longer is better), I/O scenarios wall time per batch in ms (shorter
 * is better). Skipped and failed contenders are listed with their reason below the axis.
 */
import type { ContenderKind } from '../contender.js';
import { type Environment, environmentLine } from '../environment.js';
import { spreadOf } from '../verdict.js';
import { formatTick, niceAxis } from './axis.js';
import { formatMs, formatRate } from './format.js';
import type { ContenderResult, ScenarioResult } from './types.js';
import { verdictLine } from './verdict-line.js';

export const KIND_COLOURS: Readonly<Record<ContenderKind, string>> = {
  floor: '#7f7f7f',
  poolkit: '#1f77b4',
  'worker-pool': '#ff7f0e',
  'in-process': '#2ca02c',
};

const WIDTH = 1040;
/** Bars start at x = LABEL_W and the axis spans PLOT_W px. */
export const LABEL_W = 350;
export const PLOT_W = 460;
const ROW_H = 26;
/** Characters per line of the verdict under the title (12 px text in about 1000 px). */
const VERDICT_CHARS = 155;

/** Escapes text for SVG and HTML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

/** `text` cut at spaces into lines of at most `width` characters (a longer word gets its own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The axis title, with its unit. */
export function axisLabel(s: Pick<ScenarioResult, 'kind'>): string {
  return s.kind === 'io'
    ? 'wall time of one batch (ms) — shorter is better'
    : 'throughput (tasks/s) — longer is better';
}

/** What is measured. */
function subtitle(s: ScenarioResult, threads: number): string {
  const what =
    s.kind === 'io'
      ? `${s.tasks} tasks × ${s.sleepMs} ms at concurrency ${s.concurrency}`
      : `batches of ${s.tasks} tasks, ${threads} threads`;
  return `${what} · bar: median · whisker: IQR of the batch times · linear scale from 0`;
}

/** A bar: the charted value (tasks/s or ms) and its IQR in the same unit. */
interface Bar {
  readonly r: ContenderResult;
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

function barOf(s: ScenarioResult, r: ContenderResult): Bar {
  const spread = spreadOf(r.id, r.batch?.samples ?? [0]);
  if (s.kind === 'io') return { r, value: r.batch?.stats.medianMs ?? 0, lo: spread.q1Ms, hi: spread.q3Ms };
  // Throughput is tasks ÷ batch time, so the slow quartile of times gives the low end.
  const rate = (ms: number) => (ms > 0 ? (s.tasks * 1000) / ms : 0);
  return { r, value: r.tasksPerSec ?? 0, lo: rate(spread.q3Ms), hi: rate(spread.q1Ms) };
}

/** The chart of one scenario as an SVG document (also valid inline in HTML). */
export function renderSvg(s: ScenarioResult, env: Environment, threads: number): string {
  const io = s.kind === 'io';
  const bars = s.contenders.filter((r) => r.status === 'ok' && r.batch !== null).map((r) => barOf(s, r));
  const others = s.contenders.filter((r) => !bars.some((b) => b.r === r));
  const axis = niceAxis(Math.max(0, ...bars.flatMap((b) => [b.value, b.hi])));
  const x = (v: number) => LABEL_W + (Math.max(0, v) / axis.max) * PLOT_W;
  const verdict = wrapWords(verdictLine(s), VERDICT_CHARS);
  const envY = 60 + verdict.length * 16;
  const top = envY + 16;
  const axisY = top + bars.length * ROW_H + 4;
  const othersY = axisY + 50;
  const legendY = othersY + others.length * ROW_H + 18;
  const height = legendY + 14;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-scenario="${escapeXml(s.id)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="13" role="img">`,
    `<title>${escapeXml(`poolkit-bench: ${s.id} — ${s.title}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text class="chart-title" x="12" y="22" font-size="15" font-weight="bold">${escapeXml(`${s.id} — ${s.title}`)}</text>`,
    `<text x="12" y="42" fill="#555">${escapeXml(subtitle(s, threads))}</text>`,
    `<text class="chart-verdict" x="12" y="60" fill="#222" font-size="12">${verdict
      .map((line, i) => `<tspan x="12" dy="${i === 0 ? 0 : 16}">${escapeXml(line)}</tspan>`)
      .join('')}</text>`,
    `<text x="12" y="${envY}" fill="#888" font-size="11">${escapeXml(environmentLine(env))}</text>`,
    `<g class="grid" stroke="#e6e6e6">`,
    ...axis.ticks.map(
      (t) => `<line x1="${x(t).toFixed(1)}" y1="${top}" x2="${x(t).toFixed(1)}" y2="${axisY}"/>`,
    ),
    `</g>`,
  );
  bars.forEach((b, i) => {
    const y = top + i * ROW_H;
    const end = x(b.value);
    const len = b.value > 0 ? Math.max(1, end - LABEL_W) : 0;
    const text = io ? formatMs(b.value) : `${formatRate(b.value)}/s`;
    const mid = y + ROW_H / 2;
    const whisker =
      b.hi > b.lo
        ? [
            `<g class="whisker" stroke="#222" stroke-width="1.2">`,
            `<line x1="${x(b.lo).toFixed(1)}" y1="${mid}" x2="${x(b.hi).toFixed(1)}" y2="${mid}"/>`,
            `<line x1="${x(b.lo).toFixed(1)}" y1="${mid - 5}" x2="${x(b.lo).toFixed(1)}" y2="${mid + 5}"/>`,
            `<line x1="${x(b.hi).toFixed(1)}" y1="${mid - 5}" x2="${x(b.hi).toFixed(1)}" y2="${mid + 5}"/>`,
            `</g>`,
          ]
        : [];
    out.push(
      `<g class="bar" data-contender="${escapeXml(b.r.id)}">`,
      `<text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end" font-size="12">${escapeXml(b.r.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y + 4}" width="${len.toFixed(1)}" height="${ROW_H - 8}" fill="${KIND_COLOURS[b.r.kind]}"/>`,
      ...whisker,
      `<text x="${(Math.max(LABEL_W + len, x(b.hi)) + 6).toFixed(1)}" y="${y + 17}">${escapeXml(text)}${b.r.computed ? ' (computed)' : ''}</text>`,
      `</g>`,
    );
  });
  out.push(
    `<g class="axis">`,
    `<line x1="${LABEL_W}" y1="${axisY}" x2="${LABEL_W + PLOT_W}" y2="${axisY}" stroke="#333"/>`,
    ...axis.ticks.flatMap((t) => [
      `<line x1="${x(t).toFixed(1)}" y1="${axisY}" x2="${x(t).toFixed(1)}" y2="${axisY + 4}" stroke="#333"/>`,
      `<text class="tick" x="${x(t).toFixed(1)}" y="${axisY + 17}" text-anchor="middle" fill="#333" font-size="11">${escapeXml(formatTick(t))}</text>`,
    ]),
    `<text class="axis-label" x="${LABEL_W + PLOT_W / 2}" y="${axisY + 36}" text-anchor="middle" fill="#333">${escapeXml(axisLabel(s))}</text>`,
    `</g>`,
  );
  others.forEach((r, i) => {
    const y = othersY + i * ROW_H;
    const reason = `${r.status}: ${r.reason ?? ''}`;
    out.push(
      `<text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end" font-size="12" fill="#999">${escapeXml(r.label)}</text>`,
      `<text x="${LABEL_W}" y="${y + 17}" fill="#999" font-style="italic">${escapeXml(reason.length > 90 ? `${reason.slice(0, 89)}…` : reason)}</text>`,
    );
  });
  Object.entries(KIND_COLOURS).forEach(([kind, colour], i) => {
    const lx = 12 + i * 150;
    out.push(
      `<rect x="${lx}" y="${legendY - 10}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${lx + 18}" y="${legendY}">${escapeXml(kind)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
