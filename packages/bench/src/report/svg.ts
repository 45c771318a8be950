/**
 * One SVG bar chart per scenario, readable in any browser: a bar per contender, coloured by
 * kind, the value printed at its end. CPU scenarios chart tasks/s (longer is better; a log
 * scale when the values span more than 20×, said in the subtitle); I/O scenarios chart wall
 * time (shorter is better). Skipped and failed contenders are listed with their reason.
 */
import type { ContenderKind } from '../contender.js';
import { type Environment, environmentLine } from '../environment.js';
import { formatMs, formatRate } from './format.js';
import type { ScenarioResult } from './types.js';

export const KIND_COLOURS: Readonly<Record<ContenderKind, string>> = {
  floor: '#7f7f7f',
  poolkit: '#1f77b4',
  'worker-pool': '#ff7f0e',
  'in-process': '#2ca02c',
};

const WIDTH = 820;
const LABEL_W = 250;
const BAR_W = 420;
const ROW_H = 26;
const TOP = 70;

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

/** Bar lengths in px for `values` (all > 0): linear, or log10 when they span more than 20×. */
export function barLengths(values: readonly number[], width: number): { lengths: number[]; log: boolean } {
  const max = Math.max(...values);
  const min = Math.min(...values);
  const log = max / min > 20;
  if (!log) return { lengths: values.map((v) => (v / max) * width), log };
  // Log scale from one decade below the smallest value, so the smallest bar is still visible.
  const lo = Math.floor(Math.log10(min)) - 1;
  const hi = Math.log10(max);
  return { lengths: values.map((v) => ((Math.log10(v) - lo) / (hi - lo)) * width), log };
}

/** What is measured and how to read the bars. */
function subtitle(s: ScenarioResult, threads: number, log: boolean): string {
  if (s.kind === 'io') {
    return `${s.tasks} tasks × ${s.sleepMs} ms at concurrency ${s.concurrency} · median wall time of the batch — shorter is better`;
  }
  return `batches of ${s.tasks} tasks, ${threads} threads · median tasks/s — longer is better${log ? ' (log scale)' : ''}`;
}

/** The chart of one scenario as an SVG document. */
export function renderSvg(s: ScenarioResult, env: Environment, threads: number): string {
  const io = s.kind === 'io';
  const measured = s.contenders.filter((r) => r.status === 'ok' && r.batch !== null);
  const value = (r: (typeof measured)[number]) =>
    io ? (r.batch?.stats.medianMs ?? 0) : (r.tasksPerSec ?? 0);
  const values = measured.map(value).filter((v) => v > 0);
  const { lengths, log } =
    values.length > 0
      ? barLengths(
          measured.map((r) => Math.max(value(r), Number.MIN_VALUE)),
          BAR_W,
        )
      : { lengths: [], log: false };
  const others = s.contenders.filter((r) => !measured.includes(r));
  const height = TOP + (measured.length + others.length) * ROW_H + 50;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<title>${escapeXml(`poolkit-bench: ${s.id}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${escapeXml(`${s.id} — ${s.title}`)}</text>`,
    `<text x="12" y="42" fill="#555">${escapeXml(subtitle(s, threads, log))}</text>`,
    `<text x="12" y="58" fill="#888" font-size="11">${escapeXml(environmentLine(env))}</text>`,
  );
  measured.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    const len = Math.max(1, lengths[i] ?? 0);
    const text = io ? formatMs(value(r)) : `${formatRate(value(r))}/s`;
    out.push(
      `<g class="bar" data-contender="${escapeXml(r.id)}">`,
      `<text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end">${escapeXml(r.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y + 4}" width="${len.toFixed(1)}" height="${ROW_H - 8}" fill="${KIND_COLOURS[r.kind]}"/>`,
      `<text x="${(LABEL_W + len + 6).toFixed(1)}" y="${y + 17}">${escapeXml(text)}${r.computed ? ' (computed)' : ''}</text>`,
      `</g>`,
    );
  });
  others.forEach((r, i) => {
    const y = TOP + (measured.length + i) * ROW_H;
    const reason = `${r.status}: ${r.reason ?? ''}`;
    out.push(
      `<text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end" fill="#999">${escapeXml(r.label)}</text>`,
      `<text x="${LABEL_W}" y="${y + 17}" fill="#999" font-style="italic">${escapeXml(reason.length > 90 ? `${reason.slice(0, 89)}…` : reason)}</text>`,
    );
  });
  const legendY = height - 20;
  Object.entries(KIND_COLOURS).forEach(([kind, colour], i) => {
    const x = 12 + i * 150;
    out.push(
      `<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${x + 18}" y="${legendY}">${escapeXml(kind)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
