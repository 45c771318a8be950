import { describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.js';
import { sampleReport } from './sample-report.js';

const html = renderHtml(sampleReport);

/** The part of `html` from the chart of `scenario` to its closing tag. */
function chartOf(scenario: string): string {
  const start = html.indexOf(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-scenario="${scenario}"`,
  );
  return start < 0 ? '' : html.slice(start, html.indexOf('</svg>', start));
}

describe('the HTML report', () => {
  it('is one self-contained document: no script, no stylesheet link, nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    // The only URLs are the SVG namespace names, which nothing fetches.
    expect(html.match(/https?:\/\/[^"\s]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('has the environment, the verdict rule and one verdict per scenario', () => {
    expect(html).toContain('Test CPU &lt;fast &amp; cheap&gt;');
    expect(html).toContain('a tie when the leader’s IQR overlaps');
    const outcomes = [...html.matchAll(/<li class="verdict [^"]+" data-outcome="([^"]+)">/g)].map(
      (m) => m[1],
    );
    expect(outcomes).toEqual(['win', 'tie', 'tie']);
    expect(html).toContain(
      'md5: pool-native-batched wins, 1.14× ahead of native-batch (IQR 4.02–4.08 ms vs 4.55–4.65 ms, apart) · 1.11× the floor',
    );
  });

  it('has per scenario a chart with a bar per measured contender, a whisker each, the ticks and the axis unit', () => {
    for (const s of sampleReport.scenarios) {
      const svg = chartOf(s.id);
      const measured = s.contenders.filter((c) => c.status === 'ok').map((c) => c.id);
      expect([...svg.matchAll(/<g class="bar" data-contender="([^"]+)">/g)].map((m) => m[1])).toEqual(
        measured,
      );
      // The computed I/O floor has one sample: no spread to draw.
      const spread = s.contenders.filter((c) => c.status === 'ok' && (c.batch?.samples.length ?? 0) > 1);
      expect(svg.match(/<g class="whisker"/g)?.length).toBe(spread.length);
      expect(svg.match(/<text class="tick"/g)?.length).toBeGreaterThanOrEqual(3);
      expect(svg).toContain(s.kind === 'io' ? 'wall time of one batch (ms)' : 'throughput (tasks/s)');
      expect(svg).toContain(`<text class="chart-title"`);
    }
  });

  it('has the table of every scenario, with ratios in three significant digits', () => {
    expect(html.match(/<table class="results">/g)?.length).toBe(3);
    expect(html).toContain('<td>pool-native &lt;label&gt;</td>');
    expect(html).toContain('<td class="r">5.00e-5×</td>'); // p-queue over a floor 20 000× faster
    expect(html).toContain('<td>skipped: the native addon is not built</td>');
  });
});
