#!/usr/bin/env node
// Runs vitest for one package and writes its JSON report to <root>/.reports/<name>.vitest.json,
// where scripts/test.mjs adds every runner's counts into the one summary line CI reads.
// Usage (from a package directory): node ../../scripts/vitest.mjs <name> [extra vitest args]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
if (!name) {
  console.error('usage: vitest.mjs <report-name> [vitest args]');
  process.exit(2);
}
const reports = join(root, '.reports');
mkdirSync(reports, { recursive: true });
const bin = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(
  process.execPath,
  [
    bin,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(reports, `${name}.vitest.json`)}`,
    ...rest,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
