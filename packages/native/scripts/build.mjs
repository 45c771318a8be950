#!/usr/bin/env node
// `npm run build` for @poolkit/native: the Rust addon (napi build --platform --release), then
// the TypeScript loader (tsc -b). Finds cargo in ~/.cargo/bin even when the shell's PATH lacks
// it (rustup's default location), and stops with a clear message when there is no Rust toolchain.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
const env = { ...process.env };
if (existsSync(join(cargoHome, 'bin'))) env.PATH = `${join(cargoHome, 'bin')}${delimiter}${env.PATH ?? ''}`;

const cargo = spawnSync('cargo', ['--version'], { env, encoding: 'utf8' });
if (cargo.status !== 0) {
  console.error(
    '@poolkit/native: building the addon needs a Rust toolchain (cargo; tested with Rust 1.95) on PATH or in ~/.cargo/bin.\n' +
      'Install it from https://rustup.rs and run `npm run build` again.',
  );
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: pkg,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
/**
 * Like run(), with output passed through except napi's warning that the `napi-derive` crate is
 * not used: this addon is built without crates on purpose (a hand-written Node-API layer) and
 * has no generated bindings to skip, so the warning tells a user nothing they could act on.
 */
function runQuietly(command, args) {
  const result = spawnSync(command, args, {
    cwd: pkg,
    env,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  const keep = (text) =>
    (text ?? '')
      .split('\n')
      .filter((line) => !line.includes('`napi-derive` crate is not used'))
      .join('\n');
  process.stdout.write(keep(result.stdout));
  process.stderr.write(keep(result.stderr));
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const bin = (name) => join(pkg, 'node_modules', '.bin', name);
const napi = existsSync(bin('napi')) ? bin('napi') : join(pkg, '..', '..', 'node_modules', '.bin', 'napi');
const tsc = existsSync(bin('tsc')) ? bin('tsc') : join(pkg, '..', '..', 'node_modules', '.bin', 'tsc');
runQuietly(napi, ['build', '--platform', '--release']);
run(tsc, ['-b']);
