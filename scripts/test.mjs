#!/usr/bin/env node
// `npm test`: build through nx, run every package's test target (vitest, cargo test, the
// Node-API header check), then the packaging checks (scripts/check-packages.mjs), then add up every runner's report and end with exactly one line:
//   tests: N passed, N failed, N skipped
// Runners write reports into .reports/: vitest's JSON reporter (<name>.vitest.json) and
// plain count files ({ "passed", "failed", "skipped" } in <name>.counts.json) for the rest;
// scripts/reports.mjs adds them up.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countReports, summaryLine } from './reports.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.reports');
rmSync(reports, { recursive: true, force: true });

// nx's own bin entry, resolved from its package.json (the file moved between nx versions).
const require = createRequire(join(root, 'package.json'));
const nxPackage = require.resolve('nx/package.json');
const nxBin = require('nx/package.json').bin;
const nx = join(dirname(nxPackage), typeof nxBin === 'string' ? nxBin : nxBin.nx);
const run = spawnSync(
  process.execPath,
  [nx, 'run-many', '-t', 'test', '--outputStyle=static', '--parallel=1', ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NX_DAEMON: 'false' } },
);

// Packaging checks over the built packages (publint, arethetypeswrong, a consumer app): they
// write .reports/packaging.counts.json like any runner.
const packaging = spawnSync(process.execPath, [join(root, 'scripts', 'check-packages.mjs')], {
  stdio: 'inherit',
  cwd: root,
});

const { passed, skipped, files, ...counts } = countReports(reports);
let { failed } = counts;
// A runner that crashed before writing its report still fails the run.
if (run.status !== 0 && failed === 0) failed += 1;
if (packaging.status !== 0 && !files.includes('packaging.counts.json')) failed += 1;
console.log(`\n${summaryLine({ passed, failed, skipped })}`);
process.exit(run.status === 0 && packaging.status === 0 && failed === 0 ? 0 : 1);
