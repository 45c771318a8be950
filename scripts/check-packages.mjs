#!/usr/bin/env node
// Packaging checks, run by `npm test` after the packages' own tests (needs their dist builds):
// for every publishable package, the tarball `npm pack` makes holds what it must and its source
// maps point at files it ships; publint finds no error or warning; arethetypeswrong finds no
// problem (profile esm-only: the packages are ES modules, and Node ≥ 20.19 can require() them).
// The native binary ships as napi-rs projects ship it: in the platform package
// @poolkit/native-linux-x64-gnu (packages/native/npm/linux-x64-gnu: the .node, README, LICENSE,
// publint clean), never in @poolkit/native's own tarball.
// Then a consumer app in a temporary folder outside the workspace installs the tarballs (the
// platform one too, so its native kernels load from there) and runs
// an ES-module script, a CommonJS script, `tsc --noEmit` under node16 (ES module, and CommonJS with
// import()), node20 (CommonJS with require), bundler and node10
// resolution, and a vitest run of describeBackend on a small custom backend. @poolkit/bench (and the
// @poolkit/bullmq it depends on) is installed there too, and `npx poolkit-bench --task` benchmarks
// the app's own TypeScript task, a peer found in the app (tinypool) and one missing (workerpool).
// Each check counts as one test in .reports/packaging.counts.json; failures are printed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['core', 'adapters', 'native', 'bullmq', 'opentelemetry', 'bench'];
/**
 * What the consumer app installs. @poolkit/bullmq has its own real-Redis tests; it is here because
 * @poolkit/bench depends on it (for `--redis`).
 */
const CONSUMED = ['core', 'adapters', 'native', 'opentelemetry', 'bullmq', 'bench'];
/** The native addon's platform packages (dir under packages/native/npm → its tarball's only binary). */
const PLATFORMS = { 'linux-x64-gnu': 'poolkit-native.linux-x64-gnu.node' };
const counts = { passed: 0, failed: 0, skipped: 0 };
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const benchPackage = JSON.parse(readFileSync(join(root, 'packages', 'bench', 'package.json'), 'utf8'));

function check(name, body) {
  try {
    body();
    counts.passed++;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    counts.failed++;
    console.log(`  ✗ ${name}\n${indent(String(error?.stack ?? error))}`);
  }
}

async function checkAsync(name, body) {
  try {
    await body();
    counts.passed++;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    counts.failed++;
    console.log(`  ✗ ${name}\n${indent(String(error?.stack ?? error))}`);
  }
}

const indent = (text) =>
  text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${output.slice(-4000)}`,
    );
  }
  return result.stdout;
}

const work = mkdtempSync(join(tmpdir(), 'poolkit-packaging-'));
const tarballs = {};
console.log(`packaging checks (in ${work})`);

/** `npm pack` of the package in `dir` into the work folder: the tarball's path and the files it holds. */
function pack(dir) {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: dir,
    encoding: 'utf8',
  });
  const [info] = JSON.parse(out);
  return { tarball: join(work, info.filename), files: info.files.map((f) => f.path) };
}

for (const name of PACKAGES) {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  let files = [];
  check(`${manifest.name}: npm pack`, () => {
    ({ tarball: tarballs[name], files } = pack(dir));
  });
  check(`${manifest.name}: the tarball holds LICENSE, README, CHANGELOG, dist and src`, () => {
    for (const required of [
      'package.json',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'dist/index.js',
      'dist/index.d.ts',
      'src/index.ts',
    ]) {
      if (!files.includes(required)) throw new Error(`missing ${required}`);
    }
    if (files.some((f) => f.startsWith('test/') || f.includes('tsbuildinfo')))
      throw new Error('tests or build info shipped');
    if (name === 'native' && files.some((f) => f.endsWith('.node')))
      throw new Error(
        `a .node addon shipped (it belongs in the platform package): ${files.filter((f) => f.endsWith('.node'))}`,
      );
  });
  check(`${manifest.name}: every source map points at a file the tarball ships`, () => {
    const missing = [];
    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8'));
      for (const source of sources) {
        const target = join(dirname(map), source);
        if (!files.includes(target)) missing.push(`${map} → ${target}`);
      }
    }
    if (missing.length > 0) throw new Error(`${missing.length} dangling: ${missing.slice(0, 5).join(', ')}`);
  });
  await checkAsync(`${manifest.name}: publint finds no error or warning`, async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const { messages, pkg } = await publint({ pkgDir: dir, level: 'warning', pack: 'npm' });
    if (messages.length > 0)
      throw new Error(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`).join('\n'));
  });
  check(`${manifest.name}: arethetypeswrong (profile esm-only) finds no problem`, () => {
    const cli = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    run(process.execPath, [cli, tarballs[name], '--profile', 'esm-only', '--format', 'table-flipped']);
  });
}

