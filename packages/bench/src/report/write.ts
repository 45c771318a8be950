/** Writes a report's files: the JSON, the Markdown tables, the HTML page and one SVG chart per scenario. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderHtml } from './html.js';
import { renderSvg } from './svg.js';
import { renderMarkdown } from './table.js';
import type { BenchReport } from './types.js';

/** The paths written. */
export interface Written {
  json: string;
  md: string | undefined;
  html: string | undefined;
  svg: string[];
}

export async function writeReport(
  report: BenchReport,
  paths: { json: string; md?: string; html?: string; svgDir: string },
): Promise<Written> {
  await mkdir(dirname(paths.json), { recursive: true });
  await writeFile(paths.json, `${JSON.stringify(report, null, 1)}\n`);
  if (paths.md !== undefined) {
    await mkdir(dirname(paths.md), { recursive: true });
    await writeFile(paths.md, renderMarkdown(report));
  }
  if (paths.html !== undefined) {
    await mkdir(dirname(paths.html), { recursive: true });
    await writeFile(paths.html, renderHtml(report));
  }
  await mkdir(paths.svgDir, { recursive: true });
  const svg: string[] = [];
  for (const scenario of report.scenarios) {
    const file = join(paths.svgDir, `${scenario.id}.svg`);
    await writeFile(file, renderSvg(scenario, report.environment, report.settings.threads));
    svg.push(file);
  }
  return { json: paths.json, md: paths.md, html: paths.html, svg };
}
