#!/usr/bin/env node
// Checks that the TypeScript list of built-in kernels (`builtinKernels` in src/kernels.ts, from
// which `kernels` and the KernelName unions derive) equals what the Rust registry registers
// (`BUILTIN` in rust/kernels/mod.rs): names, order, input and output kinds. Run by
// scripts/build.mjs after the addon and the TypeScript are built; exits 1 naming every
// difference. Loads the local dev build next to package.json (not POOLKIT_NATIVE_ADDON: the
// check is about the addon just built), or the file given as the first argument.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const { binaryName } = await import('../dist/addon.js');
const { builtinKernels } = await import('../dist/kernels.js');
const { kernelListDifferences } = await import('../dist/kernel-check.js');

const file = process.argv[2] ? resolve(process.argv[2]) : join(pkg, binaryName());
const addon = createRequire(import.meta.url)(file);
const differences = kernelListDifferences(addon.kernels(), builtinKernels);
if (differences.length > 0) {
  console.error(
    `@poolkit/native: error: src/kernels.ts does not match the Rust kernel registry of ${file}:\n` +
      differences.map((d) => `  - ${d}`).join('\n') +
      '\n  Edit builtinKernels in src/kernels.ts (same names, order and kinds as BUILTIN in' +
      ' rust/kernels/mod.rs) and build again.',
  );
  process.exit(1);
}
console.log(`@poolkit/native: src/kernels.ts matches the Rust registry (${builtinKernels.length} kernels)`);
