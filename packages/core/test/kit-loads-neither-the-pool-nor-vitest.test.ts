import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** The modules a source file loads at run time (`import type` and `export type` load nothing). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
    if (match[1] === undefined) found.push(match[2]);
  }
  return found;
}

/** Every source file the kit's entry loads, and every package it loads. */
function closure(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(src, f)).sort(), packages: [...packages].sort() };
}

describe('the kit loads neither the Pool nor vitest', () => {
  const { files, packages } = closure(join(src, 'kit/index.ts'));

  it('loads no package but Node’s own', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(packages.filter((p) => !builtins.has(p))).toEqual([]);
  });

  it('loads neither pool.ts, the conformance suites nor the queues', () => {
    expect(files).not.toContain('pool.ts');
    expect(files.filter((f) => f.startsWith('testing/'))).toEqual([]);
    expect(files.filter((f) => f.includes('queue'))).toEqual([]);
    // What it does load: its own files, the errors, the option checks, and the Pool's record of a try
    // (for the one instanceof of runRefusal's fast path), which loads nothing itself.
    expect(files.filter((f) => !f.startsWith('kit/'))).toEqual(['errors.ts', 'pool/task.ts', 'validate.ts']);
  });
});
