#!/usr/bin/env node
// `npm run build` for @poolkit/native: the Rust addon (napi build --platform --release), copied
// into its platform package npm/<triple>/ (what `napi artifacts` does), then the TypeScript
// loader (tsc -b), then scripts/check-kernels.mjs: src/kernels.ts must list the kernels the Rust
// registry has (fails the build naming the differences). Finds cargo on PATH or
// in $CARGO_HOME/bin (scripts/cargo.mjs).
//
// Without a Rust toolchain it prints one warning, skips the addon and still compiles the
// TypeScript, so the package imports, `@poolkit/native/reference` works and the first native call
// throws ERR_NATIVE_LOAD (see src/addon.ts). Where skipping would hide a broken setup (CI set
// and not "false"/"0", or POOLKIT_NATIVE_REQUIRE=1) a missing toolchain fails the build (exit 1).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCargo } from './cargo.mjs';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const { env, version: cargoVersion } = findCargo();

/** True when `name` is set to anything but "", "0" or "false". */
const flag = (name) => !['', '0', 'false'].includes((process.env[name] ?? '').trim().toLowerCase());
const requireNative = flag('CI') || flag('POOLKIT_NATIVE_REQUIRE');
const noToolchain =
  'no Rust toolchain (cargo on PATH or in $CARGO_HOME/bin, default ~/.cargo/bin; tested with Rust 1.95)';
const fix = 'Install it from https://rustup.rs and run `npm run build` in packages/native again.';
if (cargoVersion === undefined && requireNative) {
  const why = flag('POOLKIT_NATIVE_REQUIRE') ? 'POOLKIT_NATIVE_REQUIRE is set' : 'CI is set';
  console.error(
    `@poolkit/native: error: ${noToolchain}, and ${why}, so the addon may not be skipped.\n${fix}`,
  );
  process.exit(1);
}

/** Exits with the child's status when it failed; says why when it could not start at all. */
function exitOnFailure(command, result) {
  if (result.error)
    console.error(`@poolkit/native: error: could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}
function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: pkg,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  exitOnFailure(command, result);
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
  exitOnFailure(command, result);
}
/**
 * Copies each built `poolkit-native.<triple>.node` into the platform package npm/<triple>/ (the
 * `@poolkit/native-<triple>` layout `napi create-npm-dirs` makes), which is what ships the binary;
 * a triple without a package dir is left alone. The copies are gitignored.
 */
function copyToPlatformPackages() {
  for (const file of readdirSync(pkg)) {
    const triple = /^poolkit-native\.(.+)\.node$/.exec(file)?.[1];
    const dir = triple === undefined ? undefined : join(pkg, 'npm', triple);
    if (dir !== undefined && existsSync(join(dir, 'package.json')))
      copyFileSync(join(pkg, file), join(dir, file));
  }
}
const bin = (name) => join(pkg, 'node_modules', '.bin', name);
const napi = existsSync(bin('napi')) ? bin('napi') : join(pkg, '..', '..', 'node_modules', '.bin', 'napi');
const tsc = existsSync(bin('tsc')) ? bin('tsc') : join(pkg, '..', '..', 'node_modules', '.bin', 'tsc');
if (cargoVersion === undefined) {
  console.warn(
    `@poolkit/native: warning: ${noToolchain}: building the TypeScript only, without the native addon.\n` +
      '  `@poolkit/native/reference` works and nativeAvailable() is false; native calls throw ERR_NATIVE_LOAD.\n' +
      `  ${fix} (POOLKIT_NATIVE_REQUIRE=1 or CI=true makes this an error.)`,
  );
} else {
  runQuietly(napi, ['build', '--platform', '--release']);
  copyToPlatformPackages();
}
// From nothing: an incremental build keeps the output of a removed source, and nx caches dist/ whole.
rmSync(join(pkg, 'dist'), { recursive: true, force: true });
rmSync(join(pkg, 'tsconfig.tsbuildinfo'), { force: true });
run(tsc, ['-b']);
// The TypeScript list of built-in kernels must equal the Rust registry the addon was built from.
if (cargoVersion !== undefined) run(process.execPath, [join(pkg, 'scripts', 'check-kernels.mjs')]);
