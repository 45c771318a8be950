#!/usr/bin/env node
// The package's `npm test`: cargo test (kernels, pool, batch; then the kernel SDK in sdk/), the Node-API header check with
// its deliberately-wrong-signature self-test, then vitest. Each runner writes its counts into
// <root>/.reports/ for the root summary (scripts/test.mjs at the root adds them up):
//   native-cargo.counts.json, native-headers.counts.json, native.vitest.json
// Exits non-zero if any runner fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(pkg, '..', '..');
const reports = join(root, '.reports');
mkdirSync(reports, { recursive: true });
const env = { ...process.env, PATH: `${join(homedir(), '.cargo', 'bin')}${delimiter}${process.env.PATH}` };

/** Sums cargo's `test result: ok. N passed; N failed; N ignored; …` lines. */
export function cargoCounts(output) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)) {
    counts.passed += Number(m[1]);
    counts.failed += Number(m[2]);
    counts.skipped += Number(m[3]);
  }
  return counts;
}

let ok = true;

// The addon crate, then the kernel SDK (sdk/, its own crate; built in target/sdk).
const cargoResult = { passed: 0, failed: 0, skipped: 0 };
for (const args of [[], ['--manifest-path', 'sdk/Cargo.toml', '--target-dir', 'target/sdk']]) {
  const cargo = spawnSync('cargo', ['test', '--color', 'never', ...args], {
    cwd: pkg,
    env,
    encoding: 'utf8',
  });
  process.stdout.write(cargo.stdout ?? '');
  process.stderr.write(cargo.stderr ?? '');
  const counts = cargoCounts(cargo.stdout ?? '');
  if (cargo.status !== 0 && counts.failed === 0) counts.failed = 1; // did not build or crashed
  for (const key of Object.keys(cargoResult)) cargoResult[key] += counts[key];
  ok &&= cargo.status === 0;
}
writeFileSync(join(reports, 'native-cargo.counts.json'), JSON.stringify(cargoResult));

const headers = spawnSync(
  process.execPath,
  [
    join(pkg, 'scripts', 'check-headers.mjs'),
    '--self-test',
    '--report',
    join(reports, 'native-headers.counts.json'),
  ],
  { cwd: pkg, env, stdio: 'inherit' },
);
ok &&= headers.status === 0;

const vitest = spawnSync(process.execPath, [join(root, 'scripts', 'vitest.mjs'), 'native'], {
  cwd: pkg,
  env,
  stdio: 'inherit',
});
ok &&= vitest.status === 0;

console.log(
  `native: cargo ${JSON.stringify(cargoResult)}, headers exit ${headers.status}, vitest exit ${vitest.status}`,
);
process.exit(ok ? 0 : 1);
