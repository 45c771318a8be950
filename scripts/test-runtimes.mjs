#!/usr/bin/env node
// The runtime matrix: runs, under each other runtime (scripts/runtimes.mjs installs them, pinned),
// the tests that say whether poolkit works there — not the whole `npm test`, which stays on the
// machine's Node. On Node 22, 24 and 26:
//   - every conformance suite: each test file that calls describeBackend( or describeQueue(
//     (found by reading the test files, so a new backend's or queue's conformance file is in);
//   - PiscinaBackend under faults (ADAPTER_FAULTS below);
//   - every vitest file of @poolkit/native (the addon loads and runs on that Node's Node-API);
//   - the bench CLI's smoke run (BENCH_SMOKE below).
// On Bun and Deno, the conformance suites of OTHER_RUNTIMES_PACKAGES (below: what passes there).
// vitest itself runs under that runtime, and so does every process a test starts with process.execPath
// (worker processes, child probes); the runtime's bin directory also leads PATH. Needs the packages
// built (`npm install` does it) and redis-server for BullMQ's conformance (CI=true: a missing one
// fails, it is never skipped).
//
// Usage: node scripts/test-runtimes.mjs [runtime id…]   (default: node22 node24 node26 bun deno)
//        node scripts/test-runtimes.mjs --list [id…]     (print the plan, run nothing)
// Reports: .reports/runtimes/<id>/<package>.vitest.json. Ends with one line per runtime and the
// total `tests: N passed, N failed, N skipped`; exits non-zero when any runtime fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countReports, summaryLine } from './reports.mjs';
import { ensureRuntimes, RUNTIMES } from './runtimes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

/** How each kind of runtime runs a script (vitest runs under Bun and Deno too, its workers with them). */
const LAUNCH = { node: [], bun: [], deno: ['run', '-A'] };

/** The runtimes the matrix runs when none is named: all of them. */
const DEFAULT_RUNTIMES = RUNTIMES.map((r) => r.id);

/**
 * The packages whose conformance suites Bun and Deno run: those that pass there. Measured with Bun
 * 1.4.4 and Deno 2.9.6, not yet the others (the root README's support table): PiscinaBackend's
 * test harness loads its `.ts` worker module with `--import tsx`, which Deno's worker_threads
 * refuses (ERR_WORKER_INVALID_EXEC_ARGV), and under Bun the per-file thread check meets Bun's own
 * lazily started threads and `resourceLimits` does not stop a runaway heap; NativeBackend fails
 * one conformance test under Bun (an entry's result reported before its start) and /proc thread
 * counts under both; the examples' ChildProcessBackend needs `channel.unref()` (missing in Bun);
 * the bench CLI exits 1 under both.
 */
const OTHER_RUNTIMES_PACKAGES = ['core', 'bullmq'];

/**
 * PiscinaBackend's fault tests, one fault per file: threads that exit, throw outside a task, run
 * out of memory, spin past a timeout, are aborted or force-stopped; errors and unreadable values
 * that cross threads; close() after all of it. Left out for time (they run in `npm test` on the
 * machine's Node): the fault storm, which mixes these same faults (~40 s per runtime), the
 * 200-round close() regression (~100 s), recycling and start-up stress (~20 s each).
 */
const ADAPTER_FAULTS = [
  'crash.test.ts',
  'cancel.test.ts',
  'errors.test.ts',
  'force-stop.test.ts',
  'out-of-task-errors.test.ts',
  'close.test.ts',
  'timeout-counts-from-start.test.ts',
  'thrown-values-that-cannot-be-read.test.ts',
  'a-nested-uncloneable-result-fails-alone.test.ts',
  'callers-callbacks-that-throw-do-not-crash.test.ts',
  'a-task-that-finished-before-its-thread-died-is-not-called-uncloneable.test.ts',
  'the-thread-check-counts-workers-not-nodes-helper-threads.test.ts',
].map((f) => `test/${f}`);

/** The bench's CI smoke: the built CLI over every contender on a tiny configuration, its reports checked. */
const BENCH_SMOKE = ['test/cli-smoke.test.ts'];

/** Test files under `pkg`/test, recursively, relative to `pkg`. */
function testFiles(pkg) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) found.push(relative(pkg, path));
    }
  };
  const dir = join(pkg, 'test');
  if (existsSync(dir)) walk(dir);
  return found.sort();
}

