#!/usr/bin/env node
// The runtime matrix: runs, under each other runtime (scripts/runtimes.mjs installs them, pinned),
// the tests that say whether poolkit works there — not the whole `npm test`, which stays on the
// machine's Node. On Node 22, 24 and 26:
//   - every conformance suite: each test file that calls describeBackend( or describeQueue(
//     (found by reading the test files, so a new backend's or queue's conformance file is in);
//   - PiscinaBackend under faults (ADAPTER_FAULTS below);
//   - every vitest file of @poolkit/native (the addon loads and runs on that Node's Node-API);
//   - the bench CLI's smoke run (BENCH_SMOKE below; on Bun and Deno too).
// On Bun and Deno, the conformance suites of OTHER_RUNTIMES_PACKAGES (below: every package with
// one), every vitest file of @poolkit/native, and PiscinaBackend's fault tests less those a runtime cannot pass (FAULTS_LEFT_OUT below, each
// with its reason; the root README's support table says the same).
// On every runtime, last, the smoke run of every backend (scripts/smoke-backends.mjs), through the
// built packages as a user's program would import them.
// vitest itself runs under that runtime, and so does every process a test starts with process.execPath
// (worker processes, child probes); the runtime's bin directory also leads PATH. Needs the packages
// built (`npm install` does it) and redis-server for BullMQ's conformance (CI=true: a missing one
// fails, it is never skipped).
//
// Usage: node scripts/test-runtimes.mjs [runtime id…]   (default: node22 node24 node26 bun deno)
//        node scripts/test-runtimes.mjs --list [id…]     (print the plan, run nothing)
// Reports: .reports/runtimes/<id>/<package>.vitest.json. Ends with one line per runtime and the
// total `tests: N passed, N failed, N skipped` (the smoke run's checks counted as tests); exits
// non-zero when any runtime fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countReports, summaryLine } from './reports.mjs';
import { ensureRuntimes, RUNTIMES } from './runtimes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

/**
 * How each kind of runtime runs a script (vitest runs under Bun and Deno too, its workers with them).
 * Deno: `--sloppy-imports` lets a thread load our TypeScript sources, whose `./x.js` specifiers name
 * `./x.ts` files (tsc's convention; Bun resolves them as it is, Node gets tsx). PiscinaBackend's
 * threads load its shim from src/ when the tests run from sources; the flag reaches them because
 * Deno applies it to the whole process. The built packages need no flag.
 */
const LAUNCH = { node: [], bun: [], deno: ['run', '-A', '--sloppy-imports'] };

/** The runtimes the matrix runs when none is named: all of them. */
const DEFAULT_RUNTIMES = RUNTIMES.map((r) => r.id);

/**
 * The packages whose conformance suites Bun and Deno run: every package with one (core's queues
 * and InlineBackend, PiscinaBackend, NativeBackend, BullMQBackend, the examples'
 * ChildProcessBackend), measured with Bun 1.4.4 and Deno 2.9.6. NativeBackend runs every vitest
 * file there, as on Node (OTHER_RUNTIMES_ALL_FILES).
 */
const OTHER_RUNTIMES_PACKAGES = ['core', 'bullmq', 'adapters', 'examples', 'native'];

/** Packages whose every vitest file runs on Bun and Deno too, not only their conformance suites. */
const OTHER_RUNTIMES_ALL_FILES = ['native'];

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
  'resource-limits-a-runtime-ignores-are-refused.test.ts',
].map((f) => `test/${f}`);

/**
 * Fault files a runtime cannot pass, each with the reason (the root README's support table says
 * the same). Deno 2.9.6: `worker.terminate()` does not stop a thread that is running JavaScript
 * — a busy loop, or an idle thread blocked in `Atomics.wait` (`atomics: 'sync'`) — it emits
 * 'exit' and resolves, but the OS thread keeps running (a full core) until the process ends
 * (https://github.com/denoland/deno/pull/35657, open). The tasks settle as they should; the files'
 * "no thread left" check sees the thread.
 */
