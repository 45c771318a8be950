#!/usr/bin/env node
// Part of the examples' `npm run build`: compiles the example user kernel library (kernels/, a
// crate depending on ../../native/sdk) with plain `cargo build --release`, leaving
// kernels/target/release/libpoolkit_example_kernels.so for src/user-kernels.ts.
//
// Without a Rust toolchain it prints a warning and skips (the user-kernels example and its test
// then skip visibly); with CI set (not "false"/"0") or POOLKIT_NATIVE_REQUIRE=1 that is an error.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCargo } from '../../native/scripts/cargo.mjs';

const crate = join(dirname(fileURLToPath(import.meta.url)), '..', 'kernels');
const flag = (name) => !['', '0', 'false'].includes((process.env[name] ?? '').trim().toLowerCase());
const { env, version } = findCargo();
if (version === undefined) {
  const message = 'no Rust toolchain (cargo), so the example kernel library (kernels/) is not built';
  if (flag('CI') || flag('POOLKIT_NATIVE_REQUIRE')) {
    console.error(`@poolkit/examples: error: ${message}, and CI or POOLKIT_NATIVE_REQUIRE is set.`);
    process.exit(1);
  }
  console.warn(
    `@poolkit/examples: warning: ${message}; the user-kernels example will skip. Install Rust from https://rustup.rs.`,
  );
  process.exit(0);
}
const result = spawnSync('cargo', ['build', '--release'], { cwd: crate, env, stdio: 'inherit' });
if (result.error) console.error(`@poolkit/examples: error: could not run cargo: ${result.error.message}`);
process.exit(result.status ?? 1);
