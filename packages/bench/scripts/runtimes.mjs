#!/usr/bin/env node
// The bench on every runtime, one after another: this Node, then each pinned runtime of
// scripts/runtimes.mjs (Node 22/24/26, Bun, Deno), the same quick selection each time; then one
// Markdown table of all runs (report/runtimes.ts). Prints, per run, the load average at its start
// and the exact command; writes each run's JSON to <out>/<id>.json.
//
// Usage: node packages/bench/scripts/runtimes.mjs [--out <dir>] [--only <id,…>]
//   (root: npm run bench:runtimes -- [options]; builds the bench first)
//   --out   where the JSON reports go (default: bench-results/runtimes)
//   --only  the runtimes to run: node (this one), node22, node24, node26, bun, deno (default: all)
// Exit status: 1 when a run exits non-zero (its table rows still print), else 0.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runtimesTable } from '../dist/report/runtimes.js';

const bench = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(bench, '../..');
const cli = relative(root, join(bench, 'dist', 'cli.js'));

/** The selection: the batched rows, their unbatched peer (raw piscina) and the floor (always run). */
export const WORKLOADS = ['noop', 'spin', 'md5'];
export const CONTENDERS = [
  'pool-piscina-batched',
  'pool-piscina-submitall',
  'pool-native-batched',
  'piscina',
];

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'bench-results/runtimes' }, only: { type: 'string' } },
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

const pinned = JSON.parse(
  execFileSync(process.execPath, [join(root, 'scripts', 'runtimes.mjs'), '--json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
const all = [{ id: 'node', kind: 'node', bin: process.execPath }, ...pinned];
const only = values.only?.split(',');
const runtimes = all.filter((r) => only === undefined || only.includes(r.id));

const reports = [];
let failed = false;
for (const r of runtimes) {
  // Relative to the root (the runs' working directory), so the printed command reads as typed.
  const json = relative(root, join(out, `${r.id}.json`));
  const args = [
    ...(r.kind === 'deno' ? ['run', '-A'] : []),
    cli,
    ...['--quick', '--workload', WORKLOADS.join(','), '--backend', CONTENDERS.join(',')],
    ...['--json', json, '--no-progress'],
  ];
  // This Node's run is `npm run bench -- …`; the others name their binary.
  const shown =
    r.id === 'node'
      ? `npm run bench -- ${args.slice(1).join(' ')}`
      : `${relative(root, r.bin)} ${args.join(' ')}`;
  console.log(`\n## ${r.id} — load ${loadavg()[0].toFixed(2)} at start — ${new Date().toISOString()}`);
  console.log(`$ ${shown}`);
  const run = spawnSync(r.bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const verdict = run.stdout.slice(run.stdout.indexOf('\nVerdict — ') + 1).trimEnd();
  console.log(verdict === '' ? run.stdout : verdict);
  if (run.status !== 0) {
    failed = true;
    console.log(`(exit status ${run.status ?? run.signal})`);
  }
  if (existsSync(join(root, json))) reports.push(JSON.parse(readFileSync(join(root, json), 'utf8')));
}

console.log(`\n${runtimesTable(reports, CONTENDERS)}`);
process.exitCode = failed ? 1 : 0;