// ---- the native addon's platform packages: the binary, README and LICENSE, nothing else ----
for (const [triple, binary] of Object.entries(PLATFORMS)) {
  const dir = join(root, 'packages', 'native', 'npm', triple);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  let files = [];
  check(`${manifest.name}: npm pack`, () => {
    ({ tarball: tarballs[triple], files } = pack(dir));
  });
  check(`${manifest.name}: the tarball holds the .node addon, README and LICENSE only`, () => {
    const expected = ['LICENSE', 'README.md', binary, 'package.json'].sort();
    if (JSON.stringify([...files].sort()) !== JSON.stringify(expected))
      throw new Error(
        `expected ${expected.join(', ')}; got ${files.join(', ')} (run npm run build in packages/native)`,
      );
    if (manifest.main !== binary) throw new Error(`main is ${manifest.main}, not ${binary}`);
  });
  await checkAsync(`${manifest.name}: publint finds no error or warning`, async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const { messages, pkg } = await publint({ pkgDir: dir, level: 'warning', pack: 'npm' });
    if (messages.length > 0)
      throw new Error(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`).join('\n'));
  });
}

// ---- a consumer app outside the workspace ----
const app = join(work, 'app');
mkdirSync(app);
const dev = rootPackage.devDependencies;
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'poolkit-consumer',
      private: true,
      // The platform packages as the registry would give them (os/cpu/libc pick the one that fits).
      dependencies: Object.fromEntries([
        ...CONSUMED.map((n) => [`@poolkit/${n}`, `file:${tarballs[n]}`]),
        ...Object.keys(PLATFORMS).map((t) => [`@poolkit/native-${t}`, `file:${tarballs[t]}`]),
      ]),
      devDependencies: {
        typescript: dev.typescript,
        vitest: dev.vitest,
        'fast-check': dev['fast-check'],
        '@types/node': dev['@types/node'],
        // One peer for `poolkit-bench --task` to find in the app; workerpool is left out on purpose.
        tinypool: benchPackage.devDependencies.tinypool,
      },
    },
    null,
    2,
  ),
);
writeFileSync(join(app, 'worker.mjs'), 'export default (n) => n * 3;\n');
writeFileSync(
  join(app, 'esm.mjs'),
  `import { InlineBackend, Pool } from '@poolkit/core';
import { fromErrorData, toErrorData } from '@poolkit/core/kit';
import { describeBackend } from '@poolkit/core/testing';
import { PiscinaBackend } from '@poolkit/adapters';
import { move } from '@poolkit/adapters/thread';
import { addonCandidates, runBatch } from '@poolkit/native';
import { square } from '@poolkit/native/reference';
import { PoolkitInstrumentation } from '@poolkit/opentelemetry';
import { traceWorkerTasks } from '@poolkit/opentelemetry/worker';
import { existsSync } from 'node:fs';
if (typeof traceWorkerTasks !== 'function') throw new Error('@poolkit/opentelemetry/worker');
// The instrumentation (its @opentelemetry/api peer installed beside it) sees a pool's tries.
const instrumentation = new PoolkitInstrumentation();
if (instrumentation.instrumentationName !== '@poolkit/opentelemetry') throw new Error('instrumentation');
await new Pool({ executor: (n) => n }).submit(1);
instrumentation.disable();
if (typeof describeBackend !== 'function' || typeof move !== 'function') throw new Error('missing exports');
if (fromErrorData(toErrorData(Object.assign(new Error('x'), { code: 'E' }))).code !== 'E') throw new Error('kit');
const inline = new Pool({ backend: new InlineBackend(async (n) => n + 1) });
if ((await inline.submit(1)) !== 2) throw new Error('inline pool');
await inline.close();
const threads = new Pool({ backend: new PiscinaBackend({ filename: new URL('./worker.mjs', import.meta.url), threads: 1 }) });
if ((await threads.submit(14)) !== 42) throw new Error('piscina pool');
await threads.close();
const squares = await runBatch('square', [1, 2, 3]);
if (squares[2] !== square(3)) throw new Error('native square');
// The installed @poolkit/native ships no binary: the kernel ran from the platform package.
const [, local, packaged] = addonCandidates({});
if (existsSync(local.file) || !packaged.file?.includes('@poolkit/native-linux-x64-gnu'))
  throw new Error('addon not from the platform package: ' + JSON.stringify(addonCandidates({})));
console.log('esm ok');
`,
);
writeFileSync(
  join(app, 'cjs.cjs'),
  `const { InlineBackend, Pool } = require('@poolkit/core');
const testing = require('@poolkit/core/testing');
const { abortReason } = require('@poolkit/core/kit');
const { PiscinaBackend } = require('@poolkit/adapters');
const { move } = require('@poolkit/adapters/thread');
const { runBatch } = require('@poolkit/native');
const reference = require('@poolkit/native/reference');
const { PoolkitInstrumentation } = require('@poolkit/opentelemetry');
if (typeof require('@poolkit/opentelemetry/worker').traceWorkerTasks !== 'function') throw new Error('worker (require)');
new PoolkitInstrumentation({ enabled: false });
const path = require('node:path');
for (const [what, value] of Object.entries({ describeBackend: testing.describeBackend, abortReason, move, runBatch, square: reference.square })) {
  if (typeof value !== 'function') throw new Error('require() gave no ' + what);
}
(async () => {
  const pool = new Pool({ backend: new InlineBackend(async (n) => n * 2) });
  if ((await pool.submit(21)) !== 42) throw new Error('inline pool');
  await pool.close();
  const threads = new Pool({ backend: new PiscinaBackend({ filename: path.join(__dirname, 'worker.mjs'), threads: 1 }) });
  if ((await threads.submit(2)) !== 6) throw new Error('piscina pool');
  await threads.close();
  console.log('cjs ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`,
);
writeFileSync(
  join(app, 'types.ts'),
  `import { type Backend, InlineBackend, Pool, type RunOptions, WorkerCrashedError } from '@poolkit/core';
import { ErrorListeners, type ErrorData, splitBatch, toErrorData } from '@poolkit/core/kit';
import { describeBackend, probeConformance } from '@poolkit/core/testing';
import { PiscinaBackend, type PiscinaBackendOptions } from '@poolkit/adapters';
import { move } from '@poolkit/adapters/thread';
import { NativeBackend, runBatch } from '@poolkit/native';
import { square } from '@poolkit/native/reference';
import { PoolkitInstrumentation, type PoolkitInstrumentationConfig } from '@poolkit/opentelemetry';

const otelConfig: PoolkitInstrumentationConfig = { ignore: (trace) => trace.pool === 'skip' };
const instrumentation: PoolkitInstrumentation = new PoolkitInstrumentation(otelConfig);
const backend: Backend<number, number> = new InlineBackend(async (n: number) => n + 1);
const pool = new Pool<number, number>({ backend, concurrency: 2 });
const result: Promise<number> = pool.submit(1);
const options: PiscinaBackendOptions = { filename: './worker.mjs', recycleAfterTasks: 10, atomics: 'async' };
const piscina: Backend = new PiscinaBackend(options);
const run: (input: number, options: RunOptions) => Promise<number> = backend.run.bind(backend);
const bytes: Uint8Array = move(new Uint8Array(4));
const native: Promise<Float64Array> = runBatch('square', [1, 2]);
const error: Error = new WorkerCrashedError('x');
const data: ErrorData = toErrorData(error);
void [instrumentation, result, piscina, run, bytes, native, error, square, NativeBackend, describeBackend, probeConformance, data, ErrorListeners, splitBatch];
`,
);
// The same file as an ES module (.mts) for node16, and as CommonJS (.cts) for node20, whose model
// knows that Node ≥ 20.19 require()s ES modules.
const typesSource = readFileSync(join(app, 'types.ts'), 'utf8');
writeFileSync(join(app, 'types.mts'), typesSource);
writeFileSync(join(app, 'types.cts'), typesSource);
// CommonJS under node16: TypeScript's node16 model predates require(esm), so `import x =
// require()` of an ES-only package is TS1471 there; `await import()` is what works (README).
writeFileSync(
  join(app, 'dynamic.cts'),
  `async function main(): Promise<void> {
  const core = await import('@poolkit/core');
  const testing = await import('@poolkit/core/testing');
  const adapters = await import('@poolkit/adapters');
  const native = await import('@poolkit/native');
  const otel = await import('@poolkit/opentelemetry');
  const pool = new core.Pool<number, number>({ executor: (n: number) => n + 1 });
  const value: number = await pool.submit(1);
  await pool.close();
  void [value, otel.PoolkitInstrumentation, testing.describeBackend, adapters.PiscinaBackend, native.runBatch];
}
void main();
`,
);
const tsconfig = (compilerOptions, file = 'types.ts') =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      skipLibCheck: false,
      types: ['node'],
      ...compilerOptions,
    },
    files: [file],
  });
writeFileSync(
  join(app, 'tsconfig.node16.json'),
  tsconfig({ module: 'node16', moduleResolution: 'node16' }, 'types.mts'),
);
writeFileSync(
  join(app, 'tsconfig.node20-cjs.json'),
  tsconfig({ module: 'node20', moduleResolution: 'node16' }, 'types.cts'),
);
writeFileSync(
  join(app, 'tsconfig.node16-cjs.json'),
  tsconfig({ module: 'node16', moduleResolution: 'node16' }, 'dynamic.cts'),
);
writeFileSync(
  join(app, 'tsconfig.bundler.json'),
  tsconfig({ module: 'esnext', moduleResolution: 'bundler' }),
);
// node10 is deprecated in TypeScript 6 (it still works, behind ignoreDeprecations); subpaths resolve
// through each package's typesVersions.
writeFileSync(
  join(app, 'tsconfig.node10.json'),
  tsconfig({ module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' }),
);
writeFileSync(
  join(app, 'backend.test.mjs'),
  `// A user's own small backend, checked by the conformance suite from the installed package.
import { describeBackend, probeConformance, probeExecutor } from '@poolkit/core/testing';

class MyBackend {
  name = 'my-backend';
  concurrency = 2;
  #closed = false;
  async run(input, options) {
    if (this.#closed) throw Object.assign(new Error('closed'), { code: 'ERR_POOL_CLOSED' });
    if (options.signal.aborted) throw new DOMException('aborted', 'AbortError');
    return await new Promise((resolve, reject) => {
      const onAbort = () => reject(new DOMException('aborted', 'AbortError'));
      options.signal.addEventListener('abort', onAbort, { once: true });
      probeExecutor(input, { signal: options.signal, attempt: options.attempt ?? 1 }).then(resolve, reject).finally(() =>
        options.signal.removeEventListener('abort', onAbort),
      );
    });
  }
  async close() {
    this.#closed = true;
  }
}

describeBackend('MyBackend (installed from the tarballs)', () => new MyBackend(), probeConformance);
`,
);
writeFileSync(
  join(app, 'vitest.config.mjs'),
  "export default { test: { include: ['backend.test.mjs'] } };\n",
);

// The app's own task for `npx poolkit-bench --task ./src/render.ts` (TypeScript, a named export).
mkdirSync(join(app, 'src'));
writeFileSync(
  join(app, 'src', 'render.ts'),
  `export interface Row { readonly id: number; readonly name: string }
export function render(row: Row): string {
  return \`<li data-id="\${row.id}">\${row.name.toUpperCase()}</li>\`;
}
export function inputs(count: number): Row[] {
  return Array.from({ length: count }, (_, id) => ({ id, name: \`row \${id}\` }));
}
`,
);

let installed = false;
check('consumer app: npm install of the tarballs', () => {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app });
  installed = existsSync(join(app, 'node_modules', '@poolkit', 'core', 'package.json'));
  if (!installed) throw new Error('@poolkit/core not installed');
});
const inApp = (name, args) =>
  check(name, () => {
    if (!installed) throw new Error('not installed');
    run(args[0], args.slice(1), { cwd: app });
  });
inApp('consumer app: an ES-module script imports every entry and runs pools', [process.execPath, 'esm.mjs']);
inApp('consumer app: a CommonJS script require()s every entry and runs pools', [process.execPath, 'cjs.cjs']);
const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
for (const mode of ['node16', 'node16-cjs', 'node20-cjs', 'bundler', 'node10']) {
  inApp(`consumer app: tsc --noEmit, ${mode}`, [process.execPath, tsc, '-p', `tsconfig.${mode}.json`]);
}
inApp('consumer app: vitest runs describeBackend on a custom backend', [
  process.execPath,
  join(app, 'node_modules', 'vitest', 'vitest.mjs'),
  'run',
  '--config',
  'vitest.config.mjs',
]);

check(
  'consumer app: npx poolkit-bench --task ./src/render.ts benchmarks the app’s task and recommends',
  () => {
    if (!installed) throw new Error('not installed');
    const args = [
      ...['poolkit-bench', '--task', './src/render.ts', '--export', 'render'],
      ...['--backend', 'pool-inline,pool-piscina-batched,tinypool,workerpool', '--budget', '60'],
      ...'--tasks 32 --time 0 --iterations 3 --warmup 0 --rounds 1 --latency 3 --no-progress'.split(' '),
      ...['--json', 'bench/r.json'],
    ];
    const out = run('npx', args, { cwd: app });
    const report = JSON.parse(readFileSync(join(app, 'bench', 'r.json'), 'utf8'));
    const rows = Object.fromEntries(report.scenarios[0].contenders.map((c) => [c.id, c]));
    for (const id of ['floor', 'pool-inline', 'pool-piscina-batched', 'tinypool'])
      if (rows[id]?.status !== 'ok') throw new Error(`${id}: ${rows[id]?.status} ${rows[id]?.reason}`);
    if (rows.workerpool?.reason !== 'not installed — npm i -D workerpool to compare')
      throw new Error(`workerpool: ${JSON.stringify(rows.workerpool)}`);
    if (report.task.format !== 'typescript' || !out.includes('\nRecommendation for render (src/render.ts): '))
      throw new Error(`no recommendation printed last:\n${out.slice(-2000)}`);
  },
);

rmSync(work, { recursive: true, force: true });
mkdirSync(join(root, '.reports'), { recursive: true });
writeFileSync(join(root, '.reports', 'packaging.counts.json'), JSON.stringify(counts));
console.log(`packaging: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed === 0 ? 0 : 1);
