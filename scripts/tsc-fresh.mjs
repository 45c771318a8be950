#!/usr/bin/env node
// A package's TypeScript build from nothing: removes its dist/ and tsconfig.tsbuildinfo, then runs
// `tsc -b`. An incremental build never deletes the output of a source file that was removed or
// moved, and nx caches (and restores) the whole dist/: a stale file would ship in the tarball with
// a source map pointing at nothing. nx skips the build when its inputs are unchanged, so starting
// from nothing costs only when something changed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
rmSync('tsconfig.tsbuildinfo', { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-b', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
