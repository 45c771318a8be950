#!/usr/bin/env node
// A package's TypeScript build from nothing: removes its dist/ and tsconfig.tsbuildinfo, then runs
// `tsc -b`. An incremental build never deletes the output of a source file that was removed or
// moved, and nx caches (and restores) the whole dist/: a stale file would ship in the tarball with
// a source map pointing at nothing. nx skips the build when its inputs are unchanged, so starting
// from nothing costs only when something changed.
//
// tsc writes files without the execute bit, and npm only sets it on a workspace's bins at install
// time: after a rebuild `npx poolkit-bench` in the workspace answered "Permission denied". The
// package's `bin` files get mode 755 here, as npm gives them when it installs the tarball.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
rmSync('tsconfig.tsbuildinfo', { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-b', ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.status === 0) {
  const { bin } = JSON.parse(readFileSync('package.json', 'utf8'));
  const files = typeof bin === 'string' ? [bin] : Object.values(bin ?? {});
  for (const file of files) if (existsSync(file)) chmodSync(file, 0o755);
}
process.exit(result.status ?? 1);