/** { package directory name → test files } the matrix runs on a runtime of `kind`. */
function plan(kind) {
  const byPackage = new Map();
  const add = (name, files) => byPackage.set(name, [...new Set([...(byPackage.get(name) ?? []), ...files])]);
  const packages = join(root, 'packages');
  for (const name of readdirSync(packages).sort()) {
    const pkg = join(packages, name);
    const conformance = testFiles(pkg).filter((f) =>
      /\bdescribe(Backend|Queue)\(/.test(readFileSync(join(pkg, f), 'utf8')),
    );
    if (conformance.length > 0) add(name, conformance);
  }
  const adapters = join(packages, 'adapters');
  for (const f of ADAPTER_FAULTS) {
    if (!existsSync(join(adapters, f))) throw new Error(`ADAPTER_FAULTS names a missing file: ${f}`);
  }
  for (const f of BENCH_SMOKE) {
    if (!existsSync(join(packages, 'bench', f))) throw new Error(`BENCH_SMOKE names a missing file: ${f}`);
  }
  if (kind !== 'node') {
    return new Map([...byPackage].filter(([name]) => OTHER_RUNTIMES_PACKAGES.includes(name)));
  }
  add('adapters', ADAPTER_FAULTS);
  add('bench', BENCH_SMOKE);
  add('native', testFiles(join(packages, 'native')));
  return byPackage;
}

/** Runs vitest under `runtime` for each package of its plan, one after another; returns its counts and time. */
function runOn(runtime) {
  const work = plan(runtime.kind);
  const reports = join(root, '.reports', 'runtimes', runtime.id);
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const env = {
    ...process.env,
    CI: 'true',
    PATH: `${dirname(runtime.bin)}${delimiter}${process.env.PATH}`,
  };
  const started = Date.now();
  const crashed = [];
  for (const [name, files] of work) {
    console.log(`\n=== ${runtime.id} (${runtime.version}): ${name}, ${files.length} file(s)`);
    const run = spawnSync(
      runtime.bin,
      [
        ...LAUNCH[runtime.kind],
        vitest,
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${join(reports, `${name}.vitest.json`)}`,
        ...files,
      ],
      { cwd: join(root, 'packages', name), env, stdio: 'inherit' },
    );
    if (run.status !== 0) crashed.push(`${name} (exit ${run.status ?? run.signal})`);
  }
  const counts = countReports(reports);
  // A vitest run that failed without a failed test in its report (it crashed, or wrote none) still fails.
  const failed = counts.failed + (counts.failed === 0 ? crashed.length : 0);
  return { ...counts, failed, crashed, seconds: (Date.now() - started) / 1000 };
}

const args = process.argv.slice(2);
const list = args.includes('--list');
const ids = args.filter((a) => a !== '--list');
if (list) {
  for (const runtime of RUNTIMES.filter((r) => (ids.length > 0 ? ids : DEFAULT_RUNTIMES).includes(r.id))) {
    console.log(`${runtime.id} ${runtime.version}:`);
    for (const [name, files] of plan(runtime.kind)) console.log(`  ${name}:\n    ${files.join('\n    ')}`);
  }
  process.exit(0);
}

let runtimes;
try {
  runtimes = ensureRuntimes(ids.length > 0 ? ids : DEFAULT_RUNTIMES);
} catch (error) {
  console.error(`test-runtimes: ${error.message}`);
  process.exit(1);
}

// One runtime after another: 2 cores, and timing-bound tests (two at once saved 17 %, measured).
const results = runtimes.map((runtime) => ({ runtime, ...runOn(runtime) }));
console.log('\nruntime matrix:');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const { runtime, seconds, crashed, ...counts } of results) {
  for (const key of Object.keys(total)) total[key] += counts[key];
  const note = crashed.length > 0 ? `; vitest failed in ${crashed.join(', ')}` : '';
  console.log(`  ${runtime.id} ${runtime.version}: ${summaryLine(counts)} in ${seconds.toFixed(0)} s${note}`);
}
console.log(`\n${summaryLine(total)}`);
process.exit(results.every((r) => r.failed === 0 && r.crashed.length === 0) ? 0 : 1);
