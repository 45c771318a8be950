/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium`) renders the page
 * to a PNG and dumps the DOM it built. Without a browser this test fails in CI (CI=true) and is
 * skipped, saying so, elsewhere.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_W } from '../src/report/svg.js';
import { writeReport } from '../src/report/write.js';
import {
  type BrowserRun,
  CHROMIUM_NAMES,
  findChromium,
  headlessFlags,
  readPng,
  runBrowser,
} from './chromium.js';
import { sampleReport, sampleTaskReport } from './sample-report.js';

const browser = findChromium();
const required = process.env.CI === 'true';
const missing = `no ${CHROMIUM_NAMES.join(' or ')} on PATH (Debian: apt-get install chromium; .ci/run installs it)`;

describe('the HTML report in headless Chromium', () => {
  if (browser === undefined) {
    if (required) {
      it('renders in a browser (CI needs chromium)', () => {
        throw new Error(`${missing}: CI must render the HTML report`);
      });
    } else {
      console.warn(`html-browser.test: skipped, ${missing}`);
      it.skip(`renders in a browser — skipped: ${missing}`, () => {});
    }
    return;
  }

  let dir: string;
  let png: string;
  let shot: BrowserRun;
  let dom: BrowserRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'poolkit-bench-html-'));
    const html = join(dir, 'report.html');
    png = join(dir, 'out.png');
    await writeReport(sampleReport, { json: join(dir, 'report.json'), html, svgDir: join(dir, 'svg') });
    const url = pathToFileURL(html).href;
    shot = await runBrowser(browser, [
      ...headlessFlags(join(dir, 'profile-shot')),
      `--screenshot=${png}`,
      '--window-size=1200,2000',
      url,
    ]);
    dom = await runBrowser(browser, [...headlessFlags(join(dir, 'profile-dom')), '--dump-dom', url]);
  }, 150_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the page to a non-blank 1200×2000 PNG, with no console message from the page', () => {
    expect(shot.timedOut, shot.stderr).toBe(false);
    expect(shot.code, shot.stderr).toBe(0);
    expect(existsSync(png), shot.stderr).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    const image = readPng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1200, 2000]);
    expect(image.distinctBytes).toBeGreaterThan(32);
    for (const run of [shot, dom]) expect(run.stderr).not.toMatch(/:CONSOLE[(:]/);
  });

  it('builds one SVG chart per scenario with its title, bars, whiskers, ticks and labelled axis', () => {
    expect(dom.timedOut, dom.stderr).toBe(false);
    expect(dom.code, dom.stderr).toBe(0);
    const charts = dom.stdout.split(/<svg (?=[^>]*class="chart")/).slice(1);
    expect(charts.length).toBe(sampleReport.scenarios.length);
    for (const [i, s] of sampleReport.scenarios.entries()) {
      const svg = charts[i].slice(0, charts[i].indexOf('</svg>'));
      expect(svg).toContain(`data-scenario="${s.id}"`);
      expect(svg).toMatch(new RegExp(`<text class="chart-title"[^>]*>${s.id} — `));
      const bars = s.contenders.filter((c) => c.status === 'ok').length;
      expect(svg.match(/<g class="bar" data-contender="/g)?.length).toBe(bars);
      expect(svg.match(new RegExp(`<rect x="${LABEL_W}"`, 'g'))?.length).toBe(bars);
      expect(svg.match(/<g class="whisker"/g)?.length).toBeGreaterThan(0);
      expect(svg.match(/<text class="tick"/g)?.length).toBeGreaterThanOrEqual(3);
      expect(svg).toMatch(
        /<text class="axis-label"[^>]*>(throughput \(tasks\/s\)|wall time of one batch \(ms\))/,
      );
    }
    expect(dom.stdout.match(/<li class="verdict /g)?.length).toBe(sampleReport.scenarios.length);
    expect(dom.stdout).not.toContain('<script');
  });
});

describe('the HTML report of a task run in headless Chromium', () => {
  if (browser === undefined) {
    if (required) {
      it('renders in a browser (CI needs chromium)', () => {
        throw new Error(`${missing}: CI must render the HTML report`);
      });
    } else {
      it.skip(`renders in a browser — skipped: ${missing}`, () => {});
    }
    return;
  }

  let dir: string;
  let png: string;
  let shot: BrowserRun;
  let dom: BrowserRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'poolkit-bench-task-html-'));
    const html = join(dir, 'task.html');
    png = join(dir, 'task.png');
    await writeReport(sampleTaskReport, { json: join(dir, 'task.json'), html, svgDir: join(dir, 'svg') });
    const url = pathToFileURL(html).href;
    shot = await runBrowser(browser, [
      ...headlessFlags(join(dir, 'profile-shot')),
      `--screenshot=${png}`,
      '--window-size=1200,1400',
      url,
    ]);
    dom = await runBrowser(browser, [...headlessFlags(join(dir, 'profile-dom')), '--dump-dom', url]);
  }, 150_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders to a non-blank PNG with no console message from the page', () => {
    expect(shot.timedOut, shot.stderr).toBe(false);
    expect(shot.code, shot.stderr).toBe(0);
    const image = readPng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1200, 1400]);
    expect(image.distinctBytes).toBeGreaterThan(32);
    for (const run of [shot, dom]) expect(run.stderr).not.toMatch(/:CONSOLE[(:]/);
  });

  it('shows the task by its export and module, the recommendation first, then its chart with a bar per measured contender', () => {
    expect(dom.code, dom.stderr).toBe(0);
    const page = dom.stdout;
    expect(page).toContain('<h1>poolkit-bench: render of src/render.ts</h1>');
    expect(page).toContain(
      '<title>poolkit-bench: render of src/render.ts — 2026-01-02T03:04:05.000Z</title>',
    );
    const rec = page.indexOf(
      '<section class="recommendation" id="recommendation" data-outcome="pool" data-contender="pool-piscina-batched">',
    );
    expect(rec).toBeGreaterThan(page.indexOf('<h1>'));
    expect(rec).toBeLessThan(page.indexOf('<svg '));
    const headline = sampleTaskReport.recommendation?.lines[0] ?? '';
    const escaped = headline.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(page).toContain(`<p class="headline">${escaped}</p>`);
    expect(page).toContain('note: a &lt;note&gt; &amp; more');
    const charts = page.split(/<svg (?=[^>]*class="chart")/).slice(1);
    expect(charts.length).toBe(1);
    const ok = sampleTaskReport.scenarios[0].contenders.filter((c) => c.status === 'ok').map((c) => c.id);
    expect([...charts[0].matchAll(/<g class="bar" data-contender="([^"]+)">/g)].map((m) => m[1])).toEqual(ok);
    expect(charts[0]).toMatch(/<text class="chart-title"[^>]*>render — render of src\/render\.ts/);
  });
});
