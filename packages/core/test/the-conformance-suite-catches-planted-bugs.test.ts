/**
 * describeBackend's teeth: a TinypoolBackend and a WorkerpoolBackend written from the guide
 * (test/fixtures/third-party/) pass it clean, and each planted bug fails the check named for it.
 * The variants run in child vitest processes (a failing suite cannot fail this one), a few at once,
 * each reporting JSON. By default a buggy variant runs only the check that must catch it; set
 * POOLKIT_TEETH_FULL=1 to run the whole suite against every variant (slower; what an outside
 * re-check does). Also: a LIFO queue that declares no order fails describeQueue's FIFO checks.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantedBugs } from './fixtures/third-party/planted-bugs.js';

const CORE = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = fileURLToPath(new URL('./fixtures/third-party/vitest.teeth.config.ts', import.meta.url));
const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const FULL = process.env.POOLKIT_TEETH_FULL === '1';
const CLEAN = ['clean-tinypool', 'clean-workerpool', 'clean-workerpool-processes'];
const SHARDS = 3;

interface Assertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  failureMessages: string[];
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The test-name pattern of one shard: clean variants whole; a bug alone, its expected check. */
const pattern = (ids: string[]) =>
  ids
    .map((id) => {
      const bug = plantedBugs.find((b) => b.id === id);
      return bug === undefined || FULL
        ? `\\[${literal(id)}\\]`
        : `\\[${literal(id)}\\].*${literal(bug.caughtBy)}`;
    })
    .join('|');

/** Runs the variants `ids` in a child vitest; resolves with its assertions. */
function runShard(ids: string[], dir: string, n: number): Promise<Assertion[]> {
  const out = join(dir, `shard-${n}.json`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  const args = [
    VITEST,
    'run',
    '--config',
    CONFIG,
    '--reporter=json',
    `--outputFile=${out}`,
    '-t',
    pattern(ids),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: CORE, env: { ...env, POOLKIT_TEETH_VARIANTS: ids.join(',') }, timeout: 170_000 },
      (error) => {
        try {
          const report = JSON.parse(readFileSync(out, 'utf8')) as {
            testResults: { assertionResults: Assertion[] }[];
          };
          resolve(report.testResults.flatMap((file) => file.assertionResults));
        } catch (cause) {
          reject(new Error(`the child vitest of shard ${n} wrote no report (${String(error)})`, { cause }));
        }
      },
    );
  });
}

const dir = mkdtempSync(join(tmpdir(), 'poolkit-teeth-'));
let assertions: Assertion[] = [];
const of = (id: string) => assertions.filter((a) => a.ancestorTitles.some((t) => t.includes(`[${id}]`)));

beforeAll(async () => {
  const ids = [...CLEAN, ...plantedBugs.map((b) => b.id), 'lifo-declared-fifo'];
  const shards = Array.from({ length: SHARDS }, (_, n) => ids.filter((_, i) => i % SHARDS === n));
  assertions = (await Promise.all(shards.map((shard, n) => runShard(shard, dir, n)))).flat();
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('describeBackend against backends written from the guide', () => {
  it.each(CLEAN)('the clean %s backend passes every check', (id) => {
    const ran = of(id);
    expect(ran.length, `checks reported for ${id}`).toBeGreaterThan(20);
    const failed = ran.filter((a) => a.status === 'failed');
    expect(
      failed.map((a) => `${a.title}: ${a.failureMessages[0]?.split('\n')[0]}`),
      `${id} should pass the whole suite`,
    ).toEqual([]);
  });

  it.each(plantedBugs.map((b) => [b.id, b.on, b.caughtBy]))(
    'catches the planted bug %s (%s) with the check "%s…"',
    (id, _on, caughtBy) => {
      const check = of(id).find((a) => a.title.startsWith(caughtBy));
      expect(check, `the check "${caughtBy}…" ran against [${id}]`).toBeDefined();
      expect(check?.status, `the check "${caughtBy}…" against the bug ${id}`).toBe('failed');
      // The failure says what went wrong, not only "expected false to be true".
      const first = check?.failureMessages[0]?.split('\n')[0];
      expect(first, 'the failure message names what went wrong').not.toMatch(/^AssertionError: expected /);
    },
  );
});

describe('describeQueue against a queue whose order it was not told', () => {
  it('a LIFO queue declared FIFO fails the FIFO checks, and says so', () => {
    const failed = of('lifo-declared-fifo').filter((a) => a.status === 'failed');
    expect(failed.map((a) => a.title)).toContain(
      'pops items in push order when priorities are equal (FIFO order)',
    );
  });
});
