import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelInfos, kernels, loadAddon } from '../src/index.js';
import { type KernelKinds, kernelListDifferences } from '../src/kernel-check.js';
import { builtinKernels } from '../src/kernels.js';
import { runReference } from '../src/reference/index.js';

const pkg = resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'poolkit-kernel-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the TypeScript kernel list is checked against the Rust registry', () => {
  it('agrees with the built addon (what `npm run build` checks)', () => {
    expect(kernelListDifferences(loadAddon().kernels(), builtinKernels)).toEqual([]);
    expect([...kernels]).toEqual(builtinKernels.map((k) => k.name));
    for (const k of builtinKernels) {
      const info = kernelInfos().get(k.name);
      expect([info?.input, info?.output]).toEqual([k.input, k.output]);
    }
  });

  it('names every difference of a doctored list: missing, extra, other kinds, other order', () => {
    const rust = loadAddon().kernels();
    const list: KernelKinds[] = builtinKernels.map((k) => ({ ...k }));
    const missing = list.filter((k) => k.name !== 'fnv1a');
    expect(kernelListDifferences(rust, missing)).toEqual([
      'kernel "fnv1a" is in the Rust registry but not in src/kernels.ts (builtinKernels)',
    ]);
    const extra = [...list, { name: 'cube', input: 'numbers', output: 'numbers' } as const];
    expect(kernelListDifferences(rust, extra)).toEqual([
      'kernel "cube" is in src/kernels.ts (builtinKernels) but not in the Rust registry (rust/kernels/mod.rs BUILTIN)',
    ]);
    const kinds = list.map((k) => (k.name === 'md5' ? { ...k, output: 'numbers' as const } : k));
    expect(kernelListDifferences(rust, kinds)).toEqual([
      'kernel "md5": Rust says bytes → bytes, src/kernels.ts says bytes → numbers',
    ]);
    const swapped = [list[1], list[0], ...list.slice(2)];
    const [difference] = kernelListDifferences(rust, swapped);
    expect(difference).toMatch(
      /^the order differs: Rust registers md5, isprime, .*; src\/kernels\.ts lists isprime, md5, /,
    );
    // Test aids (`__` names) are not part of the public list.
    expect(rust.some((k) => k.name === '__panic')).toBe(true);
  });

  it('the build step exits 1 naming the difference when the registry and the list disagree', () => {
    // A stand-in addon whose registry has one kernel more than src/kernels.ts and one fewer.
    const fake = join(tmp, 'fake-addon.cjs');
    const doctored: { name: string; input: string; output: string; [more: string]: unknown }[] =
      builtinKernels
        .filter((k) => k.name !== 'noop')
        .map((k) => ({ ...k, inputArity: 1, outputArity: 1, outputBytes: -1 }));
    doctored.push({
      name: 'cube',
      input: 'numbers',
      output: 'numbers',
      inputArity: 1,
      outputArity: 1,
      outputBytes: -1,
    });
    writeFileSync(fake, `exports.kernels = () => ${JSON.stringify(doctored)};\n`);
    const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'check-kernels.mjs'), fake], {
      cwd: pkg,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('src/kernels.ts does not match the Rust kernel registry');
    expect(r.stderr).toContain('kernel "cube" is in the Rust registry but not in src/kernels.ts');
    expect(r.stderr).toContain(
      'kernel "noop" is in src/kernels.ts (builtinKernels) but not in the Rust registry',
    );
    const ok = spawnSync(process.execPath, [join(pkg, 'scripts', 'check-kernels.mjs')], {
      cwd: pkg,
      encoding: 'utf8',
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('matches the Rust registry');
  });

  it('every built-in kernel has a JS twin in runReference', () => {
    for (const name of kernels) {
      const input = builtinKernels.find((k) => k.name === name)?.input === 'bytes' ? ['ab'] : [2, 3];
      expect(() => runReference(name, input), name).not.toThrow();
    }
  });
});
