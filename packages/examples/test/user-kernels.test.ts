import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIBRARY, main, rot13 } from '../dist/user-kernels.js';
import { quiet, runProgram } from './run-program.js';

// The library is built by this package's `npm run build` (scripts/build-kernels.mjs); without a
// Rust toolchain that step warns and skips, and so do these tests (CI=true makes the build fail instead).
const built = existsSync(DEFAULT_LIBRARY);
if (!built)
  console.warn(`user-kernels: skipped, no kernel library at ${DEFAULT_LIBRARY} (no Rust toolchain?)`);

describe.skipIf(!built)('user-kernels', () => {
  it('prints the library kernels and results identical to JS', async () => {
    const run = await runProgram('user-kernels', ['--count', '2000']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exports: cube(numbers → numbers), rot13(bytes → bytes)');
    expect(run.stdout).toContain('identical to JS x ** 3: true');
    expect(run.stdout).toContain('"Hello, poolkit #0!" → "Uryyb, cbbyxvg #0!"');
    expect(run.stdout).toContain('identical to JS: true');
  });

  it('cube through Pool + NativeBackend and rot13 through runBatch equal the JS computation', async () => {
    const result = await main({ count: 5000, print: quiet });
    expect(result.kernels).toEqual(['cube(numbers → numbers)', 'rot13(bytes → bytes)']);
    expect(result.cubesIdentical).toBe(true);
    expect(result.rot13Identical).toBe(true);
    expect(rot13('Hello')).toBe('Uryyb');
  });
});