const FAULTS_LEFT_OUT = {
  // Bun 1.4.4: a Worker that calls process.exit() just after its answer is, in about two runs of
  // three, never reported as exited ('exit' is not emitted, threadId stays): the file's tasks get
  // the right outcomes, its "no Worker left" check sees the Worker. Bun's process.exit() in a
  // worker has a history of this (https://github.com/oven-sh/bun/issues/26239,
  // https://github.com/oven-sh/bun/pull/38016).
  bun: {
    'test/a-task-that-finished-before-its-thread-died-is-not-called-uncloneable.test.ts':
      'a Worker that calls process.exit() after its answer is now and then never reported as exited',
  },
  deno: {
    'test/cancel.test.ts': 'terminate() leaves an aborted spinning thread running',
    'test/force-stop.test.ts': 'terminate() leaves a force-stopped spinning thread running',
    'test/out-of-task-errors.test.ts':
      "terminate() leaves a thread blocked in Atomics.wait (atomics: 'sync') running",
  },
};

/** The smoke run of every backend, run by each runtime itself (not through vitest). */
const SMOKE = join(root, 'scripts', 'smoke-backends.mjs');

/**
 * The bench's CI smoke, on every runtime: the built CLI over every contender on a tiny
 * configuration, its reports checked; `--task` end to end on a TypeScript task; how the report
 * names the runtime; the peers' settings found per runtime (workerpool's worker type, tinypool's
 * atomics).
 */
const BENCH_SMOKE = [
  'test/cli-smoke.test.ts',
  'test/task-cli.test.ts',
  'test/runtime.test.ts',
  'test/peer-settings.test.ts',
];

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
  for (const f of Object.values(FAULTS_LEFT_OUT).flatMap((files) => Object.keys(files))) {
    if (!ADAPTER_FAULTS.includes(f))
      throw new Error(`FAULTS_LEFT_OUT names a file not in ADAPTER_FAULTS: ${f}`);
  }
  if (kind !== 'node') {
    const other = new Map([...byPackage].filter(([name]) => OTHER_RUNTIMES_PACKAGES.includes(name)));
    if (other.has('adapters')) {
      const leftOut = FAULTS_LEFT_OUT[kind] ?? {};
      const faults = ADAPTER_FAULTS.filter((f) => !(f in leftOut));
      other.set('adapters', [...new Set([...other.get('adapters'), ...faults])]);
    }
    for (const name of OTHER_RUNTIMES_ALL_FILES) other.set(name, testFiles(join(packages, name)));
    other.set('bench', BENCH_SMOKE);
    return other;
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
  const smoke = runSmoke(runtime, env);
  if (smoke.crashed) crashed.push(smoke.crashed);
  return {
    passed: counts.passed + smoke.passed,
    failed: failed + smoke.failed,
    skipped: counts.skipped,
    crashed,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Runs scripts/smoke-backends.mjs under `runtime`; its checks counted from its last line. */
function runSmoke(runtime, env) {
  console.log(`\n=== ${runtime.id} (${runtime.version}): smoke run of every backend`);
  const run = spawnSync(runtime.bin, [...LAUNCH[runtime.kind], SMOKE], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 120_000,
  });
  process.stdout.write(run.stdout ?? '');
  const counts = /: (\d+) passed, (\d+) failed\s*(?:\n|$)/.exec(run.stdout ?? '');
  const passed = counts ? Number(counts[1]) : 0;
  const failed = counts ? Number(counts[2]) : 0;
  const ok = run.status === 0 && counts !== null && failed === 0;
  return {
    passed,
    failed: ok ? failed : Math.max(failed, 1),
    crashed: ok ? undefined : `smoke-backends (exit ${run.status ?? run.signal})`,
  };
}

const args = process.argv.slice(2);
const list = args.includes('--list');
const ids = args.filter((a) => a !== '--list');
if (list) {
  for (const runtime of RUNTIMES.filter((r) => (ids.length > 0 ? ids : DEFAULT_RUNTIMES).includes(r.id))) {
    console.log(`${runtime.id} ${runtime.version}:`);
    for (const [name, files] of plan(runtime.kind)) console.log(`  ${name}:\n    ${files.join('\n    ')}`);
    for (const [file, why] of Object.entries(FAULTS_LEFT_OUT[runtime.kind] ?? {})) {
      console.log(`  left out: adapters/${file} (${why})`);
    }
    console.log(`  smoke: ${relative(root, SMOKE)}`);
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
