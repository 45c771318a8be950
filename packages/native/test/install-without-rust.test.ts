import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryName } from '../src/index.js';

// The package is copied (scripts, src, tsconfig) into a temp workspace whose PATH holds only
// `node` and whose CARGO_HOME is empty: no cargo anywhere. node_modules links to every entry of
// the real root's, so tsc and @poolkit/core resolve, except the platform packages
// (@poolkit/native-<triple>, whose binary would load); the copy has no .node file, so the "local
// build" is missing too. The real package and its built addon are never touched.
const pkg = resolve(import.meta.dirname, '..');
const root = resolve(pkg, '..', '..');
let tmp: string;
let copy: string;
let noCargoEnv: NodeJS.ProcessEnv;
const links: string[] = [];

function build(extra: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [join(copy, 'scripts', 'build.mjs')], {
    cwd: copy,
    env: { ...noCargoEnv, ...extra },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, error: r.error };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'poolkit-native-no-rust-'));
  copy = join(tmp, 'packages', 'native');
  mkdirSync(copy, { recursive: true });
  for (const entry of ['scripts', 'src', 'package.json'])
    cpSync(join(pkg, entry), join(copy, entry), { recursive: true });
  // Without the project reference tsc -b builds this copy only, reading core's built .d.ts.
  const tsconfig = JSON.parse(readFileSync(join(pkg, 'tsconfig.json'), 'utf8'));
  delete tsconfig.references;
  writeFileSync(join(copy, 'tsconfig.json'), JSON.stringify(tsconfig));
  cpSync(join(root, 'tsconfig.base.json'), join(tmp, 'tsconfig.base.json'));
  const bin = join(tmp, 'bin');
  mkdirSync(bin);
  mkdirSync(join(tmp, 'cargo-home'));
  const modules = join(root, 'node_modules');
  mkdirSync(join(tmp, 'node_modules', '@poolkit'), { recursive: true });
  const entries = [
    ...readdirSync(modules)
      .filter((name) => name !== '@poolkit')
      .map((name) => [join(modules, name), join(tmp, 'node_modules', name)]),
    ...readdirSync(join(modules, '@poolkit'))
      .filter((name) => !name.startsWith('native-'))
      .map((name) => [join(modules, '@poolkit', name), join(tmp, 'node_modules', '@poolkit', name)]),
  ];
  for (const [target, link] of [...entries, [process.execPath, join(bin, 'node')]]) {
    symlinkSync(target, link);
    links.push(link);
  }
  // Unset as empty strings (the build and the loader read "" as unset), not deleted: Deno's
  // child_process passes the parent's variables on even when `env` omits them
  // (https://github.com/denoland/deno/issues/27343, still so in Deno 2.9.6), and the matrix runs with CI=true.
  noCargoEnv = {
    ...process.env,
    PATH: bin,
    CARGO_HOME: join(tmp, 'cargo-home'),
    CI: '',
    POOLKIT_NATIVE_REQUIRE: '',
    POOLKIT_NATIVE_ADDON: '',
  };
});

afterAll(() => {
  if (tmp === undefined) return;
  for (const link of links) unlinkSync(link); // never recurse through a link into the real tree
  rmSync(tmp, { recursive: true, force: true });
});

describe('a build without a Rust toolchain', () => {
  it('exits 0 with one warning and still compiles the TypeScript', () => {
    const r = build({});
    expect(r.error).toBeUndefined();
    expect(r.status, r.output).toBe(0);
    expect(r.output.match(/warning/gi)).toHaveLength(1);
    expect(r.output).toContain('@poolkit/native: warning: no Rust toolchain');
    expect(r.output).toContain('https://rustup.rs');
    expect(existsSync(join(copy, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(copy, 'dist', 'reference', 'index.js'))).toBe(true);
    expect(existsSync(join(copy, binaryName()))).toBe(false);
  }, 180_000);

  it('fails (exit 1) when CI is set, so CI never silently skips native', () => {
    const r = build({ CI: 'true' });
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain('error: no Rust toolchain');
    expect(r.output).toContain('CI is set');
  }, 60_000);

  it('fails (exit 1) when POOLKIT_NATIVE_REQUIRE=1, even with CI=false', () => {
    const r = build({ POOLKIT_NATIVE_REQUIRE: '1', CI: 'false' });
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain('POOLKIT_NATIVE_REQUIRE is set');
  }, 60_000);
});

describe('the package built without the addon', () => {
  const run = (env: NodeJS.ProcessEnv) => {
    const r = spawnSync(
      process.execPath,
      [join(import.meta.dirname, 'fixtures', 'without-addon.mjs'), copy],
      {
        env: { ...noCargoEnv, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
  };

  it('imports; nativeAvailable() is false; the reference twins work; runBatch throws ERR_NATIVE_LOAD naming the triple, every place and the fix', () => {
    const missing = join(tmp, 'missing', 'poolkit-native.node');
    const report = run({ POOLKIT_NATIVE_ADDON: missing });
    expect(report.available).toBe(false);
    expect(report.availableAfter).toBe(false);
    expect(report.reference).toEqual([1, 4, 9]);
    expect(report.batch).toBeUndefined();
    expect(report.error.code).toBe('ERR_NATIVE_LOAD');
    const message: string = report.error.message;
    expect(message).toContain(`for ${report.triple}.`);
    expect(report.triple).toMatch(/^\w+-\w+/);
    const places = [
      `1. POOLKIT_NATIVE_ADDON=${missing}: not found`,
      `2. ${join(copy, binaryName())} (local build): not found`,
      `3. @poolkit/native-${report.triple} (platform package): not installed`,
    ];
    for (const place of places) expect(message).toContain(place);
    expect(message.indexOf(places[0])).toBeLessThan(message.indexOf(places[1]));
    expect(message.indexOf(places[1])).toBeLessThan(message.indexOf(places[2]));
    expect(message).toContain('install Rust');
    expect(message).toContain('POOLKIT_NATIVE_ADDON=/path/to/poolkit-native.node');
  });

  it('says the override variable is not set when it is not', () => {
    const report = run({});
    expect(report.error.code).toBe('ERR_NATIVE_LOAD');
    expect(report.error.message).toContain('1. POOLKIT_NATIVE_ADDON (not set)');
  });

  it('loads the binary POOLKIT_NATIVE_ADDON names', () => {
    const built = join(pkg, binaryName());
    if (!existsSync(built)) throw new Error(`this test needs the real build ${built}`);
    const report = run({ POOLKIT_NATIVE_ADDON: built });
    expect(report.available).toBe(true);
    expect(report.batch).toEqual([1, 4, 9]);
  });
});
