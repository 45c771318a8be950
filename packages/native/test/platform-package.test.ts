import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryName, platformTriple } from '../src/index.js';

// The binary ships in a per-platform package (the layout `napi create-npm-dirs` makes):
// npm/linux-x64-gnu/ is @poolkit/native-linux-x64-gnu, an optionalDependency of @poolkit/native,
// and `npm run build` copies the built addon into it.
const pkg = resolve(import.meta.dirname, '..');
const root = resolve(pkg, '..', '..');
const TRIPLE = 'linux-x64-gnu';
const platformDir = join(pkg, 'npm', TRIPLE);
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const main = readJson(join(pkg, 'package.json'));
const platform = readJson(join(platformDir, 'package.json'));
const compare = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

describe('the platform package @poolkit/native-linux-x64-gnu', () => {
  it('is named for its triple and pinned exactly as an optionalDependency of @poolkit/native', () => {
    expect(platform.name).toBe(`@poolkit/native-${TRIPLE}`);
    expect(platform.version).toBe(main.version);
    expect(main.optionalDependencies).toEqual({ [platform.name]: platform.version });
    expect(main.dependencies?.[platform.name]).toBeUndefined();
  });

  it('sets os, cpu and libc, so npm installs it only on Linux x64 with glibc', () => {
    expect(platform.os).toEqual(['linux']);
    expect(platform.cpu).toEqual(['x64']);
    expect(platform.libc).toEqual(['glibc']);
  });

  it('admits the same Node.js versions as @poolkit/native (it must refuse none that the main package takes)', () => {
    expect(platform.engines).toEqual({ node: main.engines.node });
  });

  it('points main at the binary it ships, with README and LICENSE; @poolkit/native ships none', () => {
    expect(platform.main).toBe(binaryName('linux', 'x64'));
    expect(platform.files).toEqual(expect.arrayContaining([platform.main, 'README.md', 'LICENSE']));
    expect(existsSync(join(platformDir, 'README.md'))).toBe(true);
    expect(existsSync(join(platformDir, 'LICENSE'))).toBe(true);
    expect(main.files.some((f: string) => f.includes('.node'))).toBe(false);
    expect(platform.repository.directory).toBe(`packages/native/npm/${TRIPLE}`);
  });

  it('the build copied the addon in, and the READMEs state its glibc floor', () => {
    const binary = join(platformDir, platform.main);
    expect(existsSync(binary), 'run `npm run build` in packages/native').toBe(true);
    expect(readFileSync(binary).equals(readFileSync(join(pkg, platform.main)))).toBe(true);
    // The version names the dynamic symbols need (what `objdump -T` lists), highest first.
    const versions = [...readFileSync(binary, 'latin1').matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)]
      .map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)])
      .sort((a, b) => compare(b, a));
    expect(versions.length).toBeGreaterThan(0);
    const glibc = `${versions[0][0]}.${versions[0][1]}`;
    expect(readFileSync(join(platformDir, 'README.md'), 'utf8')).toContain(`glibc ${glibc}`);
    expect(readFileSync(join(pkg, 'README.md'), 'utf8')).toContain(`glibc ${glibc}`);
  });
});

// A copy of the package's dist (no .node next to package.json, so the local build is missing)
// beside a node_modules holding only @poolkit/core and the platform package (links to the real
// ones): a child node process then has to load the addon from the platform package.
describe('with no local build the loader uses the platform package', () => {
  let tmp: string;
  const links: string[] = [];

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'poolkit-native-platform-'));
    const copy = join(tmp, 'native');
    mkdirSync(copy);
    cpSync(join(pkg, 'dist'), join(copy, 'dist'), { recursive: true });
    cpSync(join(pkg, 'package.json'), join(copy, 'package.json'));
    // The project that installed them: its package.json is what tells Deno that node_modules
    // holds npm packages (without one, Deno refuses the bare import of @poolkit/core).
    writeFileSync(
      join(tmp, 'package.json'),
      JSON.stringify({ private: true, type: 'module', dependencies: main.dependencies }),
    );
    mkdirSync(join(tmp, 'node_modules', '@poolkit'), { recursive: true });
    for (const [target, name] of [
      [join(root, 'packages', 'core'), 'core'],
      [platformDir, `native-${TRIPLE}`],
    ]) {
      const link = join(tmp, 'node_modules', '@poolkit', name);
      symlinkSync(target, link, 'dir');
      links.push(link);
    }
  });

  afterAll(() => {
    if (tmp === undefined) return;
    for (const link of links) unlinkSync(link); // never recurse through a link into the real tree
    rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the binary from @poolkit/native-linux-x64-gnu and runs a kernel', () => {
    expect(platformTriple()).toBe(TRIPLE);
    const script = `
      import { createRequire } from 'node:module';
      import { addonCandidates, nativeAvailable, runBatch } from './native/dist/index.js';
      const candidates = addonCandidates();
      const available = nativeAvailable();
      const squares = available ? Array.from(await runBatch('square', [1, 2, 3])) : [];
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.endsWith('.node'));
      console.log(JSON.stringify({ candidates, available, squares, loaded }));
    `;
    // A file, not `--input-type=module -e`: Deno runs -e code as CommonJS whatever the flag says.
    const file = join(tmp, 'load-from-platform-package.mjs');
    writeFileSync(file, script);
    // "" is unset to the loader; deleting the variable is not enough under Deno, whose children
    // get the parent's variables whatever `env` holds (https://github.com/denoland/deno/issues/27343).
    const env = { ...process.env, POOLKIT_NATIVE_ADDON: '' };
    const r = spawnSync(process.execPath, [file], {
      cwd: tmp,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    const [override, local, packaged] = out.candidates;
    expect(override.file).toBeUndefined();
    expect(existsSync(local.file)).toBe(false);
    expect(packaged.source).toBe('package');
    // require.resolve follows the link: the file is the platform package's own binary.
    expect(packaged.file).toBe(join(platformDir, platform.main));
    expect(out.available).toBe(true);
    expect(out.squares).toEqual([1, 4, 9]);
    expect(out.loaded).toEqual([packaged.file]);
  });
});
