#!/usr/bin/env node
// Finds the Rust toolchain the way `npm run build` uses it: cargo on PATH, else in
// $CARGO_HOME/bin (default ~/.cargo/bin, where rustup puts it even when the shell's PATH lacks it).
// Run directly, it prints `cargo --version` or `no-cargo`: the nx runtime input of the native
// build (package.json), so installing, removing or upgrading Rust changes the cache key.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The environment to run cargo with (PATH extended by $CARGO_HOME/bin when that exists) and
 * cargo's version line, or `undefined` when no cargo runs.
 */
export function findCargo(baseEnv = process.env) {
  const env = { ...baseEnv };
  const cargoHome = env.CARGO_HOME || join(homedir(), '.cargo');
  if (existsSync(join(cargoHome, 'bin'))) env.PATH = `${join(cargoHome, 'bin')}${delimiter}${env.PATH ?? ''}`;
  const cargo = spawnSync('cargo', ['--version'], { env, encoding: 'utf8' });
  const version = cargo.status === 0 ? cargo.stdout.trim() : undefined;
  return { env, version };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(findCargo().version ?? 'no-cargo');
